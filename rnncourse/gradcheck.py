"""Numerical gradients by central differences, and the relative error used to compare gradients."""

from __future__ import annotations

import numpy as np


def numerical_gradient(f, x, h=1e-5):
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


def _central_difference(f, x, i, h):
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


def rel_error(a, b):
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


def check_model_gradients(loss_fn, params, grads, h=1e-5, max_entries=None, seed=0):
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
