"""The product catalogue: product types and their variants (items)."""

from .store import get_product, public


def list_all_product_types(db):
    """Map every product name to its product id, sorted by name."""
    return {p["name"]: pid for pid, p in sorted(db["products"].items(), key=lambda kv: kv[1]["name"])}


def get_product_details(db, product_id):
    return public(get_product(db, product_id))


def find_variant(db, item_id):
    """(product, variant) for an item id; used by the order tools."""
    for product in db["products"].values():
        variant = product["variants"].get(item_id)
        if variant is not None:
            return product, variant
    raise KeyError(f"item not found in the catalogue: {item_id}")


def replacement_variant(db, old_item, new_item_id):
    """Check that `new_item_id` may replace `old_item` (an order line) and return it.

    Same rule for modifying a pending order and exchanging a delivered one: the
    new item must be another variant of the same product, and in stock.
    """
    product, variant = find_variant(db, new_item_id)
    if product["product_id"] != old_item["product_id"]:
        raise ValueError(f"item {new_item_id} is a {product['name']}, not a variant of "
                         f"{old_item['name']} (item {old_item['item_id']})")
    if new_item_id == old_item["item_id"]:
        raise ValueError(f"new item {new_item_id} is the same as the old item")
    if not variant["available"]:
        raise ValueError(f"item {new_item_id} ({product['name']}) is not available")
    return variant
