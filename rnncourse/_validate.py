"""Argument checks shared by the data generators and the explorers: each error echoes the bad
value and says the fix."""

from __future__ import annotations

import numbers


def whole_number(name, value, minimum, example):
    """``value`` as an int; ``ValueError`` unless it is a whole number >= ``minimum``.

    Parameters
    ----------
    name : str, the argument's name as the caller wrote it
    value : object, the value to check
    minimum : int, the smallest allowed value
    example : str, a valid call to suggest, e.g. ``"n=100"``
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name}={value!r} must be a whole number >= {minimum}, e.g. {example}")
    return int(value)


def seed_value(seed):
    """Return ``seed`` as an int, or raise ``ValueError`` explaining that a seed is an integer."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(
            f"seed={seed!r} must be a non-negative whole number (it seeds "
            "np.random.default_rng), e.g. seed=0"
        )
    return int(seed)
