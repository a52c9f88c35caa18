#!/usr/bin/env python3
"""The floor under the engine on this machine: what the two processes every case needs cost here
before they do anything (the contract: a fresh process for the case, a clean one for the verifier).

Loads the pack the zygote's way (server/sandbox/harness.py: load_state, compacting, the memory
index, huge pages), then runs cases of two empty children — forked, set up as the harness sets up
every child (process group, descriptors, limits, the child's seccomp filter), reporting an empty
result, reaped — once in one process, then in two processes at once (the second a fork of the
first). Where forks and page faults are cheap this is ~3 ms per case; in a virtual machine whose
page tables are shadowed by the hypervisor it can be ten times that, and two processes forking at
once may be no faster than one.

It runs the pack's env.py in this process, without bubblewrap: give it only a pack you trust (the
one bench:filter generates, or packs/retail), never one a user uploaded.

Usage: /usr/bin/python3 scripts/sandbox_floor.py PACK_DIR [--cases N]
Prints one JSON line: {"serialMsPerCase": …, "parallelMsPerCase": …, "hugePagesMb": …} (parallel:
wall time over the cases of both processes; hugePagesMb: how much of this process the kernel put in
huge pages after settling, 0 where it gives none, and then every fork copies one page-table entry
per 4 KiB page of the state).
"""

import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # packs are hashed by content: leave no __pycache__ in them


def main():
    pack = os.path.abspath(sys.argv[1])
    n = int(sys.argv[sys.argv.index("--cases") + 1]) if "--cases" in sys.argv else 150
    os.chdir(pack)
    sys.path.insert(0, os.path.join(ROOT, "server", "sandbox"))
    import harness as h

    h.PACK_ROOT = pack
    _, state, _ = h.load_pack(False)
    h.settle(state, h.fingerprint(state), serving=True)
    huge_kb = _anon_huge_kb()
    case_filter = h._make_installer(child=True)
    limits = {"timeoutMs": 10_000, "memoryBytes": 1 << 30, "outputBytes": 1 << 16}

    def cases(k):
        started = time.perf_counter()
        for _ in range(k):
            for _ in range(2):  # the case's process, then the verifier's
                r = h.run_child(lambda: h.write_child_result({}), limits, case_filter, 1 << 20)
                if r["header"] is None:
                    raise SystemExit(f"an empty child failed: {h.death_note(r)}")
        return time.perf_counter() - started

    cases(5)  # warm-up
    serial = cases(n) / n
    # two processes at once, started together
    go_r, go_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.read(go_r, 1)
        cases(n)
        os._exit(0)
    started = time.perf_counter()
    os.write(go_w, b"x")
    cases(n)
    os.waitpid(pid, 0)
    parallel = (time.perf_counter() - started) / (2 * n)
    print(json.dumps({
        "serialMsPerCase": round(serial * 1000, 2),
        "parallelMsPerCase": round(parallel * 1000, 2),
        "hugePagesMb": round(huge_kb / 1024, 1),
    }))


def _anon_huge_kb():
    with open("/proc/self/smaps_rollup") as f:
        for line in f:
            if line.startswith("AnonHugePages:"):
                return int(line.split()[1])
    return 0


if __name__ == "__main__":
    main()
