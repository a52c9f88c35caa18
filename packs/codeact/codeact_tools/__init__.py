"""The tools, each called as fn(state, *args, **kwargs), and their schemas, made from the
signatures and docstrings so that the two cannot drift apart."""

import inspect

from . import arithmetic, ciphers, strings

TOOLS = {
    name: fn
    for module in (strings, ciphers, arithmetic)
    for name, fn in vars(module).items()
    if inspect.isfunction(fn) and not name.startswith("_") and fn.__module__ == module.__name__
}

_JSON_TYPES = {str: "string", int: "integer", float: "number"}


def _schema(name, fn):
    props, required = {}, []
    for p in list(inspect.signature(fn).parameters.values())[1:]:  # after state
        kind = _JSON_TYPES[p.annotation]
        if p.kind is p.VAR_POSITIONAL:
            # function calling has no varargs: the list stands for positional arguments
            props[p.name] = {"type": "array", "items": {"type": kind},
                             "description": "any number of them, passed as separate positional arguments"}
            required.append(p.name)
        else:
            props[p.name] = {"type": kind}
            if p.default is p.empty:
                required.append(p.name)
    doc = (inspect.getdoc(fn) or name.replace("_", " ")).split("\n")[0]
    return {"type": "function", "function": {"name": name, "description": doc,
                                             "parameters": {"type": "object", "properties": props, "required": required}}}


TOOL_SCHEMAS = [_schema(name, fn) for name, fn in TOOLS.items()]
