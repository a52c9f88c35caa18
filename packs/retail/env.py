"""CaT environment pack: a retail store (users, orders, products).

The pack contract (see PRODUCT.md): this file defines TOOLS, load_state() and
TOOL_SCHEMAS.  The pack root is the working directory and on sys.path while
cases run, so the tools live in the `retail_tools` subpackage and the data in
data/*.json next to this file.
"""

from retail_tools import TOOLS, TOOL_SCHEMAS
from retail_tools.store import load_state

__all__ = ["TOOLS", "TOOL_SCHEMAS", "load_state"]
