#!/usr/bin/env python3
"""Generate the pack and tasks `npm run bench:filter` measures, from a fixed seed.

The pack is the retail pack's code with more data (2-5 MB of JSON state, by --users/--orders),
so that load_state() costs what it costs in real environments. Two task files:

- light.jsonl: tasks written like the demo ones (scripts/generate-demo-tasks.py, its plan scaled
  up): verifiers that look at a few records, good and flawed in the demo's proportions;
- hash.jsonl: verifiers that hash the whole database and compare it with the hash of the state the
  intended solution leaves, as tau-bench's own reward does. Most are good tasks; some expect one
  change too many (solution_not_passing) and some have a broken verifier (verifier_invalid).

Usage: /usr/bin/python3 scripts/bench_pack.py OUT_DIR [--seed N] [--users N] [--orders N]
       [--light N] [--hash N]
Writes OUT_DIR/pack/, OUT_DIR/light.jsonl, OUT_DIR/hash.jsonl and prints a JSON summary line.
"""

import argparse
import hashlib
import importlib.util
import json
import os
import random
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RETAIL = os.path.join(ROOT, "packs", "retail")
sys.dont_write_bytecode = True  # packs are hashed: leave no __pycache__ in them


def load_script(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def write_pack(out, seed, n_users, n_orders):
    gen = load_script("gen_retail_pack", os.path.join(ROOT, "scripts", "generate-retail-pack.py"))
    gen.N_USERS, gen.N_ORDERS = n_users, n_orders
    rng = random.Random(seed)
    ids = gen.Ids(rng)
    products = gen.make_products(rng, ids)
    users = gen.make_users(rng, ids)
    orders = gen.make_orders(rng, ids, users, products)
    if os.path.exists(out):
        shutil.rmtree(out)
    shutil.copytree(RETAIL, out, ignore=shutil.ignore_patterns("data", "__pycache__", "*.pyc"))
    os.makedirs(os.path.join(out, "data"))
    for name, data in (("products", products), ("users", users), ("orders", orders)):
        gen.write_json(os.path.join(out, "data", name + ".json"), data)
    return sum(os.path.getsize(os.path.join(out, "data", f)) for f in os.listdir(os.path.join(out, "data")))


HASH_VERIFIER = '''import hashlib
import json


def verify(state, answer):
    # the whole database, as tau-bench's reward compares it
    data = json.dumps(state, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest() == {expected!r}
'''


def state_hash(state):
    data = json.dumps(state, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def final_state(env, source):
    """The state a case leaves (tools bound as the contract says; an exception ends the case)."""
    state = env.load_state()
    ns = {name: (lambda fn: lambda *a, **k: fn(state, *a, **k))(fn) for name, fn in env.TOOLS.items()}
    ns["respond"] = lambda text="": None
    try:
        exec(compile(source, "<solution>", "exec"), ns)
    except Exception:
        pass
    return state


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--users", type=int, default=800)
    ap.add_argument("--orders", type=int, default=1600)
    ap.add_argument("--light", type=int, default=300)
    ap.add_argument("--hash", type=int, default=150)
    args = ap.parse_args()

    pack = os.path.join(os.path.abspath(args.out), "pack")
    state_bytes = write_pack(pack, args.seed, args.users, args.orders)

    # The demo generator builds its tasks from whatever `env` is imported: make it this pack.
    sys.path.insert(0, pack)
    import env  # noqa: E402

    demo = load_script("gen_demo_tasks", os.path.join(ROOT, "scripts", "generate-demo-tasks.py"))
    rng = random.Random(args.seed)
    pick = demo.Picker(rng)
    base = [(kind, flaw) for kind, flaws in demo.PLAN.items() for flaw, n in flaws.items() for _ in range(n)]
    base += [(kind, flaw) for flaw, n in demo.GENERIC_FLAWS.items() for kind in demo.GENERIC_KINDS[:n]]
    specs = [base[i % len(base)] for i in range(args.light)]
    rng.shuffle(specs)

    light = []
    for i, (kind, flaw) in enumerate(specs, 1):
        t = demo.make_task(rng, pick, kind, flaw)
        light.append({"id": f"light-{i:04d}", "environment": "retail-bench", "instruction": t["instruction"],
                      "verifier": t["verifier"], "solution": t["solution"], "failure_cases": t["failure_cases"],
                      "metadata": {"kind": "light", "task_type": kind, "flaw": flaw}})

    changing = ["cancel", "return", "exchange", "order_address", "user_address", "order_payment", "order_items"]
    heavy = []
    for i in range(1, args.hash + 1):
        kind = changing[i % len(changing)]
        t = demo.make_task(rng, pick, kind, None)
        flaw = rng.choices([None, "expects_more", "verifier_syntax_error"], [70, 15, 15])[0]
        if flaw == "expects_more":  # the verifier's hash includes a change the solution does not make
            expected = state_hash(final_state(env, t["solution"] + "transfer_to_human_agents(summary='x')\n"))
        else:
            expected = state_hash(final_state(env, t["solution"]))
        verifier = HASH_VERIFIER.format(expected=expected)
        if flaw == "verifier_syntax_error":
            verifier = verifier.replace("def verify(state, answer):", "def verify(state, answer)")
        heavy.append({"id": f"hash-{i:04d}", "environment": "retail-bench", "instruction": t["instruction"],
                      "verifier": verifier, "solution": t["solution"], "failure_cases": t["failure_cases"],
                      "metadata": {"kind": "hash", "task_type": kind, "flaw": flaw}})

    for name, tasks in (("light", light), ("hash", heavy)):
        with open(os.path.join(args.out, name + ".jsonl"), "w", encoding="utf-8") as f:
            for t in tasks:
                f.write(json.dumps(t, ensure_ascii=False) + "\n")
    print(json.dumps({"pack": pack, "stateBytes": state_bytes, "light": len(light), "hash": len(heavy),
                      "lightCases": sum(1 + len(t["failure_cases"]) for t in light),
                      "hashCases": sum(1 + len(t["failure_cases"]) for t in heavy)}))


if __name__ == "__main__":
    main()
