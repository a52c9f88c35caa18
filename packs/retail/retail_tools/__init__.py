"""Tools of the retail pack, each called as fn(state, **kwargs).

Read-only tools return copies, so a case cannot change the store by mutating
what a lookup returned; every change goes through a tool that checks it.
"""

from . import calculator, catalog, orders, support, users
from .schemas import TOOL_SCHEMAS

TOOLS = {
    # identify the customer
    "find_user_id_by_email": users.find_user_id_by_email,
    "find_user_id_by_name_zip": users.find_user_id_by_name_zip,
    "get_user_details": users.get_user_details,
    "modify_user_address": users.modify_user_address,
    # catalogue
    "list_all_product_types": catalog.list_all_product_types,
    "get_product_details": catalog.get_product_details,
    # orders
    "get_order_details": orders.get_order_details,
    "cancel_pending_order": orders.cancel_pending_order,
    "modify_pending_order_address": orders.modify_pending_order_address,
    "modify_pending_order_items": orders.modify_pending_order_items,
    "modify_pending_order_payment": orders.modify_pending_order_payment,
    "return_delivered_order_items": orders.return_delivered_order_items,
    "exchange_delivered_order_items": orders.exchange_delivered_order_items,
    # misc
    "calculate": calculator.calculate,
    "transfer_to_human_agents": support.transfer_to_human_agents,
}

_missing = sorted(set(TOOLS) ^ {s["function"]["name"] for s in TOOL_SCHEMAS})
assert not _missing, f"TOOLS and TOOL_SCHEMAS disagree on: {_missing}"
