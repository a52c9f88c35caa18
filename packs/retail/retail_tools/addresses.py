"""Address checks shared by the user and order tools."""

FIELDS = ("address1", "address2", "city", "state", "country", "zip")


def make_address(address1, address2, city, state, country, zip):
    values = {"address1": address1, "address2": address2, "city": city,
              "state": state, "country": country, "zip": zip}
    for key, value in values.items():
        if not isinstance(value, str):
            raise ValueError(f"address field '{key}' must be a string")
        if key != "address2" and not value.strip():
            raise ValueError(f"address field '{key}' must not be empty")
    if not (len(zip) == 5 and zip.isdigit()):
        raise ValueError(f"invalid zip code: {zip!r} (expected 5 digits)")
    return {k: values[k].strip() for k in FIELDS}
