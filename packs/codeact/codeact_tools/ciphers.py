"""Classical ciphers on letters; anything else passes through unchanged."""

import base64


def _shift(text, shift):
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    if not isinstance(shift, int) or isinstance(shift, bool):
        raise TypeError(f"shift must be an integer, got {type(shift).__name__}")
    out = []
    for c in text:
        if "a" <= c <= "z":
            out.append(chr((ord(c) - 97 + shift) % 26 + 97))
        elif "A" <= c <= "Z":
            out.append(chr((ord(c) - 65 + shift) % 26 + 65))
        else:
            out.append(c)
    return "".join(out)


def caesar_encode(state, text: str, shift: int):
    """Each letter moved `shift` places forward: caesar_encode("abc", 1) -> "bcd"."""
    return _shift(text, shift)


def caesar_decode(state, text: str, shift: int):
    return _shift(text, -shift)


def rot13(state, text: str):
    return _shift(text, 13)


def atbash(state, text: str):
    """a<->z, b<->y, …"""
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    return "".join(chr(219 - ord(c)) if "a" <= c <= "z" else chr(155 - ord(c)) if "A" <= c <= "Z" else c for c in text)


def _vigenere(text, key, sign):
    if not isinstance(key, str) or not key.isalpha():
        raise ValueError("key must be a non-empty string of letters")
    shifts = [ord(k.lower()) - 97 for k in key]
    out, i = [], 0
    for c in text:
        if c.isascii() and c.isalpha():
            out.append(_shift(c, sign * shifts[i % len(shifts)]))
            i += 1
        else:
            out.append(c)
    return "".join(out)


def vigenere_encode(state, text: str, key: str):
    """Letters shifted by the key's letters in turn (non-letters do not use up the key)."""
    return _vigenere(text, key, 1)


def vigenere_decode(state, text: str, key: str):
    return _vigenere(text, key, -1)


def base64_encode(state, text: str):
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def base64_decode(state, data: str):
    return base64.b64decode(data.encode("ascii"), validate=True).decode("utf-8")
