"""Numerical gradients by central differences, the relative error used to compare gradients, and
the error bound of central differences that tells a right gradient from a wrong one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


def numerical_gradient(f: Callable[[], float], x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Gradient of the scalar function ``f()`` with respect to the array ``x``, by central differences.

    ``f`` takes no arguments: it reads ``x`` (for instance through a closure), so this function
    nudges ``x`` in place, one entry at a time, and always puts the original value back.

    Parameters
    ----------
    f : callable returning a float
    x : ndarray of floats, modified during the call and restored before returning
    h : float, the step

    Returns
    -------
    grad : ndarray shaped like ``x``, ``(f(x + h e_i) - f(x - h e_i)) / (2 h)`` for every entry i

    Example
    -------
    >>> x = np.array([1.0, 2.0])
    >>> g = numerical_gradient(lambda: float((x ** 2).sum()), x)
    >>> np.round(g, 6).tolist()
    [2.0, 4.0]
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError(
            f"numerical_gradient needs a float numpy array to nudge, got {type(x).__name__}"
            f"{'' if not isinstance(x, np.ndarray) else ' of dtype ' + str(x.dtype)}; "
            "convert it first, e.g. x = np.asarray(x, dtype=float)"
        )
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        grad[it.multi_index] = _central_difference(f, x, it.multi_index, h)
    return grad


def _central_difference(f: Callable[[], float], x: np.ndarray, i: tuple, h: float) -> float:
    """``(f(x + h e_i) - f(x - h e_i)) / (2 h)`` for one entry ``i`` of ``x``, restoring ``x[i]``."""
    old = x[i].copy()
    try:
        x[i] = old + h
        f_plus = float(f())
        x[i] = old - h
        f_minus = float(f())
    finally:
        x[i] = old
    return (f_plus - f_minus) / (2.0 * h)


def rel_error(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Largest elementwise relative error ``|a - b| / max(1e-8, |a| + |b|)``, as a Python float.

    Two identical arrays give 0.0; a correct float64 gradient checked against central differences
    usually gives below 1e-7.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"rel_error: shapes differ, {a.shape} vs {b.shape}; compare like with like")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def check_model_gradients(
    loss_fn: Callable[[], float],
    params: dict[str, np.ndarray],
    grads: dict[str, np.ndarray],
    h: float = 1e-5,
    max_entries: int | None = None,
    seed: int = 0,
) -> dict[str, float]:
    """Compare analytic gradients with numerical ones for every parameter of a model.

    Parameters
    ----------
    loss_fn : callable with no arguments returning the scalar loss; it must read ``params``
    params : dict name -> float ndarray (nudged in place and restored)
    grads : dict name -> ndarray, the analytic gradients to check, keyed like ``params``
    max_entries : int or None; check at most this many randomly chosen entries per parameter
    seed : int, chooses those entries

    Returns
    -------
    dict name -> worst relative error found for that parameter
    """
    missing = sorted(set(params) - set(grads))
    if missing:
        raise KeyError(f"no analytic gradient for parameter(s) {missing}; return one for each")
    rng = np.random.default_rng(seed)
    report = {}
    for name, p in params.items():
        g = np.asarray(grads[name])
        if g.shape != p.shape:
            raise ValueError(f"gradient of {name!r} has shape {g.shape}, parameter has {p.shape}")
        flat = np.arange(p.size)
        if max_entries is not None and p.size > max_entries:
            flat = rng.choice(p.size, size=max_entries, replace=False)
        worst = 0.0
        for k in flat:
            i = np.unravel_index(k, p.shape)
            num = _central_difference(loss_fn, p, i, h)
            worst = max(worst, rel_error(num, g[i]))
        report[name] = worst
    return report


@dataclass(frozen=True)
class GradientCheck:
    """An analytic gradient against central differences, entry by entry, with the error bound."""

    numerical: np.ndarray  # central differences with step h
    error: np.ndarray  # |analytic - numerical| per entry
    bound: np.ndarray  # the error central differences may make per entry, times the margin

    @property
    def passed(self) -> bool:
        """True when every entry's difference is within the bound."""
        return bool(np.all(self.error <= self.bound))

    @property
    def worst(self) -> float:
        """The largest ratio of difference to bound: at most 1 when the check passes."""
        if self.error.size == 0:
            return 0.0
        return float(np.max(self.error / self.bound))

    def describe(self, name: str = "the gradient") -> str:
        """One line: the worst entry, its difference and its bound."""
        if self.error.size == 0:
            return f"{name}: no entries"
        i = np.unravel_index(int(np.argmax(self.error / self.bound)), self.error.shape)
        return (f"{name}: worst entry {tuple(int(k) for k in i)} differs by {self.error[i]:.3g} "
                f"from central differences, whose error bound there is {self.bound[i]:.3g} "
                f"({self.worst:.3g} times the bound)")


def gradient_check(
    analytic: npt.ArrayLike,
    f: Callable[[], float],
    x: np.ndarray,
    *,
    f_scale: float,
    h: float = 1e-5,
    margin: float = 10.0,
) -> GradientCheck:
    """Compare an analytic gradient with central differences within their own error bound.

    Central differences ``D(h) = (f(x + h) - f(x - h)) / (2 h)`` make two errors on each entry:

    - rounding: each ``f`` is computed with a relative error of a few ``eps`` (the machine epsilon
      of ``x``'s dtype) of the size of the terms it adds up, ``f_scale``; the difference divided
      by ``2 h`` carries about ``eps * f_scale / h``;
    - truncation: ``h**2 / 6`` times the third derivative; as ``D(2 h)`` errs four times as much,
      ``|D(2 h) - D(h)| / 3`` estimates it entry by entry (Richardson), whatever the inputs' size.

    The bound is ``margin`` times their sum. A right gradient stays under it on any machine, while
    a gradient off by 1 % or missing a term exceeds it wherever the entry is not tiny.

    Parameters
    ----------
    analytic : array shaped like ``x``, the gradient to check
    f : callable with no arguments returning the scalar; it reads ``x`` (nudged in place, restored)
    x : float ndarray
    f_scale : float, the size of the terms ``f`` adds up, e.g. ``np.abs(out * G).sum()`` for
        ``f = np.sum(out * G)`` (a sum that cancels to nearly 0 still rounds like its terms)
    h : float, the step
    margin : float, how many times the estimated error a difference must exceed to count as wrong

    Returns
    -------
    GradientCheck with ``.passed``, ``.worst`` and ``.describe(name)``

    Example
    -------
    >>> x = np.array([0.5, -1.0])
    >>> f = lambda: float(np.sum(np.tanh(x)))
    >>> gradient_check(1 - np.tanh(x) ** 2, f, x, f_scale=2.0).passed
    True
    >>> gradient_check(1.01 * (1 - np.tanh(x) ** 2), f, x, f_scale=2.0).passed
    False
    """
    analytic = np.asarray(analytic, dtype=float)
    if analytic.shape != np.shape(x):
        raise ValueError(f"gradient_check: the gradient has shape {analytic.shape}, x has "
                         f"{np.shape(x)}; give one entry per entry of x")
    if not f_scale >= 0:
        raise ValueError(f"gradient_check: f_scale must be a size >= 0, got {f_scale!r}")
    seen = [0.0]

    def tracked() -> float:
        value = float(f())
        seen[0] = max(seen[0], abs(value))
        return value

    numerical = numerical_gradient(tracked, x, h)
    coarse = numerical_gradient(tracked, x, 2 * h)
    eps = float(np.finfo(x.dtype).eps)
    rounding = eps * max(f_scale, seen[0]) / h
    truncation = np.abs(coarse - numerical) / 3
    bound = margin * (rounding + truncation) + np.finfo(float).tiny
    return GradientCheck(numerical=numerical, error=np.abs(analytic - numerical), bound=bound)
