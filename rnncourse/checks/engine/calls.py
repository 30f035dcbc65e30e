"""The ``call`` step: run a learner's function on private copies and describe what happened.

Everything here may run inside the learner's kernel, so it decides nothing: it returns an
*outputs* dict of plain data that :meth:`rnncourse.checks.engine.protocol.Exercise.judge`
reads later, possibly in another process::

    {"status": "returned", "value": <plain data>, "mutated": [...], "shared": [...],
     "fp_errors": [...], "seconds": 0.01}
    {"status": "raised", "error": {"type", "mro", "module", "qualname", "message", "where",
                                   "function", "depth", "cycle"?}, "mutated": [...], ...}
    {"status": "timeout", "time_limit": 5.0, "mutated": [], "cases_before": 3,
     "seconds_before": 4.5}

``mutated`` lists every input the function changed in place:
``{"input": "cache[2][1]", "entries": 3, "max_change": 0.5}`` (``entries``/``max_change`` are
``None`` when a list or dict changed its length or keys). ``shared`` lists every returned array
that shares memory with an input array, ``{"output": "[0]['W']", "input": "grads['W']"}`` (the
output path indexes the returned value; an exercise that asks for new arrays reads it).
``fp_errors`` names the floating-point errors numpy met during the call (``"divide by zero"``,
``"invalid value"``, ``"overflow"``), which the call itself does not show. ``cases_before`` and
``seconds_before`` (set by :func:`call_cases` on the case that timed out) say how many cases
returned before it and how long they took, so a slow function is told apart from an endless one.

The grader's harness runs this module's source inside the learner's kernel (after the source of
:mod:`~rnncourse.checks.engine.plaindata`, so the one course import below is already satisfied
there): keep it free of any other import from the course package.
"""

from __future__ import annotations

import copy
import linecache
import os
import re
import signal
import threading
import time

import numpy as np

from rnncourse.checks.engine.plaindata import plain

_HERE = os.path.dirname(os.path.abspath(__file__))
_COURSE_DIR = os.path.dirname(os.path.dirname(_HERE))  # the rnncourse package
_NUMPY_DIR = os.path.dirname(os.path.abspath(np.__file__))
_LOCALS = re.compile(r"(?:[A-Za-z_][\w]*\.)*<locals>\.")
_LAMBDA = re.compile(r"<lambda>")


def _own_words(text):
    """``outer.<locals>.f`` -> ``f`` and ``<lambda>`` -> ``lambda``: names the learner wrote."""
    return _LAMBDA.sub("lambda", _LOCALS.sub("", text))


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
    """Plain description of an exception: its class, text, and where in the learner's code it happened.

    ``where`` is the innermost line outside numpy and the course package (the learner's own
    line), e.g. ``"line 7, in rnn_backward: dx = da @ Wx"``, or None when the traceback never
    reaches the learner's code (e.g. the function was called with the wrong number of
    arguments); ``function`` is that frame's function (``"CycleError.__init__"``) and ``depth``
    the number of the learner's frames on the way (1: the function that was called). ``module``
    and ``qualname`` name the exception's class, so a judge can tell the learner's own class from
    the library's. Qualified names of nested functions (``outer.<locals>.f``) are shortened to
    the function's own name in the text, and ``<lambda>`` is written ``lambda``.
    """
    cls = type(exc)
    desc = {
        "type": cls.__name__,
        "mro": [c.__name__ for c in cls.__mro__],
        "module": str(getattr(cls, "__module__", "")),
        "qualname": str(getattr(cls, "__qualname__", cls.__name__)),
        "message": _own_words(_safe_str(exc))[:500],
        "where": None,
        "function": None,
    }
    frame, depth = _learners_frame(exc.__traceback__)
    desc["depth"] = depth
    if frame is not None:
        code = frame.tb_frame.f_code
        name = _own_words(_qualified_name(frame.tb_frame))
        line = (linecache.getline(code.co_filename, frame.tb_lineno) or "").strip()
        desc["where"] = f"line {frame.tb_lineno}, in {name}" + (f": {line}" if line else "")
        desc["function"] = name
    try:
        cycle = getattr(exc, "cycle", None)
    except Exception:
        cycle = None
    if cycle is not None:
        desc["cycle"] = plain(cycle)
    return desc


def _qualified_name(frame):
    """The qualified name of the function a frame runs (``CycleError.__init__``).

    Python 3.11+ keeps it on the code object (``co_qualname``); on 3.10 a method's class is
    found from its first argument (``self`` or ``cls``): the class in its MRO whose attribute of
    that name runs this very code.
    """
    code = frame.f_code
    qualname = getattr(code, "co_qualname", None)
    if isinstance(qualname, str):
        return qualname
    try:
        if code.co_argcount:
            first = frame.f_locals.get(code.co_varnames[0])
            owner = first if isinstance(first, type) else type(first)
            for klass in owner.__mro__:
                attr = klass.__dict__.get(code.co_name)
                func = getattr(attr, "__func__", attr)
                if getattr(func, "__code__", None) is code:
                    return f"{klass.__qualname__}.{code.co_name}"
    except Exception:  # a learner's object may refuse any of this
        pass
    return code.co_name


def _learners_frame(tb):
    """The innermost traceback entry in the learner's code (not numpy, not the course package,
    not this module, whose source also runs under another file name in the grader's harness),
    and how many of the learner's frames the traceback passes through."""
    own_file = describe_exception.__code__.co_filename
    found, depth = None, 0
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        path = os.path.abspath(filename)
        if filename != own_file and not path.startswith((_COURSE_DIR + os.sep, _NUMPY_DIR)):
            found, depth = tb, depth + 1
        tb = tb.tb_next
    return found, depth


def _safe_str(exc):
    try:
        return str(exc)
    except Exception:
        return "<exception text could not be printed>"


# ----------------------------------------------------------------------------- time limit
def run_limited(thunk, time_limit=None, fp_errors=None):
    """Run ``thunk()`` with floating-point warnings silenced and an optional time limit (seconds).

    The kinds of floating-point error numpy met (``"divide by zero"``, ``"invalid value"``,
    ``"overflow"``) are appended to the list ``fp_errors`` when one is given. Returns
    ``("returned", value)``, ``("raised", exception)`` or ``("timeout", None)``. In the
    main thread of a POSIX process an alarm interrupts a runaway loop; elsewhere the call runs in
    a daemon thread that is abandoned (it keeps running in the background) when time is up.
    """
    if time_limit is None:
        return _run_plain(thunk, fp_errors)
    time_limit = max(float(time_limit), 1e-3)
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        return _run_with_alarm(thunk, time_limit, fp_errors)
    return _run_in_thread(thunk, time_limit, fp_errors)


def _run_plain(thunk, fp_errors=None):
    """Call ``thunk`` with numpy's floating-point warnings silenced (noted in ``fp_errors``)."""
    def note(kind, flag):
        if fp_errors is not None and kind not in fp_errors:
            fp_errors.append(kind)

    with np.errstate(divide="call", invalid="call", over="call", under="ignore", call=note):
        try:
            return "returned", thunk()
        except Exception as exc:
            return "raised", exc


def _on_alarm(signum, frame):
    raise _TimeLimitReached()


def _run_with_alarm(thunk, time_limit, fp_errors=None):
    old_handler = signal.signal(signal.SIGALRM, _on_alarm)
    old_delay, old_interval = signal.setitimer(signal.ITIMER_REAL, time_limit)
    start = time.perf_counter()
    try:
        try:
            return _run_plain(thunk, fp_errors)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _TimeLimitReached:
        return "timeout", None
    finally:
        signal.signal(signal.SIGALRM, old_handler)
        if old_delay > 0:  # give back the rest of someone else's alarm (e.g. pytest-timeout)
            left = max(old_delay - (time.perf_counter() - start), 1e-3)
            signal.setitimer(signal.ITIMER_REAL, left, old_interval)


def _run_in_thread(thunk, time_limit, fp_errors=None):
    box = {}

    def target():
        box["result"] = _run_plain(thunk, fp_errors)

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
    fp_errors = []
    start = time.perf_counter()
    status, value = run_limited(lambda: fn(*args), time_limit, fp_errors)
    outputs = {"status": status, "seconds": time.perf_counter() - start, "mutated": []}
    if status == "timeout":
        outputs["time_limit"] = float(time_limit)
        return outputs  # the function was stopped midway: its inputs tell nothing
    if status == "returned":
        outputs["value"] = plain(value)
        outputs["shared"] = find_shared(value, args, arg_names)
    else:
        outputs["error"] = describe_exception(value)
    outputs["fp_errors"] = list(fp_errors)
    for name, before, after in zip(arg_names, pristine, args):
        outputs["mutated"] += find_mutations(before, after, name)
    return outputs


def _arrays(value, path, depth=0):
    """``(path, array)`` for every numpy array inside lists, tuples and dicts (a few levels)."""
    if isinstance(value, np.ndarray):
        return [(path, value)]
    if depth > 3:
        return []
    if isinstance(value, (list, tuple)):
        return [a for i, v in enumerate(value) for a in _arrays(v, f"{path}[{i}]", depth + 1)]
    if isinstance(value, dict):
        return [a for k, v in value.items() for a in _arrays(v, f"{path}[{k!r}]", depth + 1)]
    return []


def find_shared(value, args, arg_names):
    """Returned arrays that share memory with an input array: ``[{"output", "input"}]``.

    The output path indexes the returned value (``"[0]['W']"``: item 0 of the returned tuple,
    key ``'W'``); ``""`` is the returned value itself.
    """
    inputs = [a for name, arg in zip(arg_names, args) for a in _arrays(arg, name)]
    found = []
    for out_path, out in _arrays(value, "")[:200]:
        for in_path, arr in inputs:
            if np.may_share_memory(out, arr):
                found.append({"output": out_path, "input": in_path})
                break
    return found


def private_copy(value):
    """Deep copy of plain inputs (functions are shared, arrays and containers copied)."""
    return copy.deepcopy(value)


def as_containers(value, kinds):
    """Give a plain nested list the containers the exercise promises, level by level.

    ``kinds`` names the container of each level, outermost first: ``("list", "tuple")`` makes
    a list of tuples (a sequence cache: the T step caches), ``("tuple",)`` a tuple (one step's
    cache). Levels beyond ``kinds``, and values that are not lists, are left as they are.
    """
    if not kinds or not isinstance(value, list):
        return value
    items = [as_containers(v, kinds[1:]) for v in value]
    return tuple(items) if kinds[0] == "tuple" else items


def build_args(arg_names, containers, case, builders=None):
    """Fresh private arguments for one call, built from the plain ``case``.

    Parameters
    ----------
    arg_names : sequence of str, the parameters in order (keys of ``case["inputs"]``)
    containers : dict input name -> the container of each list level, e.g. ``("list",
        "tuple")`` for a list of step caches (see :func:`as_containers`)
    case : dict with ``"inputs"``, plain data
    builders : dict input name -> ``(build, reads)`` or None, for inputs that are not plain
        data: the argument becomes ``build(its plain description, the private argument named
        reads)``, e.g. ``numerical_gradient``'s test function ``f`` that reads ``x``
    """
    args = {name: as_containers(private_copy(case["inputs"][name]), containers.get(name, ()))
            for name in arg_names}
    for name, (build, reads) in (builders or {}).items():
        args[name] = build(case["inputs"][name], args[reads])
    return tuple(args[name] for name in arg_names)


def call_cases(call_one, cases, time_limit):
    """Call ``call_one(case, seconds left)`` for every case within ``time_limit`` seconds in total.

    Returns one outputs dict per case. Once a case times out (or no time is left) every later
    case gets ``{"status": "timeout", ...}`` without being called; a timeout's ``time_limit`` is
    the whole ``time_limit``, and the first one also says how many cases returned before it
    (``cases_before``) and in how many seconds (``seconds_before``). Judging stops at the first
    timeout (:func:`rnncourse.checks.engine.runner.judge_cases`).
    """
    start = time.perf_counter()
    deadline = start + float(time_limit)
    outputs, stopped = [], False
    for case in cases:
        remaining = deadline - time.perf_counter()
        if stopped or remaining <= 0:
            out = {"status": "timeout", "mutated": []}
        else:
            out = call_one(case, remaining)
        if out["status"] == "timeout":
            if not stopped:
                out["cases_before"] = len(outputs)
                out["seconds_before"] = float(sum(o.get("seconds", 0.0) for o in outputs))
            out["time_limit"] = float(time_limit)
            stopped = True
        outputs.append(out)
    return outputs
