"""The ``call`` step: run a learner's function on private copies and describe what happened.

Everything here may run inside the learner's kernel, so it decides nothing: it returns an
*outputs* dict of plain data that :meth:`rnncourse.checks.engine.protocol.Exercise.judge`
reads later, possibly in another process::

    {"status": "returned", "value": <plain data>, "mutated": [...], "seconds": 0.01}
    {"status": "raised", "error": {"type", "mro", "message", "where", "cycle"?}, "mutated": [...]}
    {"status": "timeout", "time_limit": 5.0, "mutated": []}

``mutated`` lists every input the function changed in place:
``{"input": "cache[2][1]", "entries": 3, "max_change": 0.5}`` (``entries``/``max_change`` are
``None`` when a list or dict changed its length or keys).

The grader's harness runs this module's source inside the learner's kernel (after the source of
:mod:`~rnncourse.checks.engine.plaindata`, so the one course import below is already satisfied
there): keep it free of any other import from the course package.
"""

from __future__ import annotations

import copy
import os
import signal
import threading
import time
import traceback

import numpy as np

from rnncourse.checks.engine.plaindata import plain

_HERE = os.path.dirname(os.path.abspath(__file__))
_NUMPY_DIR = os.path.dirname(os.path.abspath(np.__file__))


class _TimeLimitReached(BaseException):
    """Raised by the alarm inside the learner's code; BaseException so ``except Exception`` misses it."""


# ----------------------------------------------------------------------------- mutation
def find_mutations(before, after, path):
    """Compare a pristine copy of an input with the one the learner's function received.

    Returns a list of ``{"input": path, "entries": int | None, "max_change": float | None}``.
    Callables (the function handed to ``numerical_gradient``) are skipped.
    """
    if callable(before) and not isinstance(before, np.ndarray):
        return []
    if isinstance(before, np.ndarray):
        if not isinstance(after, np.ndarray) or after.shape != before.shape:
            return [{"input": path, "entries": None, "max_change": None}]
        if before.dtype.kind in "fc":
            same = (before == after) | (np.isnan(before) & np.isnan(after))
        else:
            same = before == after
        n = int(np.size(same) - np.count_nonzero(same))
        if n == 0:
            return []
        change = None
        if before.dtype.kind in "biufc":
            with np.errstate(all="ignore"):
                diff = np.abs(np.asarray(after, dtype=float) - np.asarray(before, dtype=float))
            change = float(np.nanmax(np.where(same, 0.0, diff)))
        return [{"input": path, "entries": n, "max_change": change}]
    if isinstance(before, dict):
        if not isinstance(after, dict) or set(before) != set(after):
            return [{"input": path, "entries": None, "max_change": None}]
        found = []
        for k in before:
            found += find_mutations(before[k], after[k], f"{path}[{k!r}]")
        return found
    if isinstance(before, (list, tuple)):
        if not isinstance(after, (list, tuple)) or len(after) != len(before):
            return [{"input": path, "entries": None, "max_change": None}]
        found = []
        for i, (b, a) in enumerate(zip(before, after)):
            found += find_mutations(b, a, f"{path}[{i}]")
        return found
    try:
        same = bool(before == after)
    except Exception:
        same = False
    return [] if same else [{"input": path, "entries": None, "max_change": None}]


# ----------------------------------------------------------------------------- exceptions
def describe_exception(exc):
    """Plain description of an exception: type, its class names, text, and where it happened.

    ``where`` is the innermost line outside numpy and this package (the learner's own line, if
    the traceback reaches it), e.g. ``"line 7, in rnn_backward: dx = da @ Wx"``.
    """
    desc = {
        "type": type(exc).__name__,
        "mro": [c.__name__ for c in type(exc).__mro__],
        "message": _safe_str(exc)[:500],
        "where": None,
    }
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames
           if not os.path.abspath(f.filename).startswith((_HERE, _NUMPY_DIR))]
    frame = (own or list(frames) or [None])[-1]
    if frame is not None:
        line = (frame.line or "").strip()
        desc["where"] = f"line {frame.lineno}, in {frame.name}" + (f": {line}" if line else "")
    try:
        cycle = getattr(exc, "cycle", None)
    except Exception:
        cycle = None
    if cycle is not None:
        desc["cycle"] = plain(cycle)
    return desc


def _safe_str(exc):
    try:
        return str(exc)
    except Exception:
        return "<exception text could not be printed>"


# ----------------------------------------------------------------------------- time limit
def run_limited(thunk, time_limit=None):
    """Run ``thunk()`` with floating-point warnings silenced and an optional time limit (seconds).

    Returns ``("returned", value)``, ``("raised", exception)`` or ``("timeout", None)``. In the
    main thread of a POSIX process an alarm interrupts a runaway loop; elsewhere the call runs in
    a daemon thread that is abandoned (it keeps running in the background) when time is up.
    """
    if time_limit is None:
        return _run_plain(thunk)
    time_limit = max(float(time_limit), 1e-3)
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        return _run_with_alarm(thunk, time_limit)
    return _run_in_thread(thunk, time_limit)


def _run_plain(thunk):
    with np.errstate(all="ignore"):
        try:
            return "returned", thunk()
        except Exception as exc:
            return "raised", exc


def _on_alarm(signum, frame):
    raise _TimeLimitReached()


def _run_with_alarm(thunk, time_limit):
    old_handler = signal.signal(signal.SIGALRM, _on_alarm)
    old_delay, old_interval = signal.setitimer(signal.ITIMER_REAL, time_limit)
    start = time.perf_counter()
    try:
        try:
            return _run_plain(thunk)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _TimeLimitReached:
        return "timeout", None
    finally:
        signal.signal(signal.SIGALRM, old_handler)
        if old_delay > 0:  # give back the rest of someone else's alarm (e.g. pytest-timeout)
            left = max(old_delay - (time.perf_counter() - start), 1e-3)
            signal.setitimer(signal.ITIMER_REAL, left, old_interval)


def _run_in_thread(thunk, time_limit):
    box = {}

    def target():
        box["result"] = _run_plain(thunk)

    worker = threading.Thread(target=target, daemon=True, name="rnncourse-check")
    worker.start()
    worker.join(time_limit)
    if worker.is_alive():
        return "timeout", None
    return box["result"]


# ----------------------------------------------------------------------------- the call step
def invoke(fn, args, pristine, arg_names, time_limit=None):
    """Call ``fn(*args)`` and describe the outcome as plain data (see the module docstring).

    Parameters
    ----------
    fn : the learner's function
    args : tuple, private copies handed to ``fn``
    pristine : tuple, another private copy of the same inputs, never handed out
    arg_names : tuple of str, names used when reporting a mutated input
    time_limit : float or None, seconds
    """
    start = time.perf_counter()
    status, value = run_limited(lambda: fn(*args), time_limit)
    outputs = {"status": status, "seconds": time.perf_counter() - start, "mutated": []}
    if status == "timeout":
        outputs["time_limit"] = float(time_limit)
        return outputs  # the function was stopped midway: its inputs tell nothing
    if status == "returned":
        outputs["value"] = plain(value)
    else:
        outputs["error"] = describe_exception(value)
    for name, before, after in zip(arg_names, pristine, args):
        outputs["mutated"] += find_mutations(before, after, name)
    return outputs


def private_copy(value):
    """Deep copy of plain inputs (functions are shared, arrays and containers copied)."""
    return copy.deepcopy(value)


def deep_tuples(value, depth):
    """Turn the lists of a plain cache back into tuples, ``depth`` levels deep."""
    if depth <= 0 or not isinstance(value, list):
        return value
    return tuple(deep_tuples(v, depth - 1) for v in value)


def build_args(arg_names, tuple_depth, case, builders=None):
    """Fresh private arguments for one call, built from the plain ``case``.

    Parameters
    ----------
    arg_names : sequence of str, the parameters in order (keys of ``case["inputs"]``)
    tuple_depth : dict input name -> how many list levels become tuples (caches)
    case : dict with ``"inputs"``, plain data
    builders : dict input name -> ``(build, reads)`` or None, for inputs that are not plain
        data: the argument becomes ``build(its plain description, the private argument named
        reads)``, e.g. ``numerical_gradient``'s test function ``f`` that reads ``x``
    """
    args = {name: deep_tuples(private_copy(case["inputs"][name]), tuple_depth.get(name, 0))
            for name in arg_names}
    for name, (build, reads) in (builders or {}).items():
        args[name] = build(case["inputs"][name], args[reads])
    return tuple(args[name] for name in arg_names)


def call_cases(call_one, cases, time_limit):
    """Call ``call_one(case, seconds left)`` for every case within ``time_limit`` seconds in total.

    Returns one outputs dict per case. Once a case times out (or no time is left) every later
    case gets ``{"status": "timeout", ...}`` without being called; a timeout's ``time_limit`` is
    the whole ``time_limit``. Judging stops at the first timeout
    (:func:`rnncourse.checks.engine.runner.judge_cases`).
    """
    deadline = time.perf_counter() + float(time_limit)
    outputs, stopped = [], False
    for case in cases:
        remaining = deadline - time.perf_counter()
        if stopped or remaining <= 0:
            out = {"status": "timeout", "mutated": []}
        else:
            out = call_one(case, remaining)
        if out["status"] == "timeout":
            out["time_limit"] = float(time_limit)
            stopped = True
        outputs.append(out)
    return outputs
