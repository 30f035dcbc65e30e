"""The code the grader sends into the student's kernel to call the student's functions.

After the student's cells have run, the grader writes one exercise's cases (plain data, ``.npz``)
into the private folder and sends :func:`harness_request` as one more cell. That code

1. builds a fresh namespace from *source text captured when the grader started* (the call step
   of :mod:`rnncourse.checks.running`, :mod:`rnncourse.checks.serial` and the test functions of
   ``numerical_gradient``), so a student who patched ``rnncourse.checks`` or replaced ``check``
   in the kernel does not change how the call is made;
2. loads the cases (``allow_pickle=False``), calls the student's function on private copies of
   each case's inputs under a time limit, and records what came back as plain data;
3. watches, with ``sys.setprofile``, for a call into the course's reference implementation of
   that exercise, and notes whether the student's function *is* the reference;
4. writes everything to one ``.npz`` file and prints nothing.

None of this is trusted. The kernel may have been tampered with in any way, so the outputs are
only claims: the grader parses the file defensively and judges the values itself
(:mod:`rnncourse.grading.evaluate`), and the reference-call report can only *add* a flag, never
clear one.
"""

from __future__ import annotations

import inspect
import json

from rnncourse.checks import EXERCISES, exercises_gradcheck, running, serial

_FUTURE = "from __future__ import annotations"


def _module_source(module):
    return inspect.getsource(module).replace(_FUTURE, "")


# Captured once, at import time: the grader imports this module before any student code runs.
_RUNNING_SOURCE = _module_source(running)
_SERIAL_SOURCE = _module_source(serial)
_TEST_FUNCTION_SOURCE = inspect.getsource(exercises_gradcheck.make_test_function)
_RUNNING_FILE = running.__file__

_DRIVER = r'''
import sys as _sys


def _identity(fn):
    code = getattr(fn, "__code__", None)
    return {"module": str(getattr(fn, "__module__", ""))[:200],
            "qualname": str(getattr(fn, "__qualname__", ""))[:200],
            "file": str(getattr(code, "co_filename", ""))[:500],
            "name": str(getattr(code, "co_name", ""))[:200]}


def run(user_ns, spec_json, cases_path, out_path):
    spec = json.loads(spec_json)
    with open(cases_path, "rb") as fh:
        cases = from_bytes(fh.read())
    forbidden = {(f, n) for f, n in spec["forbidden"]}
    report = {"found": spec["fn_name"] in user_ns, "identity": None, "reference_calls": [],
              "outputs": []}
    fn = user_ns.get(spec["fn_name"])
    if report["found"]:
        report["identity"] = _identity(fn)
    seen = []

    def watch(frame, event, arg):
        if event == "call":
            key = (frame.f_code.co_filename, frame.f_code.co_name)
            if key in forbidden and key not in seen:
                seen.append(key)

    limit = float(spec["time_limit"])
    for case in cases:
        if not report["found"]:
            report["outputs"].append({"status": "raised", "mutated": [], "error": {
                "type": "NameError", "mro": ["NameError", "Exception"],
                "message": "name %r is not defined" % spec["fn_name"], "where": None}})
            continue
        if limit <= 0:
            report["outputs"].append({"status": "timeout", "mutated": [],
                                      "time_limit": float(spec["time_limit"])})
            continue
        previous = _sys.getprofile()
        _sys.setprofile(watch)
        try:
            make = make_test_function if spec["test_function"] else None
            args = [build_args(spec["arg_names"], spec["tuple_depth"], case, make) for _ in (0, 1)]
            outputs = invoke(fn, args[0], args[1], tuple(spec["arg_names"]), limit)
        finally:
            _sys.setprofile(previous)
        limit -= outputs.get("seconds", 0.0) if outputs["status"] != "timeout" else limit
        report["outputs"].append(outputs)
    report["reference_calls"] = ["%s:%s" % key for key in seen]
    blob = to_bytes(report)
    with open(out_path, "wb") as fh:
        fh.write(blob)
'''


def harness_source():
    """The harness's full source text (self-contained: imports only numpy and the standard library)."""
    return "\n".join([_RUNNING_SOURCE, _SERIAL_SOURCE, _TEST_FUNCTION_SOURCE, _DRIVER])


def forbidden_code_keys(exercise_id):
    """``[(co_filename, co_name)]`` of the reference functions that answer ``exercise_id``."""
    from rnncourse.grading.references import forbidden_functions

    keys = []
    for fn in forbidden_functions(exercise_id):
        code = getattr(fn, "__code__", None)
        if code is not None:
            keys.append([code.co_filename, code.co_name])
    return keys


def harness_request(exercise_id, fn_name, cases_path, out_path, time_limit):
    """The cell source that calls ``fn_name`` on the cases in ``cases_path`` inside the kernel."""
    exercise = EXERCISES[exercise_id]
    spec = {
        "exercise": exercise_id,
        "fn_name": fn_name,
        "arg_names": list(exercise.arg_names),
        "tuple_depth": dict(exercise.tuple_depth),
        "test_function": exercise.make_callable is not None,
        "time_limit": float(time_limit),
        "forbidden": forbidden_code_keys(exercise_id),
    }
    namespace = {"__name__": "rnncourse_grading_harness", "__file__": _RUNNING_FILE}
    return "\n".join([
        f"_rnncourse_harness_ns = {namespace!r}",
        f"__import__('builtins').exec(compile({harness_source()!r}, '<rnncourse-harness>', "
        "'exec'), _rnncourse_harness_ns)",
        "try:",
        f"    _rnncourse_harness_ns['run'](__import__('sys')._getframe(0).f_globals, "
        f"{json.dumps(spec)!r}, {cases_path!r}, {out_path!r})",
        "finally:",
        "    del _rnncourse_harness_ns",
    ])
