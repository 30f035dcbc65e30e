"""The code the grader sends into the student's kernel to call the student's functions.

After the student's cells have run, the grader writes one exercise's cases (plain data, ``.npz``)
into the private folder and sends :func:`harness_request` as one more cell. That code

1. builds a fresh namespace from *source text captured when the grader started* (the plain-data
   format, the call step of :mod:`rnncourse.checks.engine.calls`, and every trusted
   :class:`~rnncourse.checks.engine.ArgBuilder` an exercise declares through
   ``harness_functions``), so a student who patched ``rnncourse.checks`` or replaced ``check``
   in the kernel does not change how the call is made;
2. loads the cases (``allow_pickle=False``) from the path *as the kernel sees it* (the
   launcher's :meth:`~rnncourse.grading.sandbox.launchers.Launcher.kernel_path`), calls the student's
   function on private copies of each case's inputs under one time limit for all of them
   (:func:`~rnncourse.checks.engine.calls.call_cases`, the same as ``check``), and records
   what came back as plain data;
3. watches, with ``sys.setprofile``, for a call into the course's reference implementation of
   that exercise, and notes whether the student's function *is* the reference;
4. writes everything to one ``.npz`` file and prints nothing.

None of this is trusted. The kernel may have been tampered with in any way, so the outputs are
only claims: the grader parses the file defensively and judges the values itself
(:mod:`rnncourse.grading.judging.evaluate`), and the reference-call report can only *add* a flag, never
clear one.
"""

from __future__ import annotations

import inspect
import json
import re

from rnncourse.checks import EXERCISES
from rnncourse.checks.engine import calls, dependencies, plaindata

_FUTURE = "from __future__ import annotations"
_COURSE_IMPORT = re.compile(r"^from rnncourse\.[\w.]+ import [\w, ]+$", re.M)


def _module_source(module):
    """A module's source without its future import and its imports from the course package,
    which the harness namespace already satisfies (nothing is imported from the kernel's copy)."""
    return _COURSE_IMPORT.sub("", inspect.getsource(module).replace(_FUTURE, ""))


def _builder_sources():
    """The source of every trusted function an exercise asks the harness to carry, by name."""
    found = {}
    for ex in EXERCISES.values():
        for name, fn in ex.harness_functions().items():
            if found.get(name, fn) is not fn:
                raise ValueError(f"two harness functions are called {name!r} ({ex.id} declares "
                                 "another); give each ArgBuilder function its own name")
            found[name] = fn
    return "\n".join(inspect.getsource(found[name]) for name in sorted(found))


# Captured once, at import time: the grader imports this module before any student code runs.
_PLAINDATA_SOURCE = _module_source(plaindata)
_RUNNING_SOURCE = _module_source(calls)
_DEPENDENCIES_SOURCE = _module_source(dependencies)
_BUILDER_SOURCE = _builder_sources()
_RUNNING_FILE = calls.__file__

_DRIVER = r'''
import importlib as _importlib
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

    builders = {name: (globals()[build], reads) for name, (build, reads) in spec["builders"].items()}
    # knock-on re-judge: the course's reference for the dependencies, bound under the names the
    # student's function calls, in its own globals, only while it is called
    inject = {name: getattr(_importlib.import_module(module), attr)
              for name, (module, attr) in spec.get("inject", {}).items()}

    def call_one(case, left):
        previous = _sys.getprofile()
        _sys.setprofile(watch)
        try:
            args = [build_args(spec["arg_names"], spec["containers"], case, builders)
                    for _ in (0, 1)]
            with swapped_globals(fn, inject):
                return invoke(fn, args[0], args[1], tuple(spec["arg_names"]), left)
        finally:
            _sys.setprofile(previous)

    if report["found"]:
        report["outputs"] = call_cases(call_one, cases, float(spec["time_limit"]))
    else:
        report["outputs"] = [{"status": "raised", "mutated": [], "error": {
            "type": "NameError", "mro": ["NameError", "Exception"],
            "message": "name %r is not defined" % spec["fn_name"], "where": None}}
            for _ in cases]
    report["reference_calls"] = ["%s:%s" % key for key in seen]
    blob = to_bytes(report)
    with open(out_path, "wb") as fh:
        fh.write(blob)
'''


def harness_source():
    """The harness's full source text (self-contained: imports only numpy and the standard library)."""
    return "\n".join([_PLAINDATA_SOURCE, _RUNNING_SOURCE, _DEPENDENCIES_SOURCE, _BUILDER_SOURCE,
                      _DRIVER])


def forbidden_code_keys(exercise_id):
    """``[(co_filename, co_name)]`` of the reference functions that answer ``exercise_id``."""
    from rnncourse.checks.references import forbidden_functions

    keys = []
    for fn in forbidden_functions(exercise_id):
        code = getattr(fn, "__code__", None)
        if code is not None:
            keys.append([code.co_filename, code.co_name])
    return keys


def harness_request(exercise_id, fn_name, cases_path, out_path, time_limit, inject=None):
    """The cell source that calls ``fn_name`` on the cases in ``cases_path`` inside the kernel.

    ``cases_path`` and ``out_path`` are paths as the kernel sees them; the exercise must be one
    the kernel calls (its ``harness_spec()`` is not None). ``inject`` (``{name in the student's
    globals: dependency exercise id}``) binds the course's reference of those exercises under
    those names while the function is called (a knock-on re-judge); the profiling hook still
    watches for a call into ``exercise_id``'s own reference.
    """
    spec = {
        **EXERCISES[exercise_id].harness_spec(),
        "exercise": exercise_id,
        "fn_name": fn_name,
        "time_limit": float(time_limit),
        "forbidden": forbidden_code_keys(exercise_id),
        "inject": {name: EXERCISES[dep_id].reference.split(":", 1)
                   for name, dep_id in sorted((inject or {}).items())},
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
