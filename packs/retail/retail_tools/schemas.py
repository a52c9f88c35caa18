"""TOOL_SCHEMAS: the tools in the OpenAI-style function-calling form.

These describe the keyword arguments a case passes; the environment state
argument is implicit and never appears here.
"""


def _tool(name, description, properties=None, required=None):
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {
                "type": "object",
                "properties": properties or {},
                "required": list(properties or {}) if required is None else required,
                "additionalProperties": False,
            },
        },
    }


def _s(description):
    return {"type": "string", "description": description}


def _ids(description):
    return {"type": "array", "items": {"type": "string"}, "description": description}


ORDER_ID = _s("The order id, such as '#W0000000'; the '#' may be omitted.")
USER_ID = _s("The user id, such as 'sara_doe_496'.")
PAYMENT_METHOD_ID = _s("A payment method id of the user, such as 'credit_card_0000000', 'paypal_0000000' or 'gift_card_0000000'.")
ADDRESS = {
    "address1": _s("First line of the address, such as '123 Main St'."),
    "address2": _s("Second line (apartment, suite...), may be empty."),
    "city": _s("City."),
    "state": _s("State, such as 'CA'."),
    "country": _s("Country, such as 'USA'."),
    "zip": _s("Five-digit zip code."),
}

TOOL_SCHEMAS = [
    _tool("find_user_id_by_email", "Find a user id by email. Raises if no user has this email.",
          {"email": _s("The user's email, such as 'something@example.com'.")}),
    _tool("find_user_id_by_name_zip",
          "Find a user id by first name, last name and the zip code of the default address.",
          {"first_name": _s("First name, such as 'John'."), "last_name": _s("Last name, such as 'Doe'."),
           "zip": _s("Zip code, such as '12345'.")}),
    _tool("get_user_details", "Get a user's name, email, default address, payment methods (with gift card balances) and order ids.",
          {"user_id": USER_ID}),
    _tool("modify_user_address", "Change the user's default address. Existing orders keep their address.",
          {"user_id": USER_ID, **ADDRESS}),
    _tool("list_all_product_types", "List the name and product id of every product type in the store."),
    _tool("get_product_details", "Get a product's variants: item ids, options, price and availability.",
          {"product_id": _s("The product id, such as '6086499569'. Different from an item id.")}),
    _tool("get_order_details", "Get an order's status, items, address, fulfillments and payment history.",
          {"order_id": ORDER_ID}),
    _tool("cancel_pending_order",
          "Cancel a pending order. Every payment is refunded to its payment method (gift cards at once). "
          "Only for orders with status 'pending'.",
          {"order_id": ORDER_ID,
           "reason": {"type": "string", "enum": ["no longer needed", "ordered by mistake"],
                      "description": "Why the user cancels."}}),
    _tool("modify_pending_order_address", "Change the shipping address of a pending order.",
          {"order_id": ORDER_ID, **ADDRESS}),
    _tool("modify_pending_order_items",
          "Swap items of a pending order for other available variants of the same products. Can be done once "
          "per order; the price difference is charged to or refunded on the given payment method.",
          {"order_id": ORDER_ID, "item_ids": _ids("Item ids in the order to replace."),
           "new_item_ids": _ids("The new item ids, one per item in item_ids, in the same order."),
           "payment_method_id": PAYMENT_METHOD_ID}),
    _tool("modify_pending_order_payment",
          "Pay a pending order with another payment method of the user: the new method is charged the "
          "total and the old one refunded. A gift card needs enough balance.",
          {"order_id": ORDER_ID, "payment_method_id": PAYMENT_METHOD_ID}),
    _tool("return_delivered_order_items",
          "Request the return of items of a delivered order. The refund goes to the original payment "
          "method or to a gift card of the user. The order's status becomes 'return requested'.",
          {"order_id": ORDER_ID, "item_ids": _ids("Item ids in the order to return."),
           "payment_method_id": PAYMENT_METHOD_ID}),
    _tool("exchange_delivered_order_items",
          "Request an exchange of items of a delivered order for other available variants of the same "
          "products; the price difference is settled with the given payment method. The order's status "
          "becomes 'exchange requested'.",
          {"order_id": ORDER_ID, "item_ids": _ids("Item ids in the order to exchange."),
           "new_item_ids": _ids("The new item ids, one per item in item_ids, in the same order."),
           "payment_method_id": PAYMENT_METHOD_ID}),
    _tool("calculate", "Evaluate an arithmetic expression (numbers, + - * / // % **, parentheses); the result is rounded to 2 decimals.",
          {"expression": _s("For example '(1 + 2) * 3.5'.")}),
    _tool("transfer_to_human_agents",
          "Hand the conversation to a human agent when the request cannot be handled with the other tools.",
          {"summary": _s("A summary of the user's issue.")}),
]
