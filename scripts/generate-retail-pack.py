#!/usr/bin/env python3
"""Generate the data of the demo `retail` environment pack.

Writes packs/retail/data/{products,users,orders}.json from a fixed seed, so that
running it again produces byte-identical files (the pack is identified by the
hash of its content; a non-deterministic generator would change that hash on
every run and orphan every stored verdict).

Usage: /usr/bin/python3 scripts/generate-retail-pack.py [--seed N] [--out DIR]

Determinism rules followed below: one random.Random(seed) drawn from in a fixed
order, no iteration over sets (their order depends on PYTHONHASHSEED), and JSON
written with a fixed layout.
"""

import argparse
import itertools
import json
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "packs", "retail", "data")

N_USERS = 500
N_ORDERS = 1000

COLORS = ["black", "white", "navy", "red", "green", "grey", "blue", "beige", "purple", "orange"]

# The catalogue: (product type, price range, {option name: values}).  Every
# product gets a random subset of the Cartesian product of its options as
# variants, so tasks can ask for "the same thing but in blue / size L".
CATALOG = [
    ("T-Shirt", (18, 45), {"color": ["black", "white", "navy", "red", "heather grey", "olive"], "size": ["S", "M", "L", "XL", "XXL"], "material": ["cotton", "polyester", "organic cotton"]}),
    ("Hoodie", (45, 95), {"color": ["black", "grey", "navy", "green"], "size": ["S", "M", "L", "XL"], "style": ["pullover", "zip-up"]}),
    ("Jacket", (80, 260), {"color": ["black", "brown", "navy", "olive"], "size": ["S", "M", "L", "XL"], "material": ["leather", "denim", "nylon", "wool"]}),
    ("Jeans", (40, 120), {"fit": ["slim", "straight", "relaxed"], "waist": ["30", "32", "34", "36"], "wash": ["light", "medium", "dark"]}),
    ("Running Shoes", (70, 180), {"size": ["7", "8", "9", "10", "11", "12"], "color": ["black", "white", "red", "blue"], "sole": ["rubber", "EVA", "foam"]}),
    ("Hiking Boots", (110, 260), {"size": ["7", "8", "9", "10", "11", "12"], "material": ["leather", "synthetic"], "waterproof": ["yes", "no"]}),
    ("Sneakers", (50, 140), {"size": ["6", "7", "8", "9", "10", "11"], "color": ["white", "black", "grey", "red"], "material": ["canvas", "leather", "mesh"]}),
    ("Backpack", (35, 160), {"color": ["black", "grey", "navy", "green"], "size": ["small", "medium", "large"], "material": ["nylon", "polyester", "leather"], "compartment": ["laptop", "hydration", "camera"]}),
    ("Luggage Set", (150, 480), {"piece count": ["2-piece", "3-piece", "4-piece"], "color": ["black", "silver", "blue", "red"], "material": ["hardshell", "softshell"]}),
    ("Water Bottle", (12, 45), {"capacity": ["500ml", "750ml", "1000ml"], "material": ["stainless steel", "glass", "plastic"], "color": ["black", "white", "blue", "green", "red"]}),
    ("Coffee Maker", (40, 320), {"color": ["black", "stainless steel", "white"], "capacity": ["1 cup", "4 cups", "8 cups", "12 cups"], "type": ["drip", "espresso", "french press", "pour-over"]}),
    ("Electric Kettle", (25, 110), {"capacity": ["1L", "1.5L", "1.7L", "2L"], "material": ["stainless steel", "glass", "plastic"], "color": ["black", "white", "silver"]}),
    ("Blender", (35, 240), {"capacity": ["32oz", "48oz", "64oz"], "material": ["plastic", "glass"], "speed settings": ["3", "5", "10"]}),
    ("Air Purifier", (90, 420), {"room size": ["small", "medium", "large"], "filter type": ["HEPA", "carbon", "ionic"], "features": ["quiet operation", "smart sensors", "night mode"]}),
    ("Desk Lamp", (20, 120), {"color": ["black", "white", "silver"], "brightness": ["low", "medium", "high"], "power source": ["USB", "AC adapter", "battery"]}),
    ("Office Chair", (120, 520), {"material": ["mesh", "leather", "fabric"], "color": ["black", "grey", "blue", "red"], "armrest": ["fixed", "adjustable", "none"], "backrest height": ["standard", "high-back"]}),
    ("Bookshelf", (60, 380), {"material": ["wood", "metal", "glass"], "color": ["white", "brown", "black", "grey"], "height": ["3 ft", "4 ft", "5 ft", "6 ft"]}),
    ("Laptop", (650, 2600), {"screen size": ["13-inch", "14-inch", "15-inch", "16-inch"], "processor": ["i5", "i7", "i9", "ryzen 7"], "ram": ["8GB", "16GB", "32GB"], "storage": ["256GB SSD", "512GB SSD", "1TB SSD"], "color": ["silver", "space grey", "black"]}),
    ("Tablet", (180, 1100), {"screen size": ["8-inch", "10-inch", "12-inch"], "storage": ["64GB", "128GB", "256GB"], "color": ["black", "silver", "gold"]}),
    ("Smartphone", (300, 1300), {"color": ["black", "white", "blue", "rose gold"], "storage": ["64GB", "128GB", "256GB"], "RAM": ["4GB", "6GB", "8GB"], "screen size": ["5.8-inch", "6.1-inch", "6.5-inch"]}),
    ("Smart Watch", (120, 520), {"color": ["black", "silver", "gold"], "band material": ["silicone", "leather", "metal"], "display": ["AMOLED", "LCD"]}),
    ("Wireless Earbuds", (40, 260), {"color": ["black", "white", "blue"], "battery life": ["4 hours", "6 hours", "8 hours"], "water resistance": ["IPX4", "IPX7", "none"]}),
    ("Bluetooth Speaker", (30, 300), {"color": ["black", "blue", "red", "green"], "battery life": ["10 hours", "20 hours", "30 hours"], "water resistance": ["yes", "no"]}),
    ("Headphones", (35, 420), {"type": ["over-ear", "on-ear", "in-ear"], "connectivity": ["wired", "wireless"], "color": ["black", "white", "red", "blue"]}),
    ("Mechanical Keyboard", (60, 260), {"switch type": ["linear", "tactile", "clicky"], "backlight": ["none", "white", "RGB"], "size": ["full size", "80%", "60%"]}),
    ("Gaming Mouse", (25, 150), {"color": ["black", "white", "RGB"], "sensor type": ["optical", "laser"], "connectivity": ["wired", "wireless"]}),
    ("Monitor", (140, 900), {"screen size": ["24-inch", "27-inch", "32-inch"], "resolution": ["1080p", "1440p", "4K"], "refresh rate": ["60Hz", "144Hz", "165Hz"]}),
    ("Digital Camera", (300, 2200), {"resolution": ["20MP", "24MP", "30MP"], "zoom": ["3x", "5x", "10x"], "storage": ["SD card", "CF card"]}),
    ("Action Camera", (120, 520), {"resolution": ["1080p", "4K", "5K"], "waterproof": ["yes", "no"], "color": ["black", "silver"]}),
    ("E-Reader", (90, 330), {"screen size": ["6-inch", "7-inch", "8-inch"], "connectivity": ["Wi-Fi", "Wi-Fi + Cellular"], "storage": ["8GB", "32GB"]}),
    ("Portable Charger", (18, 95), {"capacity": ["5000mAh", "10000mAh", "20000mAh"], "output": ["USB-A", "USB-C", "wireless"], "color": ["black", "white", "blue"]}),
    ("Skateboard", (45, 230), {"deck material": ["maple", "bamboo", "plastic"], "length": ["28 inch", "31 inch", "34 inch"], "design": ["plain", "graphic", "custom"]}),
    ("Bicycle", (320, 1900), {"frame size": ["small", "medium", "large"], "color": ["black", "red", "blue", "green"], "type": ["road", "mountain", "hybrid"]}),
    ("Cycling Helmet", (35, 220), {"size": ["S", "M", "L"], "color": ["black", "white", "red", "blue"], "ventilation": ["low", "medium", "high"]}),
    ("Yoga Mat", (18, 110), {"thickness": ["4mm", "6mm", "8mm"], "material": ["PVC", "TPE", "natural rubber"], "color": ["purple", "blue", "green", "pink", "black"]}),
    ("Dumbbell Set", (60, 480), {"weight range": ["5-25 lbs", "30-50 lbs", "55-75 lbs"], "material": ["iron", "rubber", "urethane"], "set type": ["fixed", "adjustable"]}),
    ("Tent", (90, 620), {"size": ["2-person", "4-person", "6-person"], "color": ["green", "orange", "blue"], "season": ["3-season", "4-season"]}),
    ("Sleeping Bag", (45, 360), {"temperature rating": ["0-degree", "20-degree", "40-degree"], "insulation": ["down", "synthetic"], "color": ["red", "green", "blue", "black"]}),
    ("Camping Stove", (30, 210), {"fuel type": ["propane", "butane", "multi-fuel"], "burners": ["1", "2"], "ignition": ["manual", "piezo"]}),
    ("Garden Hose", (20, 95), {"length": ["25 ft", "50 ft", "100 ft"], "material": ["rubber", "vinyl", "latex"], "color": ["green", "black", "blue"]}),
    ("Vacuum Cleaner", (90, 650), {"type": ["upright", "canister", "robotic"], "bagged": ["bagged", "bagless"], "features": ["cordless", "HEPA filter", "pet hair removal"]}),
    ("Cookware Set", (70, 520), {"material": ["stainless steel", "cast iron", "non-stick"], "piece count": ["5-piece", "8-piece", "12-piece"], "lid type": ["glass", "metal"]}),
    ("Knife Block Set", (45, 420), {"blade material": ["stainless steel", "carbon steel", "ceramic"], "piece count": ["6", "10", "14"], "handle": ["wood", "plastic", "metal"]}),
    ("Wall Clock", (18, 140), {"diameter": ["10 inches", "12 inches", "14 inches"], "color": ["black", "white", "wood"], "type": ["analog", "digital"]}),
    ("Perfume", (35, 240), {"scent family": ["floral", "woody", "citrus", "oriental"], "size": ["30ml", "50ml", "100ml"], "gender": ["men", "women", "unisex"]}),
    ("Sunglasses", (25, 280), {"frame color": ["black", "tortoise", "gold", "silver"], "lens color": ["grey", "brown", "green", "blue"], "lens type": ["polarized", "non-polarized"]}),
    ("Jigsaw Puzzle", (12, 60), {"pieces": ["500", "1000", "1500", "2000"], "theme": ["animals", "landscape", "art", "fantasy"], "difficulty level": ["beginner", "intermediate", "expert"]}),
    ("Pet Bed", (25, 160), {"size": ["small", "medium", "large"], "material": ["memory foam", "polyester", "fleece"], "color": ["grey", "brown", "beige", "blue"]}),
    ("Grill", (120, 1200), {"type": ["gas", "charcoal", "electric"], "size": ["portable", "medium", "large"], "features": ["side burner", "rotisserie", "none"]}),
    ("Smart Thermostat", (90, 320), {"compatibility": ["Google Assistant", "Amazon Alexa", "Apple HomeKit"], "color": ["black", "white", "stainless steel"], "display": ["touchscreen", "dial"]}),
]

FIRST_NAMES = [
    "Olivia", "Liam", "Emma", "Noah", "Ava", "Mason", "Sophia", "Ethan", "Isabella", "Lucas",
    "Mia", "Aiden", "Amelia", "James", "Harper", "Yusuf", "Evelyn", "Omar", "Aisha", "Mei",
    "Chen", "Priya", "Arjun", "Fatima", "Mateo", "Sofia", "Diego", "Lucia", "Hiro", "Yuki",
    "Anya", "Ivan", "Lena", "Raj", "Sara", "Daniel", "Grace", "Ravi", "Nora", "Kai",
    "Zoe", "Leo", "Ines", "Tariq", "Amara", "Julian", "Chloe", "Elijah", "Layla", "Sam",
    "Ahmed", "Noor", "Lars", "Freya", "Mohamed", "Yara", "Ethel", "Marcus", "Ingrid", "Hana",
]
LAST_NAMES = [
    "Nguyen", "Smith", "Garcia", "Kim", "Patel", "Johnson", "Brown", "Lopez", "Wilson", "Khan",
    "Silva", "Martin", "Lee", "Ito", "Rossi", "Muller", "Novak", "Hernandez", "Ahmed", "Davis",
    "Moore", "Taylor", "Anderson", "Thomas", "Jackson", "White", "Harris", "Clark", "Lewis", "Walker",
    "Hall", "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill",
    "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans", "Turner", "Torres", "Parker", "Collins",
    "Edwards", "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Morgan", "Cooper", "Sanchez", "Gomez",
]
STREETS = [
    "Maple", "Oak", "Pine", "Cedar", "Elm", "Willow", "Lake", "Hill", "River", "Sunset",
    "Park", "Main", "Broadway", "Highland", "Lincoln", "Washington", "Jefferson", "Spruce", "Chestnut", "Walnut",
    "Cherry", "Laurel", "Magnolia", "Meadow", "Forest", "Ridge", "Valley", "Harbor", "Bay", "Canyon",
]
STREET_SUFFIXES = ["Street", "Avenue", "Road", "Lane", "Drive", "Boulevard", "Court", "Place", "Way"]
# (city, state, first three digits of the zip code)
CITIES = [
    ("Austin", "TX", "787"), ("Houston", "TX", "770"), ("Dallas", "TX", "752"), ("Denver", "CO", "802"),
    ("Seattle", "WA", "981"), ("Portland", "OR", "972"), ("San Francisco", "CA", "941"), ("Los Angeles", "CA", "900"),
    ("San Diego", "CA", "921"), ("Phoenix", "AZ", "850"), ("Chicago", "IL", "606"), ("Columbus", "OH", "432"),
    ("Charlotte", "NC", "282"), ("Atlanta", "GA", "303"), ("Miami", "FL", "331"), ("Jacksonville", "FL", "322"),
    ("New York", "NY", "100"), ("Philadelphia", "PA", "191"), ("Boston", "MA", "021"), ("Washington", "DC", "200"),
    ("Minneapolis", "MN", "554"), ("Detroit", "MI", "482"), ("Nashville", "TN", "372"), ("Indianapolis", "IN", "462"),
    ("Milwaukee", "WI", "532"), ("Las Vegas", "NV", "891"), ("Salt Lake City", "UT", "841"), ("Albuquerque", "NM", "871"),
]
CARD_BRANDS = ["visa", "mastercard", "amex", "discover"]
ORDER_STATUSES = [
    # (status, weight) -- most orders are settled, a good share is still pending
    ("pending", 25), ("processed", 14), ("delivered", 42), ("cancelled", 9),
    ("return requested", 5), ("exchange requested", 5),
]
CANCEL_REASONS = ["no longer needed", "ordered by mistake"]


class Ids:
    """Unique random digit strings (product ids, item ids, order numbers...)."""

    def __init__(self, rng):
        self.rng = rng
        self.used = set()  # membership only; never iterated, so order does not matter

    def digits(self, n):
        while True:
            s = str(self.rng.randrange(10 ** (n - 1), 10 ** n))
            if s not in self.used:
                self.used.add(s)
                return s


def make_products(rng, ids):
    products = {}
    for name, (lo, hi), options in CATALOG:
        product_id = ids.digits(10)
        names = list(options)
        combos = list(itertools.product(*(options[k] for k in names)))
        rng.shuffle(combos)
        n_variants = min(len(combos), rng.randint(8, 30))
        base = rng.uniform(lo, hi)
        variants = {}
        for i, combo in enumerate(combos[:n_variants]):
            item_id = ids.digits(10)
            variants[item_id] = {
                "item_id": item_id,
                "options": dict(zip(names, combo)),
                # the first three variants are always in stock so every product
                # can take part in exchanges / item modifications
                "available": True if i < 3 else rng.random() < 0.7,
                "price": round(base * rng.uniform(0.85, 1.15), 2),
            }
        products[product_id] = {"name": name, "product_id": product_id, "variants": variants}
    return products


def make_address(rng):
    city, state, zip3 = rng.choice(CITIES)
    unit = rng.choice(["Apt {}", "Suite {}", "Unit {}", "Apt {}B", "Floor {}"]).format(rng.randint(1, 999))
    return {
        "address1": f"{rng.randint(10, 9999)} {rng.choice(STREETS)} {rng.choice(STREET_SUFFIXES)}",
        "address2": unit,
        "city": city,
        "country": "USA",
        "state": state,
        "zip": zip3 + f"{rng.randint(0, 99):02d}",
    }


def make_users(rng, ids):
    users = {}
    name_zip_seen = set()  # (first, last, zip) must identify one user for find_user_id_by_name_zip
    while len(users) < N_USERS:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        address = make_address(rng)
        if (first, last, address["zip"]) in name_zip_seen:
            continue
        name_zip_seen.add((first, last, address["zip"]))
        user_id = f"{first.lower()}_{last.lower()}_{ids.digits(4)}"
        payment_methods = {}
        kinds = rng.choice([["credit_card"], ["paypal"], ["credit_card", "gift_card"], ["paypal", "gift_card"],
                            ["credit_card", "paypal"], ["credit_card", "paypal", "gift_card"],
                            ["credit_card", "credit_card", "gift_card"], ["gift_card"]])
        for kind in kinds:
            pm_id = f"{kind}_{ids.digits(7)}"
            if kind == "credit_card":
                pm = {"source": kind, "id": pm_id, "brand": rng.choice(CARD_BRANDS), "last_four": f"{rng.randint(0, 9999):04d}"}
            elif kind == "paypal":
                pm = {"source": kind, "id": pm_id}
            else:
                pm = {"source": kind, "id": pm_id, "balance": float(rng.randint(0, 400))}
            payment_methods[pm_id] = pm
        users[user_id] = {
            "user_id": user_id,
            "name": {"first_name": first, "last_name": last},
            "email": f"{first.lower()}.{last.lower()}{rng.randint(1, 9999)}@example.com",
            "address": address,
            "payment_methods": payment_methods,
            "orders": [],
        }
    return users


def make_orders(rng, ids, users, products):
    orders = {}
    user_ids = list(users)
    # every user has at least one order, the rest are spread at random
    owners = user_ids + [rng.choice(user_ids) for _ in range(N_ORDERS - len(user_ids))]
    rng.shuffle(owners)
    product_list = list(products.values())
    statuses = [s for s, _ in ORDER_STATUSES]
    weights = [w for _, w in ORDER_STATUSES]
    for user_id in owners:
        user = users[user_id]
        order_id = "#W" + ids.digits(7)
        status = rng.choices(statuses, weights)[0]
        items = []
        for product in rng.sample(product_list, rng.choice([1, 1, 2, 2, 3, 3, 4, 5])):
            variant = product["variants"][rng.choice(list(product["variants"]))]
            items.append({
                "name": product["name"],
                "product_id": product["product_id"],
                "item_id": variant["item_id"],
                "price": variant["price"],
                "options": dict(variant["options"]),
            })
        total = round(sum(i["price"] for i in items), 2)
        pm_id = rng.choice(list(user["payment_methods"]))
        # most orders ship to the user's address; some are gifts sent elsewhere
        address = dict(user["address"]) if rng.random() < 0.85 else make_address(rng)
        month, day = rng.randint(1, 10), rng.randint(1, 28)
        order = {
            "order_id": order_id,
            "user_id": user_id,
            "created_at": f"2026-{month:02d}-{day:02d}T{rng.randint(8, 22):02d}:{rng.randint(0, 59):02d}:00",
            "address": address,
            "items": items,
            "fulfillments": [],
            "status": status,
            "payment_history": [{"transaction_type": "payment", "amount": total, "payment_method_id": pm_id}],
        }
        if status not in ("pending", "cancelled"):
            # shipped: one or two parcels, each with a tracking number
            split = rng.randint(1, len(items)) if len(items) > 1 and rng.random() < 0.3 else len(items)
            parts = [items[:split], items[split:]] if split < len(items) else [items]
            order["fulfillments"] = [{"tracking_id": [ids.digits(12)], "item_ids": [i["item_id"] for i in p]} for p in parts]
        if status == "cancelled":
            order["cancel_reason"] = rng.choice(CANCEL_REASONS)
            order["payment_history"].append({"transaction_type": "refund", "amount": total, "payment_method_id": pm_id})
        elif status == "return requested":
            chosen = rng.sample(items, rng.randint(1, len(items)))
            order["return_items"] = sorted(i["item_id"] for i in chosen)
            order["return_payment_method_id"] = pm_id
        elif status == "exchange requested":
            old = rng.choice(items)
            variants = products[old["product_id"]]["variants"]
            choices = [v for v in variants.values() if v["available"] and v["item_id"] != old["item_id"]]
            new = rng.choice(choices)
            order["exchange_items"] = [old["item_id"]]
            order["exchange_new_items"] = [new["item_id"]]
            order["exchange_payment_method_id"] = pm_id
            order["exchange_price_difference"] = round(new["price"] - old["price"], 2)
        orders[order_id] = order
        user["orders"].append(order_id)
    return orders


def write_json(path, data):
    # indented so the files diff line by line in review (the realistic, slower-to-parse form)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, ensure_ascii=False)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=20261120)
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    ids = Ids(rng)
    products = make_products(rng, ids)
    users = make_users(rng, ids)
    orders = make_orders(rng, ids, users, products)

    os.makedirs(args.out, exist_ok=True)
    for name, data in (("products", products), ("users", users), ("orders", orders)):
        path = os.path.join(args.out, name + ".json")
        write_json(path, data)
        print(f"wrote {os.path.relpath(path, ROOT)}: {len(data)} records, {os.path.getsize(path) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
