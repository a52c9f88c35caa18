"""CaT environment pack: a small code-action tool library (strings, ciphers, arithmetic).

The kind of stateless tool set code-as-action agents are evaluated on (M3ToolEval-style): plain
functions that agents call positionally, `reverse_string("abc")`, `maximum_value(1, 5, 2)`, and
chain in one snippet. There is no environment state: load_state() returns an empty dict, and a
task's verifier checks what the agent answered with respond().

Every tool is called as fn(state, *args, **kwargs) (the pack contract); `state` is unused here.
"""

from codeact_tools import TOOLS, TOOL_SCHEMAS


def load_state():
    return {}


__all__ = ["TOOLS", "TOOL_SCHEMAS", "load_state"]
