"""Trusted judging: read what the kernel claims its functions returned, and decide.

The harness writes one ``.npz`` per exercise. :func:`read_outputs` opens it without following
symlinks, refuses anything too large (also after decompression), loads it with
``allow_pickle=False`` and checks its shape: a dict with one plain *outputs* dict per case. It
never raises; a missing or malformed file means "no outputs" and every case fails.

:func:`judge_exercise` then runs the catalogue's trusted ``judge`` on every case, which
recomputes the expected values here, with the reference, from the case the grader made, and folds
the verdicts into one result (all or nothing, as in the notebook's check). A static flag or the
harness's report of a call into the reference turns the exercise into 0 points and a flag.
"""

from __future__ import annotations

import os
import stat

from rnncourse.checks.engine import aggregate, judge_cases
from rnncourse.checks.engine.plaindata import MAX_ARRAY_ITEMS, from_untrusted_bytes
from rnncourse.checks.reference_use import flag_message

MAX_OUTPUT_BYTES = 64 * 1024 * 1024


def read_file_safely(path, limit=MAX_OUTPUT_BYTES):
    """The bytes of a regular file the kernel wrote, or None (symlink, FIFO, missing, too large)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:
                return None
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def parse_blob(blob, limit=MAX_OUTPUT_BYTES):
    """Decode an ``.npz`` blob from the kernel into plain data, or ``(None, reason)``."""
    return from_untrusted_bytes(blob, limit=limit, max_items=MAX_ARRAY_ITEMS)


NO_RESULTS = ("no results came back when your function was called: your notebook's kernel "
              "stopped or was interrupted while it was being tested, or code in your notebook "
              "interfered with the test")
"""The reason when the kernel wrote no outputs for an exercise (in the student's words)."""


def read_outputs(path, n_cases):
    """``(report dict, problem or None)`` from the harness's file for one exercise."""
    blob = read_file_safely(path)
    if blob is None:
        return None, NO_RESULTS
    report, problem = parse_blob(blob)
    if problem:
        return None, problem
    if not isinstance(report, dict) or not isinstance(report.get("outputs"), list):
        return None, "the outputs file has the wrong structure"
    outputs = report["outputs"]
    if len(outputs) != n_cases:
        return None, f"the outputs file has {len(outputs)} cases, expected {n_cases}"
    clean = []
    for item in outputs:
        if not isinstance(item, dict) or not isinstance(item.get("status"), str):
            item = {"status": "missing", "mutated": []}
        if not isinstance(item.get("mutated"), list) or not all(
                isinstance(m, dict) and isinstance(m.get("input"), str) for m in item["mutated"]):
            item["mutated"] = []
        if item["status"] == "raised" and not (isinstance(item.get("error"), dict)
                                               and isinstance(item["error"].get("type"), str)):
            item = {"status": "missing", "mutated": []}
        if item["status"] == "timeout" and not isinstance(item.get("time_limit"), (int, float)):
            item["time_limit"] = 0.0
        clean.append(item)
    report["outputs"] = clean
    return report, None


def runtime_flag(report, fn_name, forbidden_keys):
    """A reason to flag from the harness's report (it can only add flags), or None."""
    if not isinstance(report, dict):
        return None
    calls = report.get("reference_calls")
    if isinstance(calls, list) and calls:
        return f"{fn_name} called the course's reference implementation while being graded"
    identity = report.get("identity")
    if isinstance(identity, dict):
        key = [identity.get("file"), identity.get("name")]
        if key in [list(k) for k in forbidden_keys]:
            return f"{fn_name} is the course's own reference implementation"
        module = identity.get("module")
        if isinstance(module, str) and (module == "rnncourse" or module.startswith("rnncourse.")):
            return f"{fn_name} comes from the course package ({module}), not from the notebook"
    return None


def judge_result(exercise, cases, report, problem):
    """The :class:`~rnncourse.checks.engine.Result` of one exercise from the kernel's report
    (``None``: every case fails; ``problem`` replaces the message with "Could not judge: ...")."""
    if report is None:
        outputs = [{"status": "missing", "mutated": []} for _ in cases]
    else:
        outputs = report["outputs"]
    result = aggregate(exercise, judge_cases(exercise, cases, outputs), len(cases))
    if problem:
        result.message = f"Could not judge: {problem}."
    return result


def judge_exercise(exercise, cases, report, problem, flag=None):
    """Judge one exercise; returns a plain dict for the reports (see :func:`result_entry`)."""
    return result_entry(exercise, judge_result(exercise, cases, report, problem), flag, len(cases))


def result_entry(exercise, result, flag=None, n_cases=None):
    """The report's plain dict of one exercise's result.

    Keys: ``points``, ``possible``, ``passed``, ``message``, ``mistake`` (the named mistake of the
    first failing case, or None), ``section`` (where the lesson explains that mistake, or the
    exercise; None when it passed), ``flag``, ``knock_on``
    (the dependencies whose mistakes alone made it fail, or None), ``n_cases`` (the cases made,
    for partial credit) and ``cases`` (one ``{"label", "passed", "message"}`` per case that was
    judged: judging stops at the first timeout). A ``flag`` means 0 points.
    """
    knock = getattr(result, "knock_on", None)
    entry = {
        "points": result.points, "possible": exercise.points, "passed": result.passed,
        "message": result.message, "mistake": result.mistake,
        "section": None if result.passed else (exercise.section_for(result.mistake) or None),
        "flag": None,
        "knock_on": list(knock) if knock else None, "n_cases": n_cases,
        "cases": [{"label": v.label, "passed": v.passed, "message": v.message}
                  for v in result.verdicts],
    }
    if flag:
        entry.update(points=0, passed=False, flag=flag, knock_on=None,
                     message=flag_message(flag))
    return entry
