"""String tools."""


def _text(name, value):
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__}")
    return value


def reverse_string(state, text: str):
    """The text backwards: reverse_string("abc") -> "cba"."""
    return _text("text", text)[::-1]


def to_uppercase(state, text: str):
    return _text("text", text).upper()


def to_lowercase(state, text: str):
    return _text("text", text).lower()


def string_length(state, text: str):
    return len(_text("text", text))


def count_vowels(state, text: str):
    """Vowels (a, e, i, o, u, either case) in the text."""
    return sum(c in "aeiouAEIOU" for c in _text("text", text))


def concat_strings(state, *parts: str, sep: str = ""):
    """The parts joined: concat_strings("ab", "cd") -> "abcd"; sep goes between them."""
    return _text("sep", sep).join(_text("each part", p) for p in parts)


def replace_substring(state, text: str, old: str, new: str):
    return _text("text", text).replace(_text("old", old), _text("new", new))


def is_palindrome(state, text: str):
    """Whether the letters and digits read the same both ways, ignoring case."""
    kept = [c.lower() for c in _text("text", text) if c.isalnum()]
    return kept == kept[::-1]
