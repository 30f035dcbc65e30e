"""Compare a learner's plain outputs with expected ones and say, in words, what differs.

:func:`compare` walks an expected value (array, number, list, dict) next to the learner's and
returns a list of :class:`Problem`; *structural* problems (wrong type, count, keys, shape, dtype)
come with a finished sentence, value problems carry the numbers a message needs (largest error,
relative error, and for arrays with a time axis the time steps that are off).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from rnncourse.checks.engine.plaindata import is_opaque

STRUCTURAL = ("type", "count", "keys", "shape", "dtype")
SMALL_FLOAT = ": keep full precision (don't cast to a smaller float)"


@dataclass
class Problem:
    """One thing wrong with one returned value.

    Attributes
    ----------
    path : str, the value's name, e.g. ``"dWh"``, ``"cache[2][4] (h_next)"``, ``"clipped['W']"``
    kind : ``"type" | "count" | "keys" | "shape" | "dtype" | "nonfinite" | "values"``
    text : str, a finished sentence (for structural kinds) or a short description
    max_abs : float, largest absolute error (values)
    rel : float, ``max_abs`` relative to the largest expected magnitude (values)
    steps : list of int, time steps that are off (values, when the path has a time axis)
    T : int, number of time steps (when ``steps`` is set)
    """

    path: str
    kind: str
    text: str
    max_abs: float = 0.0
    rel: float = 0.0
    steps: list = field(default_factory=list)
    T: int = 0


def describe(value):
    """A few words naming what a returned value is, e.g. ``"a list of 3 items"``."""
    if value is None:
        return "None"
    if is_opaque(value):
        return f"a {value['__opaque__']} ({value['repr'][:60]})"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, list):
        return f"{len(value)} values" if value else "an empty list"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(map(str, value))}"
    return f"a {type(value).__name__} ({value!r:.40})"


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def compare(got, exp, path, *, rtol, atol, shapes=None, time_axes=None, equal_nan=False,
            labels=None):
    """Compare ``got`` with ``exp``; return a list of :class:`Problem` (empty when they agree).

    Parameters
    ----------
    shapes : dict path -> symbolic shape such as ``"(N, T, H)"``, quoted in shape messages
    time_axes : dict path -> axis of time steps, for reporting which steps are off
    equal_nan : bool, count NaN == NaN as equal (used when matching known-mistake variants)
    labels : dict path -> tuple of names for the items of a list (``cache`` items)
    """
    shapes, time_axes, labels = shapes or {}, time_axes or {}, labels or {}
    kw = dict(rtol=rtol, atol=atol, shapes=shapes, time_axes=time_axes, equal_nan=equal_nan,
              labels=labels)
    if isinstance(exp, np.ndarray):
        return _compare_array(got, exp, path, rtol, atol, shapes.get(path), time_axes.get(path),
                              equal_nan)
    if _is_number(exp):
        return _compare_number(got, exp, path, rtol, atol, equal_nan)
    if isinstance(exp, list):
        if not isinstance(got, list):
            return [Problem(path, "type", f"{path} is {describe(got)}; expected a tuple of "
                                          f"{len(exp)} items")]
        if len(got) != len(exp):
            names = labels.get(path) or labels.get(re.sub(r"\[\d+\]", "[t]", path))
            return [Problem(path, "count", f"{path} has {len(got)} items, expected {len(exp)}"
                            + (f": ({', '.join(names)})" if names else ""))]
        names = labels.get(path) or labels.get(re.sub(r"\[\d+\]", "[t]", path))
        found = []
        for i, (g, e) in enumerate(zip(got, exp)):
            sub = f"{path}[{i}]" + (f" ({names[i]})" if names and i < len(names) else "")
            found += compare(g, e, sub, **kw)
        return found
    if isinstance(exp, dict):
        if not isinstance(got, dict) or is_opaque(got):
            return [Problem(path, "type", f"{path} is {describe(got)}; expected a dict with keys "
                                          f"{sorted(map(str, exp))}")]
        missing = [k for k in exp if k not in got]
        extra = [k for k in got if k not in exp]
        if missing or extra:
            bits = ([f"missing key(s) {missing}"] if missing else []) + (
                [f"unexpected key(s) {extra}"] if extra else [])
            return [Problem(path, "keys", f"{path} has {' and '.join(bits)}; "
                                          f"return one entry per key of the input")]
        found = []
        for k in exp:
            found += compare(got[k], exp[k], f"{path}[{k!r}]", **kw)
        return found
    if got != exp:
        return [Problem(path, "values", f"{path} is {got!r:.60}, expected {exp!r:.60}")]
    return []


def _compare_number(got, exp, path, rtol, atol, equal_nan):
    if isinstance(got, np.ndarray) and got.ndim == 0 and got.dtype.kind in "iuf":
        got = float(got)
    if not _is_number(got):
        return [Problem(path, "type", f"{path} is {describe(got)}; expected a single number "
                                      "(a float)")]
    g, e = float(got), float(exp)
    if np.isnan(g) and np.isnan(e) and equal_nan:
        return []
    if not np.isfinite(g) and np.isfinite(e):
        return [Problem(path, "nonfinite", f"{path} is {g}", max_abs=np.inf, rel=np.inf)]
    if g == e or abs(g - e) <= atol + rtol * abs(e):
        return []
    err = abs(g - e)
    return [Problem(path, "values", f"{path} is {g:.6g}, expected {e:.6g}", max_abs=err,
                    rel=err / max(abs(e), 1e-300))]


def _compare_array(got, exp, path, rtol, atol, symbolic, time_axis, equal_nan):
    if not isinstance(got, np.ndarray):
        hint = " (convert with np.asarray)" if isinstance(got, list) else ""
        return [Problem(path, "type", f"{path} is {describe(got)}; expected a numpy array of "
                                      f"shape {exp.shape}{hint}")]
    if got.shape != exp.shape:
        sym = f" = {symbolic}" if symbolic else ""
        return [Problem(path, "shape", f"{path} has shape {got.shape}, expected {exp.shape}{sym}")]
    if exp.dtype.kind == "f":
        if got.dtype.kind not in "f":
            return [Problem(path, "dtype", f"{path} has dtype {got.dtype}, expected floating point "
                                           f"numbers ({exp.dtype})")]
        if got.dtype.itemsize < exp.dtype.itemsize:
            return [Problem(path, "dtype", f"{path} has dtype {got.dtype}, expected {exp.dtype}"
                                           + SMALL_FLOAT)]
    elif got.dtype.kind != exp.dtype.kind:
        return [Problem(path, "dtype", f"{path} has dtype {got.dtype}, expected {exp.dtype}")]
    if exp.dtype.kind not in "fc":
        if np.array_equal(got, exp):
            return []
        bad = got != exp
        return [Problem(path, "values", f"{path} differs at {int(bad.sum())} of {bad.size} entries")]
    g = got.astype(float)
    e = exp.astype(float)
    with np.errstate(all="ignore"):
        diff = np.abs(g - e)
        ok = diff <= atol + rtol * np.abs(e)
    ok |= g == e  # equal infinities
    if equal_nan:
        ok |= np.isnan(g) & np.isnan(e)
    if ok.all():
        return []
    bad = ~ok
    steps, T = [], 0
    if time_axis is not None and g.ndim > time_axis:
        T = g.shape[time_axis]
        other = tuple(a for a in range(g.ndim) if a != time_axis)
        steps = [int(t) for t in np.flatnonzero(bad.any(axis=other))]
    nonfinite = bad & ~np.isfinite(g)
    if nonfinite.any():
        n_nan = int(np.isnan(g[bad]).sum())
        n_inf = int(nonfinite.sum()) - n_nan
        kinds = " and ".join(x for x in (f"{n_nan} NaN" if n_nan else "",
                                         f"{n_inf} inf" if n_inf else "") if x)
        return [Problem(path, "nonfinite", f"{path} contains {kinds} of {g.size} entries",
                        max_abs=np.inf, rel=np.inf, steps=steps, T=T)]
    max_abs = float(diff[bad].max())
    scale = float(np.abs(e).max()) if e.size else 0.0
    return [Problem(path, "values", f"{path} is off at {int(bad.sum())} of {g.size} entries",
                    max_abs=max_abs, rel=max_abs / max(scale, 1e-300), steps=steps, T=T)]


def _steps_text(steps, T):
    """The time steps that are off, in the lessons' convention: maths steps t = 1, ..., T, which
    code stores at index t-1 (``steps`` holds the code indices)."""
    if len(steps) == T:
        return f"at every time step (T = {T})"
    more = ", ..." if len(steps) > 8 else ""
    maths = ", ".join(str(t + 1) for t in steps[:8]) + more
    code = ", ".join(map(str, steps[:8])) + more
    return (f"at time step{'s' if len(steps) > 1 else ''} t = {maths} of T = {T} "
            f"(index t-1 in code: {code})")


def merge_dtypes(problems):
    """``problems`` with every output of the same too-small float dtype said in one sentence
    that lists them all ("dx, dW and db have dtype float32, expected float64: ...")."""
    small = [p for p in problems if p.kind == "dtype" and p.text.endswith(SMALL_FLOAT)]
    if len(small) < 2:
        return problems
    names = [p.path for p in small]
    listed = ", ".join(names[:-1]) + " and " + names[-1]
    dtype = small[0].text.split(" has dtype ", 1)[1]
    merged = Problem(small[0].path, "dtype", f"{listed} have dtype {dtype}")
    first = problems.index(small[0])
    rest = [p for p in problems if p not in small]
    return rest[:first] + [merged] + rest[first:]


def summarize(problems, all_names=()):
    """One or two sentences saying which outputs are off, where in time, and by how much."""
    parts, shown, hidden = [], {}, {}
    for p in problems:  # at most two problems per output (a cache can have dozens)
        top = p.path.split("[")[0]
        shown[top] = shown.get(top, 0) + 1
        if shown[top] > 2:
            hidden[top] = hidden.get(top, 0) + 1
            continue
        if p.kind == "nonfinite":
            where = f" {_steps_text(p.steps, p.T)}" if p.steps else ""
            parts.append(f"{p.text}{where}")
        elif p.kind == "values":
            where = f" {_steps_text(p.steps, p.T)}" if p.steps else ""
            parts.append(f"{p.path} is off{where} by up to {p.max_abs:.3g} "
                         f"(relative error {p.rel:.2g})")
        else:
            parts.append(p.text)
    parts += [f"{n} more item{'s' if n > 1 else ''} of {top} differ" for top, n in hidden.items()]
    text = "; ".join(parts)
    off = {p.path.split("[")[0] for p in problems}
    right = [n for n in all_names if n not in off]
    if right and problems:
        text += f". {', '.join(right)} {'is' if len(right) == 1 else 'are'} right"
    return text
