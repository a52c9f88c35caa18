#!/usr/bin/env python3
"""The bare CaT filter: the loop a researcher would write by hand.

Single process, plain CPython, no sandbox and no timeouts: it implements the
case contract and the verdict of PRODUCT.md and nothing else.  It is the
reference the sandboxed filter is compared against (same verdicts) and the
speed baseline (cases/second).

Usage: /usr/bin/python3 scripts/bare_filter.py PACK_DIR TASKS.jsonl [--limit N]

Prints one JSON line per task:
  {"id", "status", "reason", "cases": [{"role", "index", "outcome", "error"}]}
and a last summary line with counts per status/reason, cases, elapsed seconds,
CPU seconds (what the loop costs whatever else the machine runs) and cases/second.

What the lack of a sandbox means: a case runs in this very interpreter, so it
could patch builtins or the tool modules and fool later cases or its own
verifier.  Fresh globals and a fresh load_state() per case are all this loop
does against that: verify gets the very state object the case left (no deep
copy), which is what a researcher's own loop does, and the fastest honest
baseline for the sandboxed filter.
"""

import argparse
import inspect
import json
import os
import resource
import sys
import time
import traceback

REASONS = ["verifier_invalid", "solution_not_passing", "no_failure_cases",
           "failure_case_passing", "failure_case_error"]


def describe(exc):
    """'KeyError: ...' plus the line of task code that raised, when there is one."""
    text = f"{type(exc).__name__}: {exc}"
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.startswith("<"):  # task code is compiled as <solution>, <verifier>...
            text += f" (at {frame.filename} line {frame.lineno})"
            break
    return text


def load_verifier(source):
    """exec the verifier in a fresh dict; return its verify or raise why it is invalid."""
    namespace = {"__name__": "__verifier__"}
    exec(compile(source, "<verifier>", "exec"), namespace)
    verify = namespace.get("verify")
    if verify is None:
        raise NameError("the verifier defines no 'verify'")
    if not callable(verify):
        raise TypeError(f"'verify' is not callable (it is a {type(verify).__name__})")
    return verify


def takes_messages(verify):
    """True when verify takes three positional parameters: (state, answer, messages)."""
    try:
        params = inspect.signature(verify).parameters.values()
    except (TypeError, ValueError):
        return False
    kinds = [p.kind for p in params]
    if inspect.Parameter.VAR_POSITIONAL in kinds:
        return True
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return sum(k in positional for k in kinds) >= 3


def run_case(env, source, role, index, verifier_source, verifier_error):
    """Run one case from a fresh state, then verify what it left.  Never raises."""
    state = env.load_state()  # step 1: fresh state, for every case
    messages = []

    def bind(name, fn):
        # the contract: a tool in scope runs TOOLS[name](state, *args, **kwargs)
        def tool(*args, **kwargs):
            return fn(state, *args, **kwargs)
        tool.__name__ = name
        return tool

    namespace = {"__name__": "__case__"}
    namespace.update({name: bind(name, fn) for name, fn in env.TOOLS.items()})

    def respond(text):
        messages.append(str(text))
    namespace["respond"] = respond

    errors = []
    try:  # step 2: the case body; an exception is recorded and verification goes on
        exec(compile(source, f"<{role}>", "exec"), namespace)
    except BaseException as exc:  # noqa: BLE001 - a case may even raise SystemExit
        if isinstance(exc, KeyboardInterrupt):
            raise
        errors.append("case raised " + describe(exc))

    if verifier_error is not None:
        outcome = "error"
        errors.append("verifier invalid: " + verifier_error)
    else:
        # step 3: a freshly loaded verify (module-level variables of the verifier do
        # not carry over between cases) on the state the case left
        try:
            verify = load_verifier(verifier_source)
            answer = messages[-1] if messages else ""
            if takes_messages(verify):
                result = verify(state, answer, list(messages))
            else:
                result = verify(state, answer)
            outcome = "pass" if result else "fail"  # step 4
        except BaseException as exc:  # noqa: BLE001
            if isinstance(exc, KeyboardInterrupt):
                raise
            outcome = "error"
            errors.append("verify raised " + describe(exc))
    return {"role": role, "index": index, "outcome": outcome, "error": "; ".join(errors) or None}


def run_task(env, task):
    verifier_source = task.get("verifier") or ""
    try:
        load_verifier(verifier_source)
        verifier_error = None
    except BaseException as exc:  # noqa: BLE001
        if isinstance(exc, KeyboardInterrupt):
            raise
        verifier_error = describe(exc)

    failure_cases = task.get("failure_cases") or []
    # all cases run every time, solution first, so the whole matrix is shown
    cases = [run_case(env, task.get("solution") or "", "solution", 0, verifier_source, verifier_error)]
    cases += [run_case(env, src, "failure_case", i, verifier_source, verifier_error)
              for i, src in enumerate(failure_cases)]

    failing = cases[1:]
    holds = {
        "verifier_invalid": verifier_error is not None,
        "solution_not_passing": cases[0]["outcome"] != "pass",
        "no_failure_cases": not failure_cases,
        "failure_case_passing": any(c["outcome"] == "pass" for c in failing),
        "failure_case_error": any(c["outcome"] in ("error", "timeout") for c in failing),
    }
    reason = next((r for r in REASONS if holds[r]), None)
    return {"id": task.get("id"), "status": "rejected" if reason else "accepted",
            "reason": reason, "cases": cases}


def main():
    ap = argparse.ArgumentParser(description="Run the CaT filter over a JSONL file of tasks, with no sandbox.")
    ap.add_argument("pack_dir")
    ap.add_argument("tasks")
    ap.add_argument("--limit", type=int, default=None, help="only the first N tasks")
    args = ap.parse_args()

    tasks_path = os.path.abspath(args.tasks)
    # the contract: the pack root is the working directory and on sys.path
    os.chdir(args.pack_dir)
    sys.path.insert(0, os.getcwd())
    sys.dont_write_bytecode = True  # leave no __pycache__ in the pack (it is hashed)
    import env  # noqa: E402  (the pack's env.py)

    with open(tasks_path, encoding="utf-8") as f:
        tasks = [json.loads(line) for line in f if line.strip()]
    if args.limit is not None:
        tasks = tasks[:args.limit]

    counts = {"accepted": 0, "rejected": 0}
    reasons = {}
    n_cases = 0
    start = time.perf_counter()
    cpu_start = time.process_time()
    for task in tasks:
        result = run_task(env, task)
        counts[result["status"]] += 1
        if result["reason"]:
            reasons[result["reason"]] = reasons.get(result["reason"], 0) + 1
        n_cases += len(result["cases"])
        print(json.dumps(result), flush=True)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    print(json.dumps({"summary": True, "tasks": len(tasks), "status": counts, "reasons": reasons,
                      "cases": n_cases, "elapsed_s": round(elapsed, 3), "cpu_s": round(cpu, 3),
                      "cases_per_s": round(n_cases / elapsed, 2) if elapsed else None,
                      "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))


if __name__ == "__main__":
    main()
