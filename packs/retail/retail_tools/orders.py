"""Order tools: look up, cancel and modify pending orders, return and exchange delivered ones."""

from . import payments
from .addresses import make_address
from .catalog import replacement_variant
from .store import get_order, public

PENDING = ("pending", "pending (items modified)")
CANCEL_REASONS = ("no longer needed", "ordered by mistake")


def get_order_details(db, order_id):
    return public(get_order(db, order_id))


def _require_status(order, allowed, action):
    if order["status"] not in allowed:
        raise ValueError(f"cannot {action}: order {order['order_id']} is '{order['status']}', "
                         f"expected {' or '.join(repr(s) for s in allowed)}")


def _order_lines(order, item_ids):
    """The order lines for `item_ids` (a non-empty list without duplicates)."""
    if not isinstance(item_ids, list) or not item_ids:
        raise ValueError("item_ids must be a non-empty list of item ids")
    if len(set(item_ids)) != len(item_ids):
        raise ValueError(f"duplicate item ids: {item_ids}")
    by_id = {line["item_id"]: line for line in order["items"]}
    missing = [i for i in item_ids if i not in by_id]
    if missing:
        raise ValueError(f"items not in order {order['order_id']}: {missing}")
    return [by_id[i] for i in item_ids]


def cancel_pending_order(db, order_id, reason):
    """Cancel a pending order and refund every payment to where it came from."""
    order = get_order(db, order_id)
    _require_status(order, PENDING, "cancel")
    if reason not in CANCEL_REASONS:
        raise ValueError(f"reason must be one of {list(CANCEL_REASONS)}, got {reason!r}")
    # refund what each method paid net of earlier refunds (an item modification
    # may have added a payment or a refund for the price difference)
    net = {}
    for p in order["payment_history"]:
        sign = 1 if p["transaction_type"] == "payment" else -1
        net[p["payment_method_id"]] = net.get(p["payment_method_id"], 0) + sign * p["amount"]
    for payment_method_id, amount in net.items():
        if round(amount, 2) > 0:
            payments.refund(db, order, payment_method_id, amount)
    order["status"] = "cancelled"
    order["cancel_reason"] = reason
    return public(order)


def modify_pending_order_address(db, order_id, address1, address2, city, state, country, zip):
    order = get_order(db, order_id)
    _require_status(order, PENDING, "modify the address")
    order["address"] = make_address(address1, address2, city, state, country, zip)
    return public(order)


def modify_pending_order_payment(db, order_id, payment_method_id):
    """Pay a pending order with another method: charge the new one, refund the old one."""
    order = get_order(db, order_id)
    _require_status(order, PENDING, "modify the payment")
    paid = [p for p in order["payment_history"] if p["transaction_type"] == "payment"]
    if len(paid) != 1:
        raise ValueError("can only change the payment of an order paid in a single payment")
    old = paid[0]
    if old["payment_method_id"] == payment_method_id:
        raise ValueError(f"order {order['order_id']} is already paid with {payment_method_id}")
    payments.charge(db, order, payment_method_id, old["amount"])
    payments.refund(db, order, old["payment_method_id"], old["amount"])
    return public(order)


def modify_pending_order_items(db, order_id, item_ids, new_item_ids, payment_method_id):
    """Swap items of a pending order for other variants of the same products (once per order)."""
    order = get_order(db, order_id)
    if order["status"] == "pending (items modified)":
        raise ValueError(f"the items of order {order['order_id']} were already modified once")
    _require_status(order, ("pending",), "modify items")
    lines = _order_lines(order, item_ids)
    if not isinstance(new_item_ids, list) or len(new_item_ids) != len(item_ids):
        raise ValueError("new_item_ids must be a list with one new item per item in item_ids")
    new_variants = [replacement_variant(db, line, new_id) for line, new_id in zip(lines, new_item_ids)]
    difference = round(sum(v["price"] for v in new_variants) - sum(l["price"] for l in lines), 2)
    payments.settle_difference(db, order, payment_method_id, difference)
    for line, variant in zip(lines, new_variants):
        line.update(item_id=variant["item_id"], price=variant["price"], options=dict(variant["options"]))
    order["status"] = "pending (items modified)"
    return public(order)


def return_delivered_order_items(db, order_id, item_ids, payment_method_id):
    """Request the return of delivered items.

    The refund goes to the original payment method or to one of the user's gift cards.
    """
    order = get_order(db, order_id)
    _require_status(order, ("delivered",), "return items")
    _order_lines(order, item_ids)
    pm = payments.get_payment_method(db, order["user_id"], payment_method_id)
    if payment_method_id not in payments.original_payment_method_ids(order) and pm["source"] != "gift_card":
        raise ValueError("the refund must go to the original payment method or to a gift card")
    order["status"] = "return requested"
    order["return_items"] = sorted(item_ids)
    order["return_payment_method_id"] = payment_method_id
    return public(order)


def exchange_delivered_order_items(db, order_id, item_ids, new_item_ids, payment_method_id):
    """Request an exchange of delivered items for other variants of the same products."""
    order = get_order(db, order_id)
    _require_status(order, ("delivered",), "exchange items")
    lines = _order_lines(order, item_ids)
    if not isinstance(new_item_ids, list) or len(new_item_ids) != len(item_ids):
        raise ValueError("new_item_ids must be a list with one new item per item in item_ids")
    new_variants = [replacement_variant(db, line, new_id) for line, new_id in zip(lines, new_item_ids)]
    difference = round(sum(v["price"] for v in new_variants) - sum(l["price"] for l in lines), 2)
    pm = payments.get_payment_method(db, order["user_id"], payment_method_id)
    # the difference is settled when the exchange ships, but a gift card must cover it now
    if pm["source"] == "gift_card" and difference > pm["balance"]:
        raise ValueError(f"insufficient gift card balance to pay the difference of {difference:.2f}")
    order["status"] = "exchange requested"
    order["exchange_items"] = sorted(item_ids)
    # keep exchange_new_items aligned with the sorted exchange_items
    pairs = sorted(zip(item_ids, new_variants), key=lambda pair: pair[0])
    order["exchange_new_items"] = [v["item_id"] for _, v in pairs]
    order["exchange_payment_method_id"] = payment_method_id
    order["exchange_price_difference"] = difference
    return public(order)
