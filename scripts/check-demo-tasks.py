#!/usr/bin/env python3
"""Check that every demo task gets the verdict its flaw calls for.

Runs scripts/bare_filter.py over demo/tasks.jsonl and compares each task's
reason with metadata.expected_reason (null = accepted), which the generator
derives from metadata.flaw.  Prints the distribution table and a mismatch
table; exits 1 if any task disagrees.

Usage: /usr/bin/python3 scripts/check-demo-tasks.py [PACK_DIR] [TASKS.jsonl]
"""

import collections
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    pack = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "packs", "retail")
    tasks_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "demo", "tasks.jsonl")
    with open(tasks_path, encoding="utf-8") as f:
        tasks = {t["id"]: t for t in map(json.loads, filter(str.strip, f))}

    out = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "bare_filter.py"), pack, tasks_path],
                         check=True, capture_output=True, text=True).stdout
    lines = [json.loads(l) for l in out.splitlines() if l.strip()]
    results, summary = lines[:-1], lines[-1]

    table = collections.Counter()
    mismatches = []
    for r in results:
        meta = tasks[r["id"]].get("metadata", {})
        flaw, expected = meta.get("flaw"), meta.get("expected_reason")
        table[(flaw or "(none: good task)", r["reason"] or "accepted")] += 1
        if r["reason"] != expected:
            mismatches.append((r["id"], meta.get("task_type"), flaw, expected or "accepted", r["reason"] or "accepted",
                               " | ".join(f"{c['role'][0]}{c['index']}={c['outcome']}" for c in r["cases"])))

    print(f"{'flaw':36} {'verdict':24} tasks")
    for (flaw, verdict), n in sorted(table.items()):
        print(f"{flaw:36} {verdict:24} {n:5}")
    print(f"\n{summary['tasks']} tasks, {summary['cases']} cases, {summary['elapsed_s']} s, "
          f"{summary['cases_per_s']} cases/s; status {summary['status']}")
    print(f"\n{len(mismatches)} mismatches")
    for m in mismatches:
        print("  {:12} {:14} {:34} expected {:22} got {:22} {}".format(*m))
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
