#!/usr/bin/env python3
"""Generate demo/codeact-tasks.jsonl: CaT tasks for the stateless `codeact` pack.

Tasks in the style of code-as-action benchmarks: the agent chains string, cipher and arithmetic
tools, calling them positionally as generated code does (`reverse_string(caesar_decode(t, 3))`),
and answers with respond(); the verifier checks the answer. Most are good tasks; the rest carry
one deliberate flaw each, recorded in metadata.flaw, with the verdict the filter must give in
metadata.expected_reason (null = accepted). scripts/check-demo-tasks.py checks them:

    /usr/bin/python3 scripts/check-demo-tasks.py packs/codeact demo/codeact-tasks.jsonl

Usage: /usr/bin/python3 scripts/generate-codeact-tasks.py [--seed N] [--out FILE]
"""

import argparse
import json
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACK = os.path.join(ROOT, "packs", "codeact")
DEFAULT_OUT = os.path.join(ROOT, "demo", "codeact-tasks.jsonl")

sys.dont_write_bytecode = True  # the pack is hashed: do not leave __pycache__ in it
sys.path.insert(0, PACK)
import env  # noqa: E402  (the codeact pack)

T = {name: (lambda fn: lambda *a, **k: fn({}, *a, **k))(fn) for name, fn in env.TOOLS.items()}

FLAW_REASON = {
    None: None,
    "lenient_verifier": "failure_case_passing",
    "wrong_solution": "solution_not_passing",
    "verifier_too_strict": "solution_not_passing",
    "verifier_crashes_on_failure_case": "failure_case_error",
    "verifier_syntax_error": "verifier_invalid",
    "no_failure_cases": "no_failure_cases",
}

PHRASES = ["meet me at the old mill", "the eagle lands at noon", "bring the blue notebook", "open the north gate",
           "coffee is on the second floor", "the password is sunflower", "launch after the rain stops",
           "keep the lights on tonight"]
WORDS = ["lantern", "harbor", "cobalt", "meadow", "quartz", "falcon", "ember", "willow"]
PALINDROMES = ["Never odd or even", "Was it a car or a cat I saw", "A man, a plan, a canal: Panama", "No lemon, no melon"]
NOT_PALINDROMES = ["Never odd nor even", "A cat or a car", "Plans for a canal", "No lemons here"]


def exact(expected):
    return f"def verify(state, answer):\n    return answer.strip() == {expected!r}\n"


def numeric(expected, lenient_parse=True):
    if lenient_parse:
        return (f"def verify(state, answer):\n    try:\n        value = float(answer)\n    except ValueError:\n"
                f"        return False\n    return abs(value - {expected!r}) < 1e-9\n")
    # the flaw: float() of a non-number raises instead of failing the case
    return f"def verify(state, answer):\n    return abs(float(answer) - {expected!r}) < 1e-9\n"


def lenient():
    return "def verify(state, answer):\n    # the agent said something\n    return len(answer.strip()) > 0\n"


# Each builder returns (instruction, solution, failure cases, expected answer, a plausible wrong answer,
# whether the answer is a number, a solution that calls a tool with the wrong arguments).


def caesar_reverse(rng):
    plain, k = rng.choice(PHRASES), rng.randint(2, 9)
    ct = T["caesar_encode"](plain, k)
    sol = f"plain = caesar_decode({ct!r}, {k})\nrespond(reverse_string(plain))\n"
    fails = [f"respond(caesar_decode({ct!r}, {k}))\n",
             f"respond(reverse_string(caesar_decode({ct!r}, {k + 1})))\n",
             f"respond(reverse_string({ct!r}))\n"]
    wrong = f"plain = caesar_decode({ct!r}, {k})\nrespond(reverse_string({k}, plain))\n"
    return (f"A note was encrypted with a Caesar shift of {k}: '{ct}'. Decode it and reply with the decoded text "
            f"written backwards.", sol, fails, T["reverse_string"](plain), plain, False, wrong)


def vigenere_upper(rng):
    plain, key = rng.choice(PHRASES), rng.choice(["lemon", "orbit", "pixel", "cairn"])
    ct = T["vigenere_encode"](plain, key)
    sol = f"respond(to_uppercase(vigenere_decode({ct!r}, {key!r})))\n"
    fails = [f"respond(vigenere_decode({ct!r}, {key!r}))\n",
             f"respond(to_uppercase(vigenere_encode({ct!r}, {key!r})))\n"]
    wrong = f"respond(to_uppercase(vigenere_decode({key!r}, {ct!r})))\n"
    return (f"Decrypt '{ct}' with the Vigenère key '{key}' and answer in upper case.", sol, fails,
            T["to_uppercase"](plain), plain, False, wrong)


def max_times(rng):
    nums = rng.sample(range(3, 99), 5)
    m = rng.randint(2, 9)
    args = ", ".join(map(str, nums))
    sol = f"top = maximum_value({args})\nrespond(str(multiply(top, {m})))\n"
    fails = [f"respond(str(multiply(minimum_value({args}), {m})))\n",
             f"respond(str(maximum_value({args})))\n",
             "respond('I could not compute it.')\n"]
    wrong = f"top = maximum_value([{args}])\nrespond(str(multiply(top, {m})))\n"
    return (f"The sensor readings were {args}. Reply with the largest reading multiplied by {m}.", sol, fails,
            max(nums) * m, max(nums) * m + m, True, wrong)


def mean_of(rng):
    nums = rng.sample(range(1, 60), 4)
    args = ", ".join(map(str, nums))
    sol = f"respond(str(mean({args})))\n"
    fails = [f"respond(str(add({args})))\n", f"respond(str(mean({args}, 0)))\n", "respond('about thirty')\n"]
    wrong = f"respond(str(mean({nums[0]}, {nums[1]})))\n"
    return (f"What is the average of {args}? Reply with the number only.", sol, fails, sum(nums) / len(nums),
            sum(nums) / len(nums) + 1, True, wrong)


def palindrome(rng):
    yes = rng.random() < 0.5
    text = rng.choice(PALINDROMES if yes else NOT_PALINDROMES)
    sol = f"respond('yes' if is_palindrome({text!r}) else 'no')\n"
    fails = [f"respond('no' if is_palindrome({text!r}) else 'yes')\n",
             f"respond('yes' if {text!r} == reverse_string({text!r}) else 'no')\n" if yes else "respond('yes')\n"]
    wrong = f"respond('yes' if is_palindrome(to_lowercase({text!r}), True) else 'no')\n"
    expected = "yes" if yes else "no"
    return (f"Is \"{text}\" a palindrome when case, spaces and punctuation are ignored? Answer yes or no.", sol, fails,
            expected, "no" if yes else "yes", False, wrong)


def decode_word(rng):
    word = rng.choice(WORDS)
    data = T["base64_encode"](T["rot13"](word))
    sol = f"respond(rot13(base64_decode({data!r})))\n"
    fails = [f"respond(base64_decode({data!r}))\n", f"respond(atbash(base64_decode({data!r})))\n"]
    wrong = f"respond(rot13(base64_decode({data!r}), 13))\n"
    return (f"The codeword '{data}' is base64 of a ROT13-encoded word. Reply with the word.", sol, fails, word,
            word.upper(), False, wrong)


def vowel_power(rng):
    # two vowels at least, so that the count alone is never the answer
    word = rng.choice([w for w in WORDS + [p.split()[1] for p in PHRASES] if T["count_vowels"](w) >= 2])
    e = rng.randint(2, 3)
    n = T["count_vowels"](word)
    sol = f"n = count_vowels({word!r})\nrespond(str(power(n, {e})))\n"
    fails = [f"respond(str(count_vowels({word!r})))\n", f"respond(str(power(string_length({word!r}), {e})))\n",
             "respond('none')\n"]
    wrong = f"n = count_vowels({word!r})\nrespond(str(power({e}, n)))\n" if n != e else f"respond(str(power(n, {e})))\n"
    return (f"Count the vowels in '{word}' and reply with that count raised to the power {e}.", sol, fails, n ** e,
            n ** e + 1, True, wrong)


BUILDERS = {"caesar_reverse": caesar_reverse, "vigenere_upper": vigenere_upper, "max_times": max_times,
            "mean_of": mean_of, "palindrome": palindrome, "decode_word": decode_word, "vowel_power": vowel_power}
NUMERIC = ["max_times", "mean_of", "vowel_power"]

PLAN = ([(k, None) for k in BUILDERS for _ in range(3)]
        + [(k, "lenient_verifier") for k in ("caesar_reverse", "max_times", "palindrome", "decode_word")]
        + [(k, "wrong_solution") for k in ("vigenere_upper", "mean_of", "decode_word")]
        + [(k, "verifier_too_strict") for k in ("caesar_reverse", "vowel_power")]
        + [(k, "verifier_crashes_on_failure_case") for k in NUMERIC]
        + [(k, "verifier_syntax_error") for k in ("palindrome", "max_times")]
        + [(k, "no_failure_cases") for k in ("vigenere_upper", "mean_of")])


def make_task(rng, kind, flaw):
    instruction, solution, fails, expected, wrong_answer, is_numeric, wrong_solution = BUILDERS[kind](rng)
    verifier = numeric(expected) if is_numeric else exact(str(expected))
    if flaw == "lenient_verifier":
        verifier = lenient()
    elif flaw == "wrong_solution":
        # a tool called with its arguments in the wrong order or number: the case raises, says nothing
        solution = wrong_solution
    elif flaw == "verifier_too_strict":
        verifier = numeric(wrong_answer) if is_numeric else exact(str(wrong_answer))
    elif flaw == "verifier_crashes_on_failure_case":
        verifier = numeric(expected, lenient_parse=False)
    elif flaw == "verifier_syntax_error":
        verifier = verifier.replace("def verify(state, answer):", "def verify(state, answer)")
    elif flaw == "no_failure_cases":
        fails = []
    return {"instruction": instruction, "verifier": verifier, "solution": solution, "failure_cases": fails}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    specs = list(PLAN)
    rng.shuffle(specs)
    tasks = []
    for i, (kind, flaw) in enumerate(specs, 1):
        t = make_task(rng, kind, flaw)
        tasks.append({"id": f"codeact-{i:04d}", "environment": "codeact", **t,
                      "metadata": {"generator": rng.choice(["qwen2.5-coder-32b", "llama-3.1-70b", "llama-3.1-8b"]),
                                   "task_type": kind, "flaw": flaw, "expected_reason": FLAW_REASON[flaw]}})
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        for t in tasks:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")
    print(f"wrote {os.path.relpath(args.out, ROOT)}: {len(tasks)} tasks, "
          f"{sum(t['metadata']['flaw'] is None for t in tasks)} good")


if __name__ == "__main__":
    main()
