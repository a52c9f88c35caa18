"""Payment methods: ownership checks, charges and refunds.

Gift cards have a balance: a charge needs enough of it and a refund to a gift
card is credited at once.  Cards and PayPal have no balance to track.
"""

from .store import get_user


def get_payment_method(db, user_id, payment_method_id):
    user = get_user(db, user_id)
    try:
        return user["payment_methods"][payment_method_id]
    except (KeyError, TypeError):
        raise ValueError(f"payment method {payment_method_id} does not belong to user {user_id}") from None


def charge(db, order, payment_method_id, amount):
    """Record a payment on the order, taking it from a gift card if that is the method."""
    amount = round(amount, 2)
    pm = get_payment_method(db, order["user_id"], payment_method_id)
    if pm["source"] == "gift_card":
        if pm["balance"] < amount:
            raise ValueError(f"insufficient gift card balance: {pm['balance']:.2f} < {amount:.2f}")
        pm["balance"] = round(pm["balance"] - amount, 2)
    order["payment_history"].append(
        {"transaction_type": "payment", "amount": amount, "payment_method_id": payment_method_id})


def refund(db, order, payment_method_id, amount):
    amount = round(amount, 2)
    pm = get_payment_method(db, order["user_id"], payment_method_id)
    if pm["source"] == "gift_card":
        pm["balance"] = round(pm["balance"] + amount, 2)
    order["payment_history"].append(
        {"transaction_type": "refund", "amount": amount, "payment_method_id": payment_method_id})


def settle_difference(db, order, payment_method_id, difference):
    """Charge a positive price difference or refund a negative one."""
    if difference > 0:
        charge(db, order, payment_method_id, difference)
    elif difference < 0:
        refund(db, order, payment_method_id, -difference)
    else:
        get_payment_method(db, order["user_id"], payment_method_id)  # still must be the user's


def original_payment_method_ids(order):
    return [p["payment_method_id"] for p in order["payment_history"] if p["transaction_type"] == "payment"]
