"""Finding customers and changing their profile.

Every tool takes the environment state as its first positional parameter.  It
is called `db` here (not `state`) because postal addresses have a `state`
field, passed as a keyword argument: `modify_user_address(..., state="TX")`.
"""

from .addresses import make_address
from .store import get_user, public


def find_user_id_by_email(db, email):
    """Return the user id whose email is `email` (case-insensitive)."""
    if not isinstance(email, str) or "@" not in email:
        raise ValueError(f"invalid email: {email!r}")
    wanted = email.strip().lower()
    for user_id, user in db["users"].items():
        if user["email"].lower() == wanted:
            return user_id
    raise KeyError(f"no user with email {email}")


def find_user_id_by_name_zip(db, first_name, last_name, zip):
    """Return the user id of the customer with this name and default-address zip."""
    for user_id, user in db["users"].items():
        name = user["name"]
        if (name["first_name"].lower() == str(first_name).strip().lower()
                and name["last_name"].lower() == str(last_name).strip().lower()
                and user["address"]["zip"] == str(zip).strip()):
            return user_id
    raise KeyError(f"no user named {first_name} {last_name} with zip {zip}")


def get_user_details(db, user_id):
    return public(get_user(db, user_id))


def modify_user_address(db, user_id, address1, address2, city, state, country, zip):
    """Change the user's default address (not the address of existing orders)."""
    user = get_user(db, user_id)
    user["address"] = make_address(address1, address2, city, state, country, zip)
    return public(user)
