"""Loading the store's data and finding records in a state.

The data files are located through __file__, so the pack works whatever the
current directory is (the contract makes it the pack root, but a test may not).
"""

import copy
import json
import os

DATA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")


def _read(name):
    with open(os.path.join(DATA_DIR, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


def load_state():
    """A fresh initial state: plain JSON data, read from disk on every call.

    Re-reading (rather than caching and deep-copying) guarantees no case can
    see what an earlier case did, even through a shared cache.
    """
    return {
        "users": _read("users"),
        "orders": _read("orders"),
        "products": _read("products"),
        # requests handed to a human agent (transfer_to_human_agents)
        "human_transfers": [],
    }


def get_user(state, user_id):
    if not isinstance(user_id, str):
        raise ValueError(f"user_id must be a string, got {type(user_id).__name__}")
    try:
        return state["users"][user_id]
    except KeyError:
        raise KeyError(f"user not found: {user_id}") from None


def normalize_order_id(order_id):
    if not isinstance(order_id, str):
        raise ValueError(f"order_id must be a string, got {type(order_id).__name__}")
    # customers often say "W1234567" without the '#'
    return order_id if order_id.startswith("#") else "#" + order_id


def get_order(state, order_id):
    order_id = normalize_order_id(order_id)
    try:
        return state["orders"][order_id]
    except KeyError:
        raise KeyError(f"order not found: {order_id}") from None


def get_product(state, product_id):
    try:
        return state["products"][product_id]
    except (KeyError, TypeError):
        raise KeyError(f"product not found: {product_id}") from None


def public(record):
    """What a read-only tool hands out: a copy, never the live record."""
    return copy.deepcopy(record)
