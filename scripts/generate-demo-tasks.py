#!/usr/bin/env python3
"""Generate demo/tasks.jsonl: ~200 CaT tasks for the retail pack.

The tasks look like what a challenger model writes: a persona instruction, a
verifier, an example solution and failure cases, all Python calling the pack's
tools.  They are built from the pack's generated data (so every user, order and
item they name exists), with a fixed seed so the output is reproducible.

About 55% are good tasks that the CaT filter should accept.  The rest carry one
deliberate flaw each, so the demo shows real curation work.  The flaw is
recorded in metadata.flaw and the verdict the filter must give in
metadata.expected_reason (null = accepted); scripts/check-demo-tasks.py runs
the bare filter and compares.

Usage: /usr/bin/python3 scripts/generate-demo-tasks.py [--seed N] [--out FILE]
"""

import argparse
import json
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACK = os.path.join(ROOT, "packs", "retail")
DEFAULT_OUT = os.path.join(ROOT, "demo", "tasks.jsonl")

sys.dont_write_bytecode = True  # the pack is hashed: do not leave __pycache__ in it
sys.path.insert(0, PACK)
import env  # noqa: E402  (the retail pack)

STATE = env.load_state()
USERS, ORDERS, PRODUCTS = STATE["users"], STATE["orders"], STATE["products"]

# flaw -> the rejection reason the CaT filter must report (None: accepted)
FLAW_REASON = {
    None: None,
    "lenient_verifier": "failure_case_passing",
    "infeasible_task": "solution_not_passing",
    "verifier_too_strict": "solution_not_passing",
    "verifier_crashes_on_failure_case": "failure_case_error",
    "verifier_syntax_error": "verifier_invalid",
    "verifier_name_error": "verifier_invalid",
    "verifier_import_error": "verifier_invalid",
    "verifier_missing_verify": "verifier_invalid",
    "no_failure_cases": "no_failure_cases",
}

# How many tasks of each (kind, flaw).  Kinds with flaws they cannot express
# simply have no entry for them.
PLAN = {
    "cancel":         {None: 14, "lenient_verifier": 4, "infeasible_task": 4, "verifier_too_strict": 2, "verifier_crashes_on_failure_case": 3},
    "return":         {None: 18, "lenient_verifier": 5, "infeasible_task": 4, "verifier_too_strict": 2, "verifier_crashes_on_failure_case": 3},
    "exchange":       {None: 14, "lenient_verifier": 4, "infeasible_task": 3, "verifier_too_strict": 1, "verifier_crashes_on_failure_case": 3},
    "order_address":  {None: 10, "lenient_verifier": 2, "infeasible_task": 2, "verifier_too_strict": 1},
    "user_address":   {None: 8, "lenient_verifier": 2},
    "order_payment":  {None: 10, "lenient_verifier": 1, "infeasible_task": 2, "verifier_crashes_on_failure_case": 1},
    "order_items":    {None: 10, "lenient_verifier": 1, "infeasible_task": 1, "verifier_too_strict": 1, "verifier_crashes_on_failure_case": 1},
    "info_total":     {None: 8, "lenient_verifier": 2, "verifier_too_strict": 2, "verifier_crashes_on_failure_case": 1},
    "info_messages":  {None: 13, "lenient_verifier": 1, "verifier_too_strict": 1, "verifier_crashes_on_failure_case": 2},
    "transfer":       {None: 5},
}
# flaws that any kind can have: they break the verifier text or drop the failure cases
GENERIC_FLAWS = {"verifier_syntax_error": 6, "verifier_name_error": 4, "verifier_import_error": 2,
                 "verifier_missing_verify": 4, "no_failure_cases": 12}
GENERIC_KINDS = ["cancel", "return", "exchange", "order_address", "user_address", "order_payment",
                 "order_items", "info_total", "info_messages"]

# Which challenger wrote a task.  Weaker models write more flawed tasks, which
# makes the generator facet worth looking at in the UI.
GENERATORS_GOOD = ["llama-3.1-70b"] * 5 + ["qwen2.5-72b"] * 4 + ["llama-3.1-8b"] * 2
GENERATORS_FLAWED = ["llama-3.1-70b"] * 2 + ["qwen2.5-72b"] * 2 + ["llama-3.1-8b"] * 5
RUNS = ["2026-11-18-a", "2026-11-20-a", "2026-11-20-b"]

MOODS = [
    "You are polite and patient.",
    "You are in a hurry and keep your messages short.",
    "You are a bit annoyed that you have to contact support at all.",
    "You are friendly and chatty.",
    "You are cautious: you want the agent to confirm the details before changing anything.",
    "You do not share more information than the agent asks for.",
    "You are a first-time customer and unsure how returns and orders work.",
]
BRANDS = {"visa": "Visa", "mastercard": "Mastercard", "amex": "American Express", "discover": "Discover"}
CANCEL_REASONS = ["no longer needed", "ordered by mistake"]
REASON_PHRASES = {"no longer needed": "you no longer need it", "ordered by mistake": "you ordered it by mistake"}


class Skip(Exception):
    """The picked user/order cannot make this kind of task; pick another."""


# ----------------------------------------------------------------------------
# Phrasing helpers


def opts(options):
    return ", ".join(f"{k}: {v}" for k, v in options.items())


def item_phrase(line):
    return f"the {line['name']} ({opts(line['options'])})"


def pm_phrase(user, pm_id):
    pm = user["payment_methods"][pm_id]
    if pm["source"] == "paypal":
        return "your PayPal account"
    if pm["source"] == "gift_card":
        return "your gift card"
    return f"your {BRANDS[pm['brand']]} card ending in {pm['last_four']}"


def join_and(parts):
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def identify(rng, user):
    """The persona's opening and the solution's matching lookup lines."""
    first, last = user["name"]["first_name"], user["name"]["last_name"]
    if rng.random() < 0.5:
        intro = f"Your name is {first} {last} and your email is {user['email']}."
        code = f"user_id = find_user_id_by_email(email={user['email']!r})\n"
    else:
        intro = f"Your name is {first} {last} and you live in zip code {user['address']['zip']}."
        code = (f"user_id = find_user_id_by_name_zip(first_name={first!r}, last_name={last!r}, "
                f"zip={user['address']['zip']!r})\n")
    return intro, code + "user = get_user_details(user_id=user_id)\n"


def address_call(tool, target_kw, addr):
    fields = ", ".join(f"{k}={addr[k]!r}" for k in ("address1", "address2", "city", "state", "country", "zip"))
    return f"{tool}({target_kw}, {fields})\n"


def new_address(rng, avoid):
    streets = ["Magnolia Lane", "Birch Street", "Harbor View Road", "Elm Court", "Sunset Boulevard",
               "Ridge Avenue", "Mill Road", "Orchard Way", "Lakeside Drive", "Cedar Place"]
    cities = [("Boise", "ID", "837"), ("Tucson", "AZ", "857"), ("Raleigh", "NC", "276"), ("Omaha", "NE", "681"),
              ("Tampa", "FL", "336"), ("Buffalo", "NY", "142"), ("Spokane", "WA", "992"), ("Madison", "WI", "537")]
    while True:
        city, state, zip3 = rng.choice(cities)
        addr = {"address1": f"{rng.randint(10, 9999)} {rng.choice(streets)}",
                "address2": rng.choice(["Apt {}", "Suite {}", "Unit {}"]).format(rng.randint(1, 60)),
                "city": city, "state": state, "country": "USA", "zip": zip3 + f"{rng.randint(0, 99):02d}"}
        if addr != avoid:
            return addr


def typo_zip(zip_code):
    """The same zip with two digits swapped (a plausible agent typo)."""
    for i in range(len(zip_code) - 1, 0, -1):
        if zip_code[i] != zip_code[i - 1]:
            return zip_code[:i - 1] + zip_code[i] + zip_code[i - 1] + zip_code[i + 1:]
    return zip_code[:-1] + str((int(zip_code[-1]) + 1) % 10)


def address_phrase(a):
    return f"{a['address1']}, {a['address2']}, {a['city']}, {a['state']} {a['zip']}, {a['country']}"


def order_total(order):
    return round(sum(p["amount"] if p["transaction_type"] == "payment" else -p["amount"]
                     for p in order["payment_history"]), 2)


def original_pm(order):
    return next(p["payment_method_id"] for p in order["payment_history"] if p["transaction_type"] == "payment")


def gift_card_of(user):
    return next((pm_id for pm_id, pm in user["payment_methods"].items() if pm["source"] == "gift_card"), None)


def available_alternatives(line, available=True):
    variants = PRODUCTS[line["product_id"]]["variants"].values()
    return [v for v in variants if v["item_id"] != line["item_id"] and v["available"] == available]


def can_pay(user, pm_id, amount):
    pm = user["payment_methods"][pm_id]
    return pm["source"] != "gift_card" or pm["balance"] >= amount


def lookup_only(id_code, order_id, text="I looked at your order; let me know if you need anything else."):
    """The commonest failure: the agent only looks things up and changes nothing."""
    return id_code + f"order = get_order_details(order_id={order_id!r})\nrespond({text!r})\n"


# ----------------------------------------------------------------------------
# Task kinds.  Each builder picks data with `rng`, and returns a dict with the
# instruction, solution, failure cases and the verifier for the requested flaw.


class Picker:
    """Hands out users/orders, preferring ones no earlier task used."""

    def __init__(self, rng):
        self.rng = rng
        self.used_users = set()

    def order(self, statuses, predicate=lambda o: True):
        pool = [o for o in ORDERS.values() if o["status"] in statuses and predicate(o)]
        if not pool:
            raise Skip()
        fresh = [o for o in pool if o["user_id"] not in self.used_users]
        order = self.rng.choice(fresh or pool)
        self.used_users.add(order["user_id"])
        return order, USERS[order["user_id"]]

    def user(self, predicate=lambda u: True):
        pool = [u for u in USERS.values() if predicate(u)]
        if not pool:
            raise Skip()
        fresh = [u for u in pool if u["user_id"] not in self.used_users]
        user = self.rng.choice(fresh or pool)
        self.used_users.add(user["user_id"])
        return user


def build_cancel(rng, pick, flaw):
    infeasible = flaw == "infeasible_task"
    order, user = pick.order(["processed", "delivered"] if infeasible else ["pending"])
    oid, reason = order["order_id"], rng.choice(CANCEL_REASONS)
    other_reason = [r for r in CANCEL_REASONS if r != reason][0]
    intro, id_code = identify(rng, user)
    items = join_and([item_phrase(l) for l in order["items"]])
    instruction = (f"{intro} You placed order {oid}, with {items}, and want to cancel it because "
                   f"{REASON_PHRASES[reason]}. {rng.choice(MOODS)}")
    if infeasible:
        instruction += " You insist on a cancellation, not a return."
    solution = (id_code + f"order = get_order_details(order_id={oid!r})\n"
                f"cancel_pending_order(order_id={oid!r}, reason={reason!r})\n"
                f"respond('Your order {oid} has been canceled and the refund is on its way.')\n")
    failures = [lookup_only(id_code, oid, "Your order is on its way, there is nothing to cancel."),
                id_code + f"cancel_pending_order(order_id={oid!r}, reason={other_reason!r})\n"]
    others = [o for o in user["orders"] if o != oid and ORDERS[o]["status"] == "pending"]
    if others:
        failures.append(id_code + f"cancel_pending_order(order_id={others[0]!r}, reason={reason!r})\n")
    else:
        failures.append(id_code + f"transfer_to_human_agents(summary='User wants to cancel order {oid}.')\n")
    total = order_total(order)
    pm = original_pm(order)

    head = f"def verify(state, answer):\n    order = state['orders'][{oid!r}]\n"
    if flaw == "lenient_verifier":  # forgets the reason: cancelling for the wrong reason passes
        verifier = head + "    return order['status'] == 'cancelled'\n"
    elif flaw == "verifier_crashes_on_failure_case":  # cancel_reason only exists once cancelled
        verifier = head + (f"    if order['cancel_reason'] != {reason!r}:\n        return False\n"
                           "    return order['status'] == 'cancelled'\n")
    elif flaw == "verifier_too_strict":
        if rng.random() < 0.5:  # British spelling vs the solution's "canceled"
            verifier = head + ("    return order['status'] == 'cancelled' and order.get('cancel_reason') == "
                               f"{reason!r} and 'cancelled' in answer.lower()\n")
        else:  # forgets that cancelling adds a refund to the payment history
            verifier = head + ("    return order['status'] == 'cancelled' and len(order['payment_history']) == "
                               f"{len(order['payment_history'])}\n")
    else:
        verifier = head + (
            "    if order['status'] != 'cancelled' or order.get('cancel_reason') != " + repr(reason) + ":\n"
            "        return False\n"
            "    refunded = sum(p['amount'] for p in order['payment_history']\n"
            f"                   if p['transaction_type'] == 'refund' and p['payment_method_id'] == {pm!r})\n"
            f"    return abs(refunded - {total}) < 0.01\n")
    return dict(instruction=instruction, verifier=verifier, solution=solution, failure_cases=failures)


def build_return(rng, pick, flaw):
    infeasible = flaw == "infeasible_task"
    needs_wrong_return = flaw in ("lenient_verifier", "verifier_crashes_on_failure_case")
    if infeasible:
        order, user = pick.order(["pending", "processed"])
    else:
        # lenient/crash variants need a failure that also ends in 'return requested'
        order, user = pick.order(["delivered"], lambda o: len(o["items"]) > 1 or not needs_wrong_return)
    oid = order["order_id"]
    lines = order["items"]
    if len(lines) == 1:
        k = 1
    elif needs_wrong_return or rng.random() < 0.8:  # some of the items
        k = rng.randint(1, min(2, len(lines) - 1))
    else:  # the whole order
        k = len(lines)
    chosen = rng.sample(lines, k)
    ids = sorted(l["item_id"] for l in chosen)
    gift = gift_card_of(user)
    pm = gift if gift and rng.random() < 0.4 else original_pm(order)
    intro, id_code = identify(rng, user)
    what = "everything in it" if k == len(lines) else join_and([item_phrase(l) for l in chosen])
    instruction = (f"{intro} You received order {oid} and want to return {what}. "
                   f"You want the refund to go to {pm_phrase(user, pm)}. {rng.choice(MOODS)}")
    solution = (id_code + f"order = get_order_details(order_id={oid!r})\n"
                f"return_delivered_order_items(order_id={oid!r}, item_ids={ids!r}, payment_method_id={pm!r})\n"
                "respond('The return is requested; you will get an email with the return label.')\n")
    failures = []
    if k < len(lines):  # returns every item instead of the ones asked for
        all_ids = sorted(l["item_id"] for l in lines)
        failures.append(id_code + f"return_delivered_order_items(order_id={oid!r}, item_ids={all_ids!r}, "
                                  f"payment_method_id={pm!r})\n")
    alt_pm = gift if pm != gift and gift else (original_pm(order) if pm != original_pm(order) else None)
    if alt_pm:  # the refund goes to the wrong (but allowed) method
        failures.append(id_code + f"return_delivered_order_items(order_id={oid!r}, item_ids={ids!r}, "
                                  f"payment_method_id={alt_pm!r})\n")
    # an exchange the original payment method can actually pay for, so the mistake takes effect
    def payable(l):
        return [v for v in available_alternatives(l) if can_pay(user, original_pm(order), v["price"] - l["price"])]

    swap = next(((l, payable(l)) for l in chosen if payable(l)), None)
    if swap and not infeasible:  # exchanged instead of returned
        line, alts = swap
        failures.append(id_code + f"exchange_delivered_order_items(order_id={oid!r}, item_ids=[{line['item_id']!r}], "
                                  f"new_item_ids=[{alts[0]['item_id']!r}], payment_method_id={original_pm(order)!r})\n")
    failures.append(lookup_only(id_code, oid))
    rng.shuffle(failures)
    failures = failures[:4]

    head = f"def verify(state, answer):\n    order = state['orders'][{oid!r}]\n"
    if flaw == "lenient_verifier":  # only the status: any return passes
        verifier = head + "    return order['status'] == 'return requested'\n"
    elif flaw == "verifier_crashes_on_failure_case":  # return_items is missing until a return is requested
        verifier = head + (f"    if sorted(order['return_items']) != {ids!r}:\n        return False\n"
                           f"    return order['return_payment_method_id'] == {pm!r}\n")
    elif flaw == "verifier_too_strict":  # expects the refund to be paid already; it is paid on receipt
        verifier = head + ("    if order['status'] != 'return requested':\n        return False\n"
                           "    last = order['payment_history'][-1]\n"
                           f"    return last['transaction_type'] == 'refund' and last['payment_method_id'] == {pm!r}\n")
    else:
        verifier = head + ("    return (order['status'] == 'return requested'\n"
                           f"            and sorted(order.get('return_items', [])) == {ids!r}\n"
                           f"            and order.get('return_payment_method_id') == {pm!r})\n")
    return dict(instruction=instruction, verifier=verifier, solution=solution, failure_cases=failures)


def build_exchange(rng, pick, flaw):
    infeasible = flaw == "infeasible_task"

    def ok(o):
        lines = [l for l in o["items"] if len(available_alternatives(l)) >= 2]
        if infeasible:
            lines = [l for l in lines if available_alternatives(l, available=False)]
        return bool(lines)

    order, user = pick.order(["delivered"], ok)
    oid = order["order_id"]
    line = rng.choice([l for l in order["items"] if len(available_alternatives(l)) >= 2
                       and (not infeasible or available_alternatives(l, available=False))])
    alts = available_alternatives(line)
    rng.shuffle(alts)
    new = rng.choice(available_alternatives(line, available=False)) if infeasible else alts[0]
    wrong = next(v for v in alts if v["item_id"] != new["item_id"])
    diff = round(new["price"] - line["price"], 2)
    wrong_diff = round(wrong["price"] - line["price"], 2)
    # the payment method must cover both the right and the wrong variant, or the
    # "wrong variant" failure case would raise instead of making the wrong change
    pms = [p for p in user["payment_methods"] if can_pay(user, p, max(diff, wrong_diff))]
    if not pms:
        raise Skip()
    pm = rng.choice(pms)
    intro, id_code = identify(rng, user)
    instruction = (f"{intro} In order {oid} you received {item_phrase(line)} and want to exchange it for the same "
                   f"product with these options: {opts(new['options'])}. Any price difference should be settled "
                   f"with {pm_phrase(user, pm)}. {rng.choice(MOODS)}")
    find_code = (f"product = get_product_details(product_id={line['product_id']!r})\n"
                 f"new_item = [v for v in product['variants'].values() if v['options'] == {new['options']!r}][0]\n")
    solution = (id_code + f"order = get_order_details(order_id={oid!r})\n" + find_code +
                f"exchange_delivered_order_items(order_id={oid!r}, item_ids=[{line['item_id']!r}], "
                f"new_item_ids=[new_item['item_id']], payment_method_id={pm!r})\n"
                "respond('Your exchange has been requested.')\n")
    failures = [
        id_code + f"exchange_delivered_order_items(order_id={oid!r}, item_ids=[{line['item_id']!r}], "
                  f"new_item_ids=[{wrong['item_id']!r}], payment_method_id={pm!r})\n",
        id_code + f"return_delivered_order_items(order_id={oid!r}, item_ids=[{line['item_id']!r}], "
                  f"payment_method_id={original_pm(order)!r})\n",
        lookup_only(id_code, oid, "Here are the details of the product; which variant would you like?"),
    ]
    rng.shuffle(failures)

    head = f"def verify(state, answer):\n    order = state['orders'][{oid!r}]\n"
    if flaw == "lenient_verifier":  # checks what goes back, not what comes in: a wrong variant passes
        verifier = head + ("    return (order['status'] == 'exchange requested'\n"
                           f"            and order.get('exchange_items') == [{line['item_id']!r}])\n")
    elif flaw == "verifier_crashes_on_failure_case":  # exchange_new_items is missing unless exchanged
        verifier = head + (f"    if order['exchange_new_items'][0] != {new['item_id']!r}:\n        return False\n"
                           f"    return order['exchange_payment_method_id'] == {pm!r}\n")
    elif flaw == "verifier_too_strict":  # wants the difference charged now; it is settled when the exchange ships
        verifier = head + ("    if order.get('exchange_new_items') != [" + repr(new["item_id"]) + "]:\n"
                           "        return False\n"
                           "    return len(order['payment_history']) > " + str(len(order["payment_history"])) + "\n")
    else:
        verifier = head + ("    if order['status'] != 'exchange requested':\n        return False\n"
                           f"    return (order['exchange_items'] == [{line['item_id']!r}]\n"
                           f"            and order['exchange_new_items'] == [{new['item_id']!r}]\n"
                           f"            and order['exchange_payment_method_id'] == {pm!r})\n")
    return dict(instruction=instruction, verifier=verifier, solution=solution, failure_cases=failures)


def build_order_address(rng, pick, flaw):
    infeasible = flaw == "infeasible_task"
    order, user = pick.order(["processed"] if infeasible else ["pending"])
    oid = order["order_id"]
    addr = new_address(rng, order["address"])
    intro, id_code = identify(rng, user)
    instruction = (f"{intro} Order {oid} should be shipped to {address_phrase(addr)} instead of the address "
                   f"on the order. Only this order: your default address stays as it is. {rng.choice(MOODS)}")
    solution = (id_code + f"order = get_order_details(order_id={oid!r})\n"
                + address_call("modify_pending_order_address", f"order_id={oid!r}", addr)
                + "respond('The shipping address of your order has been updated.')\n")
    typo = dict(addr, zip=typo_zip(addr["zip"]))
    failures = [
        id_code + address_call("modify_user_address", "user_id=user_id", addr),
        id_code + address_call("modify_pending_order_address", f"order_id={oid!r}", typo),
        lookup_only(id_code, oid),
    ]
    rng.shuffle(failures)
    head = f"def verify(state, answer):\n    address = state['orders'][{oid!r}]['address']\n"
    if flaw == "lenient_verifier":  # street and city only: a mistyped zip passes
        verifier = head + f"    return address['address1'] == {addr['address1']!r} and address['city'] == {addr['city']!r}\n"
    elif flaw == "verifier_too_strict":  # also demands the default address change the user did not ask for
        verifier = head + (f"    expected = {addr!r}\n"
                           f"    return address == expected and state['users'][{user['user_id']!r}]['address'] == expected\n")
    else:
        verifier = head + (f"    expected = {addr!r}\n"
                           "    return all(address.get(k) == v for k, v in expected.items())\n")
    return dict(instruction=instruction, verifier=verifier, solution=solution, failure_cases=failures)


def build_user_address(rng, pick, flaw):
    # mostly users with a pending order, so "changed the order instead" is a possible mistake
    with_pending = rng.random() < 0.7
    user = pick.user(lambda u: any(ORDERS[o]["status"] == "pending" for o in u["orders"]) == with_pending)
    uid = user["user_id"]
    addr = new_address(rng, user["address"])
    intro, id_code = identify(rng, user)
    instruction = (f"{intro} You just moved to {address_phrase(addr)} and want your default address updated. "
                   f"You do not want to change any existing order. {rng.choice(MOODS)}")
    solution = id_code + address_call("modify_user_address", "user_id=user_id", addr) + \
        "respond('Your default address is updated.')\n"
    failures = [id_code + address_call("modify_user_address", "user_id=user_id", dict(addr, address2="")),
                id_code + "respond('Your address looks fine to me.')\n"]
    pending = [o for o in user["orders"] if ORDERS[o]["status"] == "pending"]
    if pending:  # changed an order's address instead of the profile
        failures.append(id_code + address_call("modify_pending_order_address", f"order_id={pending[0]!r}", addr))
    rng.shuffle(failures)
    head = f"def verify(state, answer):\n    user = state['users'][{uid!r}]\n"
    if flaw == "lenient_verifier":  # the apartment number is not checked
        verifier = head + f"    return user['address']['address1'] == {addr['address1']!r} and user['address']['zip'] == {addr['zip']!r}\n"
    else:
        if pending:
            verifier = head + (f"    if user['address'] != {addr!r}:\n        return False\n"
                               "    # the pending order keeps its address\n"
                               f"    return state['orders'][{pending[0]!r}]['address'] == {ORDERS[pending[0]]['address']!r}\n")
        else:
            verifier = head + f"    return user['address'] == {addr!r}\n"
    return dict(instruction=instruction, verifier=verifier, solution=solution, failure_cases=failures)


def build_order_payment(rng, pick, flaw):
    infeasible = flaw == "infeasible_task"

    def ok(o):
        u = USERS[o["user_id"]]
        others = [p for p in u["payment_methods"] if p != original_pm(o)]
        if infeasible:
            return any(u["payment_methods"][p]["source"] == "gift_card" and not can_pay(u, p, order_total(o)) for p in others)
        if flaw == "lenient_verifier":
            return len([p for p in others if can_pay(u, p, order_total(o))]) >= 2
        return any(can_pay(u, p, order_total(o)) for p in others)

    order, user = pick.order(["pending"], ok)
    oid, total, old = order["order_id"], order_total(order), original_pm(order)
    others = [p for p in user["payment_methods"] if p != old]
    if infeasible:  # a gift card that cannot cover the order
        new = next(p for p in others if user["payment_methods"][p]["source"] == "gift_card")
    else:
        new = rng.choice([p for p in others if can_pay(user, p, total)])
    intro, id_code = identify(rng, user)
    instruction = (f"{intro} You want to pay for your pending order {oid} with {pm_phrase(user, new)} instead of "
                   f"{pm_phrase(user, old)}. {rng.choice(MOODS)}")
    solution = (id_code + f"order = get_order_details(order_id={oid!r})\n"
                f"modify_pending_order_payment(order_id={oid!r}, payment_method_id={new!r})\n"
                "respond('Done: the order is now paid with the new method and the old one will be refunded.')\n")
    failures = [id_code + f"cancel_pending_order(order_id={oid!r}, reason='no longer needed')\n",
                lookup_only(id_code, oid)]
    wrong = [p for p in others if p != new and can_pay(user, p, total)]
    if wrong:
        failures.append(id_code + f"modify_pending_order_payment(order_id={oid!r}, payment_method_id={wrong[0]!r})\n")
    rng.shuffle(failures)
    head = f"def verify(state, answer):\n    order = state['orders'][{oid!r}]\n"
    if flaw == "lenient_verifier":  # only checks the old method was refunded: any switch passes
        verifier = head + ("    return any(p['transaction_type'] == 'refund' and p['payment_method_id'] == "
                           f"{old!r} for p in order['payment_history']) and order['status'] == 'pending'\n")
    elif flaw == "verifier_crashes_on_failure_case":  # assumes a second payment exists
        verifier = head + ("    payments = [p for p in order['payment_history'] if p['transaction_type'] == 'payment']\n"
                           f"    return payments[1]['payment_method_id'] == {new!r} and order['status'] == 'pending'\n")
    else:
        verifier = head + ("    if order['status'] != 'pending':\n        return False\n"
                           "    return any(p['transaction_type'] == 'payment' and p['payment_method_id'] == "
                           f"{new!r} and abs(p['amount'] - {total}) < 0.01\n"
                           "               for p in order['payment_history'])\n")
    return dict(instruction=instruction, verifier=verifier, solution=solution, failure_cases=failures)


def build_order_items(rng, pick, flaw):
    infeasible = flaw == "infeasible_task"

    def usable(l):
        return len(available_alternatives(l)) >= 2 and (not infeasible or available_alternatives(l, available=False))

    order, user = pick.order(["pending"], lambda o: any(usable(l) for l in o["items"]))
    oid = order["order_id"]
    line = rng.choice([l for l in order["items"] if usable(l)])
    alts = available_alternatives(line)
    rng.shuffle(alts)
    new = rng.choice(available_alternatives(line, available=False)) if infeasible else alts[0]
    wrong = next(v for v in alts if v["item_id"] != new["item_id"])
    diff = round(new["price"] - line["price"], 2)
    wrong_diff = round(wrong["price"] - line["price"], 2)
    # the payment method must cover both the right and the wrong variant, or the
    # "wrong variant" failure case would raise instead of making the wrong change
    pms = [p for p in user["payment_methods"] if can_pay(user, p, max(diff, wrong_diff))]
    if not pms:
        raise Skip()
    pm = rng.choice(pms)
    intro, id_code = identify(rng, user)
    instruction = (f"{intro} Your order {oid} has not shipped yet. You want to change {item_phrase(line)} to the "
                   f"variant with {opts(new['options'])}. Use {pm_phrase(user, pm)} for any price difference. "
                   f"{rng.choice(MOODS)}")
    solution = (id_code + f"order = get_order_details(order_id={oid!r})\n"
                f"product = get_product_details(product_id={line['product_id']!r})\n"
                f"new_id = [v['item_id'] for v in product['variants'].values() if v['options'] == {new['options']!r}][0]\n"
                f"modify_pending_order_items(order_id={oid!r}, item_ids=[{line['item_id']!r}], new_item_ids=[new_id], "
                f"payment_method_id={pm!r})\n"
                "respond('Your order now has the new item.')\n")
    failures = [
        id_code + f"modify_pending_order_items(order_id={oid!r}, item_ids=[{line['item_id']!r}], "
                  f"new_item_ids=[{wrong['item_id']!r}], payment_method_id={pm!r})\n",
        id_code + f"cancel_pending_order(order_id={oid!r}, reason='ordered by mistake')\n",
        lookup_only(id_code, oid, "That variant looks nice! Anything else?"),
    ]
    rng.shuffle(failures)
    head = f"def verify(state, answer):\n    order = state['orders'][{oid!r}]\n"
    if flaw == "lenient_verifier":  # checks the old item is gone, not which one replaced it
        verifier = head + (f"    return {line['item_id']!r} not in [i['item_id'] for i in order['items']]"
                           " and order['status'] != 'cancelled'\n")
    elif flaw == "verifier_crashes_on_failure_case":  # next() raises StopIteration when the item is absent
        verifier = head + (f"    line = next(i for i in order['items'] if i['item_id'] == {new['item_id']!r})\n"
                           f"    return line['price'] == {new['price']} and order['status'] == 'pending (items modified)'\n")
    elif flaw == "verifier_too_strict":  # expects the status to stay 'pending'
        verifier = head + (f"    return {new['item_id']!r} in [i['item_id'] for i in order['items']]"
                           " and order['status'] == 'pending'\n")
    else:
        verifier = head + ("    ids = [i['item_id'] for i in order['items']]\n"
                           f"    return {new['item_id']!r} in ids and {line['item_id']!r} not in ids "
                           "and order['status'] == 'pending (items modified)'\n")
    return dict(instruction=instruction, verifier=verifier, solution=solution, failure_cases=failures)


def build_info_total(rng, pick, flaw):
    order, user = pick.order(["delivered", "processed", "pending"], lambda o: len(o["items"]) > 1)
    oid, total, status = order["order_id"], order_total(order), order["status"]
    intro, id_code = identify(rng, user)
    instruction = (f"{intro} You want to know how much you paid in total for order {oid}. You only want "
                   f"the number; do not let the agent change anything. {rng.choice(MOODS)}")
    solution = (id_code + f"order = get_order_details(order_id={oid!r})\n"
                "total = calculate(expression=' + '.join(str(i['price']) for i in order['items']))\n"
                f"respond(f'You paid ${{total:.2f}} in total for order {oid}.')\n")
    first = order["items"][0]["price"]
    failures = [
        id_code + f"order = get_order_details(order_id={oid!r})\n"
                  f"respond(f\"You paid ${{order['items'][0]['price']:.2f}} for order {oid}.\")\n",
        lookup_only(id_code, oid, "I can see your order. Is there anything you want to change?"),
    ]
    if status == "pending":  # right number, but it also cancelled the order
        failures.append(id_code + f"cancel_pending_order(order_id={oid!r}, reason='no longer needed')\n"
                                  f"respond('You paid ${total:.2f}.')\n")
    rng.shuffle(failures)
    assert f"{first:.2f}" != f"{total:.2f}"
    head = "def verify(state, answer):\n"
    keep = f"    if state['orders'][{oid!r}]['status'] != {status!r}:\n        return False\n"
    if flaw == "lenient_verifier":  # any dollar amount passes
        verifier = head + keep + "    return '$' in answer\n"
    elif flaw == "verifier_crashes_on_failure_case":  # .group on a failed match when no amount is given
        verifier = "import re\n\n" + head + keep + (
            "    amount = float(re.search(r'\\$([0-9][0-9,]*\\.[0-9]{2})', answer).group(1).replace(',', ''))\n"
            f"    return abs(amount - {total}) < 0.01\n")
    elif flaw == "verifier_too_strict":  # exact text instead of "contains the amount"
        verifier = head + keep + f"    return answer.strip() == '${total:.2f}'\n"
    else:
        verifier = head + keep + f"    return {f'{total:.2f}'!r} in answer.replace(',', '')\n"
    return dict(instruction=instruction, verifier=verifier, solution=solution, failure_cases=failures)


def build_info_messages(rng, pick, flaw):
    """Questions checked against everything the agent said: verify(state, answer, messages)."""
    sub = rng.choice(["tracking", "stock", "gift_card"])
    head = "def verify(state, answer, messages):\n    said = ' '.join(messages)\n"
    if sub == "tracking":
        order, user = pick.order(["processed", "delivered"])
        oid = order["order_id"]
        tracking = [t for f in order["fulfillments"] for t in f["tracking_id"]]
        other = next(t for o in ORDERS.values() if o["order_id"] != oid for f in o["fulfillments"] for t in f["tracking_id"])
        intro, id_code = identify(rng, user)
        instruction = (f"{intro} You want the tracking number(s) of order {oid}. {rng.choice(MOODS)}")
        solution = (id_code + f"order = get_order_details(order_id={oid!r})\n"
                    "respond('Let me look that up for you.')\n"
                    "numbers = [t for f in order['fulfillments'] for t in f['tracking_id']]\n"
                    f"respond('Tracking number(s) for order {oid}: ' + ', '.join(numbers))\n")
        failures = [
            id_code + f"order = get_order_details(order_id={oid!r})\nrespond('Your order ' + order['order_id'] + ' is ' + order['status'] + '.')\n",
            id_code + f"respond('The tracking number of order {oid} is {other}.')\n",
            lookup_only(id_code, oid, "Your order has shipped."),
        ]
        good = head + f"    return all(t in said for t in {tracking!r})\n"
        lenient = head + f"    return {oid!r} in said\n"  # mentioning the order is not enough
        crash = ("def verify(state, answer, messages):\n"
                 "    numbers = messages[-1].split(': ')[1].split(', ')\n"
                 f"    return sorted(numbers) == {sorted(tracking)!r}\n")
        first_only = "def verify(state, answer, messages):\n" + f"    return all(t in messages[0] for t in {tracking!r})\n"
    elif sub == "stock":
        product = rng.choice([p for p in PRODUCTS.values()
                              if 0 < sum(v["available"] for v in p["variants"].values()) < len(p["variants"])])
        n_avail = sum(v["available"] for v in product["variants"].values())
        n_all = len(product["variants"])
        user = pick.user()
        intro, id_code = identify(rng, user)
        instruction = (f"{intro} Before buying, you want to know how many variants of the {product['name']} are "
                       f"currently in stock (just the number). {rng.choice(MOODS)}")
        solution = (id_code + "products = list_all_product_types()\n"
                    f"product = get_product_details(product_id=products[{product['name']!r}])\n"
                    "count = len([v for v in product['variants'].values() if v['available']])\n"
                    "respond('Give me a second to check the catalogue.')\n"
                    f"respond(f'{{count}} variants of the {product['name']} are in stock right now.')\n")
        failures = [
            id_code + f"product = get_product_details(product_id={product['product_id']!r})\n"
                      f"respond(f\"We have {{len(product['variants'])}} variants of the {product['name']}.\")\n",
            id_code + f"respond('Which {product['name']} are you interested in?')\n",
            id_code + "products = list_all_product_types()\nrespond('We sell ' + str(len(products)) + ' kinds of products.')\n",
        ]
        assert n_all != n_avail and len(PRODUCTS) != n_avail
        good = "import re\n\n" + head + f"    return re.search(r'\\b{n_avail}\\b', said) is not None\n"
        lenient = head + f"    return {product['name']!r} in said\n"
        crash = ("import re\n\ndef verify(state, answer, messages):\n"
                 "    count = int(re.search(r'(\\d+) variants', answer).group(1))\n"
                 f"    return count == {n_avail}\n")
        first_only = "import re\n\n" + head + f"    return len(messages) == 1 and re.search(r'\\b{n_avail}\\b', said) is not None\n"
    else:
        user = pick.user(lambda u: gift_card_of(u) and u["payment_methods"][gift_card_of(u)]["balance"] > 0
                         and any(ORDERS[o]["status"] == "pending" for o in u["orders"]))
        gc = gift_card_of(user)
        balance = user["payment_methods"][gc]["balance"]
        pending = next(o for o in user["orders"] if ORDERS[o]["status"] == "pending")
        intro, id_code = identify(rng, user)
        instruction = (f"{intro} You want to know the balance left on your gift card. You do not want any of "
                       f"your orders changed. {rng.choice(MOODS)}")
        solution = (id_code + f"balance = user['payment_methods'][{gc!r}]['balance']\n"
                    "respond(f'Your gift card balance is ${balance:.2f}.')\n")
        failures = [
            id_code + f"respond('Your gift card balance is ${balance + 25:.2f}.')\n",
            id_code + "respond('I can help with that. What else can I do for you?')\n",
            # right answer, but it cancelled a pending order (refunding it raises the balance too)
            id_code + f"cancel_pending_order(order_id={pending!r}, reason='no longer needed')\n"
                      f"respond('Your gift card balance is ${balance:.2f}.')\n",
        ]
        keep = f"    if state['orders'][{pending!r}]['status'] != 'pending':\n        return False\n"
        good = head + keep + f"    return {f'{balance:.2f}'!r} in said\n"
        lenient = head + keep + "    return 'balance' in said.lower()\n"
        crash = ("def verify(state, answer, messages):\n"
                 "    amount = float(messages[-1].split('$')[1].rstrip('.'))\n"
                 f"    return abs(amount - {balance}) < 0.01 and state['orders'][{pending!r}]['status'] == 'pending'\n")
        first_only = ("def verify(state, answer, messages):\n"
                      f"    return messages == ['Your gift card balance is ${balance:.2f}']\n")
    rng.shuffle(failures)
    verifier = {"lenient_verifier": lenient, "verifier_crashes_on_failure_case": crash,
                "verifier_too_strict": first_only}.get(flaw, good)
    return dict(instruction=instruction, verifier=verifier, solution=solution, failure_cases=failures)


def build_transfer(rng, pick, flaw):
    """Requests the tools cannot do: the right move is a transfer to a human agent."""
    order, user = pick.order(["processed"])
    oid = order["order_id"]
    line = rng.choice(order["items"])
    intro, id_code = identify(rng, user)
    instruction = (f"{intro} Order {oid} has shipped but not arrived yet, and you already know you do not want "
                   f"{item_phrase(line)}. You want it returned or the order stopped right now; if the agent "
                   f"cannot do that, you want to talk to a human. {rng.choice(MOODS)}")
    solution = (id_code + f"order = get_order_details(order_id={oid!r})\n"
                f"transfer_to_human_agents(summary='User wants to return an item of order {oid}, which is in transit.')\n"
                "respond('I am transferring you to a human agent who can help with a shipped order.')\n")
    failures = [
        id_code + f"return_delivered_order_items(order_id={oid!r}, item_ids=[{line['item_id']!r}], "
                  f"payment_method_id={original_pm(order)!r})\n",
        id_code + f"cancel_pending_order(order_id={oid!r}, reason='no longer needed')\n",
        lookup_only(id_code, oid, "Sorry, nothing can be done until the order is delivered."),
    ]
    rng.shuffle(failures)
    verifier = ("def verify(state, answer):\n"
                f"    if state['orders'][{oid!r}]['status'] != 'processed':\n        return False\n"
                "    return len(state['human_transfers']) == 1\n")
    return dict(instruction=instruction, verifier=verifier, solution=solution, failure_cases=failures)


BUILDERS = {
    "cancel": build_cancel, "return": build_return, "exchange": build_exchange,
    "order_address": build_order_address, "user_address": build_user_address,
    "order_payment": build_order_payment, "order_items": build_order_items,
    "info_total": build_info_total, "info_messages": build_info_messages, "transfer": build_transfer,
}


# ----------------------------------------------------------------------------
# Generic flaws: mistakes in the verifier text itself.


def break_syntax(rng, src):
    lines = src.split("\n")
    choice = rng.choice(["colon", "paren", "assign"])
    if choice == "assign":  # '=' where '==' was meant, inside an if
        for i, l in enumerate(lines):
            if l.lstrip().startswith("if ") and " != " in l:
                lines[i] = l.replace(" != ", " =! ", 1)
                return "\n".join(lines)
            if l.lstrip().startswith("if ") and " == " in l:
                lines[i] = l.replace(" == ", " = ", 1)
                return "\n".join(lines)
        choice = "colon"
    if choice == "paren":  # an unclosed parenthesis on the last return
        i = max(j for j, l in enumerate(lines) if l.lstrip().startswith("return"))
        lines[i] = lines[i].replace("return ", "return (", 1)
        return "\n".join(lines)
    i = next(j for j, l in enumerate(lines) if l.startswith("def verify"))
    lines[i] = lines[i].rstrip(":")
    return "\n".join(lines)


def break_name(rng, src):
    # module-level code that refers to names only the function has
    prefix = rng.choice([
        "ORDERS = state['orders']\n\n",
        "EXPECTED = expected_state()\n\n",
        "TOLERANCE = round(EPSILON, 2)\n\n",
    ])
    return prefix + src


def break_import(rng, src):
    return rng.choice(["from retail_utils import normalize\n", "import cat_helpers\n"]) + "\n" + src


def drop_verify(rng, src):
    return src.replace("def verify(", "def " + rng.choice(["evaluate(", "check(", "verify_task(", "is_solved("]), 1)


GENERIC = {"verifier_syntax_error": break_syntax, "verifier_name_error": break_name,
           "verifier_import_error": break_import, "verifier_missing_verify": drop_verify}


def make_task(rng, pick, kind, flaw):
    for _ in range(50):
        try:
            # generic flaws start from a good task of the kind
            task = BUILDERS[kind](rng, pick, flaw if flaw in PLAN.get(kind, {}) else None)
            break
        except Skip:
            continue
    else:
        raise RuntimeError(f"no data for a {kind} task with flaw {flaw}")
    if flaw in GENERIC:
        task["verifier"] = GENERIC[flaw](rng, task["verifier"])
    elif flaw == "no_failure_cases":
        task["failure_cases"] = []
    return task


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pick = Picker(rng)

    specs = [(kind, flaw) for kind, flaws in PLAN.items() for flaw, n in flaws.items() for _ in range(n)]
    for flaw, n in GENERIC_FLAWS.items():
        specs += [(rng.choice(GENERIC_KINDS), flaw) for _ in range(n)]
    rng.shuffle(specs)  # interleave good and flawed tasks, as a real batch would be

    tasks = []
    for i, (kind, flaw) in enumerate(specs, 1):
        task = make_task(rng, pick, kind, flaw)
        tasks.append({
            "id": f"retail-{i:04d}",
            "environment": "retail",
            "instruction": task["instruction"],
            "verifier": task["verifier"],
            "solution": task["solution"],
            "failure_cases": task["failure_cases"],
            "metadata": {
                "generator": rng.choice(GENERATORS_FLAWED if flaw else GENERATORS_GOOD),
                "run": rng.choice(RUNS),
                "task_type": kind,
                "flaw": flaw,
                "expected_reason": FLAW_REASON[flaw],
            },
        })

    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        for t in tasks:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")
    n_good = sum(t["metadata"]["flaw"] is None for t in tasks)
    n_msgs = sum("def verify(state, answer, messages)" in t["verifier"] for t in tasks)
    print(f"wrote {os.path.relpath(args.out, ROOT)}: {len(tasks)} tasks, {n_good} good, "
          f"{len(tasks) - n_good} flawed, {n_msgs} with verify(state, answer, messages)")


if __name__ == "__main__":
    main()
