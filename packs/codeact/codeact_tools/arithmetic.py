"""Arithmetic tools. The variadic ones take their numbers as positional arguments."""

import math


def _num(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected a number, got {type(value).__name__}")
    return value


def _nums(values):
    if not values:
        raise ValueError("needs at least one number")
    return [_num(v) for v in values]


def add(state, *numbers: float):
    """The sum: add(1, 2, 3) -> 6."""
    return sum(_nums(numbers))


def subtract(state, a: float, b: float):
    return _num(a) - _num(b)


def multiply(state, *numbers: float):
    return math.prod(_nums(numbers))


def divide(state, a: float, b: float):
    if _num(b) == 0:
        raise ZeroDivisionError("division by zero")
    return _num(a) / b


def power(state, base: float, exponent: float):
    if abs(_num(exponent)) > 1000:
        raise ValueError("exponent too large")
    return _num(base) ** exponent


def modulo(state, a: float, b: float):
    if _num(b) == 0:
        raise ZeroDivisionError("modulo by zero")
    return _num(a) % b


def maximum_value(state, *numbers: float):
    """The largest: maximum_value(1, 5, 2) -> 5."""
    return max(_nums(numbers))


def minimum_value(state, *numbers: float):
    return min(_nums(numbers))


def mean(state, *numbers: float):
    values = _nums(numbers)
    return sum(values) / len(values)


def gcd(state, a: int, b: int):
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (a, b)):
        raise TypeError("gcd takes integers")
    return math.gcd(a, b)


def factorial(state, n: int):
    if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= 500:
        raise ValueError("factorial takes an integer from 0 to 500")
    return math.factorial(n)


def is_prime(state, n: int):
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError("is_prime takes an integer")
    if n < 2:
        return False
    return all(n % d for d in range(2, math.isqrt(n) + 1))
