"""Gradescope's side of an exported autograder: grade the one submission, write ``results.json``.

Gradescope runs ``run_autograder`` (written by :mod:`rnncourse.grading.platforms.gradescope_export`) once
per submission, in a fresh container, as root, with the working folder ``/autograder``::

    /autograder/source/      the extracted autograder zip (setup.sh, run_autograder, the wheel,
                             and grading.toml when the export was given a course file)
    /autograder/submission/  what the student uploaded
    /autograder/results/     where results.json must be written

That script calls this module
(``python3 -m rnncourse.grading.platforms.gradescope_autograder --lesson 04_bptt``), which

1. closes ``source/``, ``submission/`` and ``results/`` to every user but root (when run as
   root), so a kernel that runs as another user can neither read them nor write a result;
2. finds the notebook in ``submission/`` (:func:`find_notebook`);
3. grades it with :func:`rnncourse.grading.grade_one`, forced to the exported lesson and with
   the exported course file's points and partial credit (``--course``; never a
   ``grading.toml`` that happens to lie in the working folder): the
   bubblewrap sandbox when it can start; where it cannot (Gradescope's Docker containers
   usually forbid the namespaces it needs) as a fresh unprivileged user id, with the container
   as the wall between students, and says so in a hidden test;
4. writes ``results/results.json`` (:func:`results_document`) at the end, after every kernel is
   dead, to a temporary name renamed into place.

It never exits without a ``results.json``: a missing, invalid or wrong-lesson notebook gets
zero with a clear ``output``, and so does an internal error (with the error in ``output``). The
root folder is ``/autograder`` unless the environment variable ``RNNCOURSE_AUTOGRADER_ROOT``
names another, so the flow runs without root and without Gradescope.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import time
import traceback
from pathlib import Path

import rnncourse
from rnncourse._files import write_atomic
from rnncourse.checks import LESSONS, graded_for_lesson
from rnncourse.checks.engine.question import QuestionExercise
from rnncourse.grading.judging.results import points_number
from rnncourse.grading.load.course_file import DEFAULT_COURSE, load_course
from rnncourse.grading.load.submissions import display_name, find_notebooks, parse_notebook, read_bytes, resolve_lesson

ROOT_ENV = "RNNCOURSE_AUTOGRADER_ROOT"
DEFAULT_ROOT = "/autograder"
PRIVATE_FOLDERS = ("source", "submission", "results")
VISIBLE = "visible"


class CannotIsolate(RuntimeError):
    """Neither the sandbox nor a separate user id can keep the kernel from the results here."""


def autograder_root(environ=None):
    """The autograder's root folder: ``$RNNCOURSE_AUTOGRADER_ROOT``, else ``/autograder``."""
    environ = os.environ if environ is None else environ
    return Path(environ.get(ROOT_ENV) or DEFAULT_ROOT)


# ----------------------------------------------------------------------------- the submission
def find_notebook(submission_dir, lesson):
    """The notebook to grade among the files the student uploaded.

    Every ``*.ipynb`` below ``submission_dir`` counts (hidden folders and checkpoints are
    skipped). One is expected; of several, the one named ``<lesson>.ipynb`` is graded, else the
    first in sorted order.

    Returns
    -------
    (Path or None, list of str) : the notebook (None when there is none) and notes for the
        student saying what was chosen and why
    """
    submission_dir = Path(submission_dir)
    if not submission_dir.is_dir():
        return None, [f"No submission folder was found ({submission_dir})."]
    found = sorted(find_notebooks([submission_dir]),
                   key=lambda p: p.relative_to(submission_dir).as_posix())
    if not found:
        uploaded = sorted(os.path.relpath(os.path.join(folder, name), submission_dir)
                          for folder, _, names in os.walk(submission_dir, followlinks=False)
                          for name in names)
        listing = ", ".join(display_name(n) for n in uploaded[:10]) or "nothing"
        more = f" and {len(uploaded) - 10} more" if len(uploaded) > 10 else ""
        return None, [f"No notebook was found in your submission (you uploaded: {listing}{more}). "
                      f"Upload your lesson notebook, the file ending in .ipynb "
                      f"(for this assignment, {lesson}.ipynb)."]
    if len(found) == 1:
        return found[0], []
    names = [display_name(p.relative_to(submission_dir).as_posix()) for p in found]
    named = [p for p in found if p.name == f"{lesson}.ipynb"]
    chosen = named[0] if named else found[0]
    why = (f"the one named {lesson}.ipynb" if named else
           f"none is named {lesson}.ipynb, so the first in alphabetical order")
    shown = display_name(chosen.relative_to(submission_dir).as_posix())
    return chosen, [f"Your submission holds {len(found)} notebooks ({', '.join(names[:10])}); "
                    f"only one is graded: {shown} ({why}). Submit only your lesson notebook."]


def notebook_lesson(path):
    """The lesson named in a notebook's metadata (written by ``rnncourse release``), or None
    when the file cannot be parsed or names none (the grader then reports the problem). Only a
    known lesson other than the assignment's stops grading; anything else is graded as the
    assignment's lesson, as ``rnncourse grade --lesson`` does."""
    data, problem = read_bytes(path)
    if problem:
        return None
    notebook, problem = parse_notebook(data)
    if problem:
        return None
    meta = notebook.get("metadata", {}).get("rnncourse")
    stem = meta.get("lesson") if isinstance(meta, dict) else None
    return stem if isinstance(stem, str) else None


# ----------------------------------------------------------------------------- results.json
def entry_name(exercise, number):
    """``"Exercise 2: rnn_backward"`` or ``"Question 1: q04_predict_total"``."""
    kind = "Question" if isinstance(exercise, QuestionExercise) else "Exercise"
    return f"{kind} {number}: {exercise.id}"


def feedback_blocks(feedback):
    """Split :func:`~rnncourse.grading.records.writers.feedback_text` into its per-exercise blocks.

    Returns
    -------
    (dict, str) : ``{exercise id: block}``, each block its ``[PASSED] id (...): p / q points``
        line and the indented message below it (dedented), and the rest of the text
    """
    blocks, rest, current = {}, [], None
    for line in feedback.splitlines():
        if line.startswith("[") and "] " in line and line.endswith(" points"):
            ex_id = line.split("] ", 1)[1].split(" ", 1)[0]
            current = ex_id
            blocks[ex_id] = [line]
            if rest and rest[-1] == "":
                rest.pop()
            continue
        if current is not None and line.startswith("    "):
            blocks[current].append(line[4:])
            continue
        current = None
        rest.append(line)
    return {k: "\n".join(v) for k, v in blocks.items()}, "\n".join(rest).strip() + "\n"


def results_document(lesson, result=None, notes=(), instructor_notes=(), seconds=0.0,
                     zero_reason=None, course=None):
    """The ``results.json`` content (a dict) for one submission.

    Parameters
    ----------
    lesson : str, the exported lesson (its exercises and questions are the tests, in order)
    result : SubmissionResult or None, what :func:`~rnncourse.grading.grade_one` returned;
        None when nothing was graded
    notes : list of str, shown to the student at the top of ``output``
    instructor_notes : list of str, in a hidden zero-point test (isolation, versions, seed)
    seconds : float, the run's wall-clock time (``execution_time``, in whole seconds rounded up)
    zero_reason : str or None, why every test scores 0 (no notebook, wrong lesson, an error)
    course : :class:`~rnncourse.grading.load.course_file.Course` or None, what each test is worth
        (default: the catalogue's points)

    Returns
    -------
    dict with ``score``, ``execution_time``, ``output``, ``stdout_visibility``, ``tests``: one
    entry per exercise and per question (``name``, ``score``, ``max_score``, ``output``,
    ``visibility``), then the hidden note
    """
    from rnncourse.grading.records.writers import feedback_text

    course = course or DEFAULT_COURSE
    exercises = graded_for_lesson(lesson) if lesson in LESSONS else []
    blocks, overall = ({}, "") if result is None else feedback_blocks(feedback_text(result))
    tests, counts = [], {True: 0, False: 0}
    for ex in exercises:
        is_question = isinstance(ex, QuestionExercise)
        counts[is_question] += 1
        entry = (result.exercises.get(ex.id) if result is not None else None) or {}
        worth = points_number(course.worth(lesson, ex))
        score = 0 if zero_reason else points_number(entry.get("points", 0) or 0)
        if zero_reason:
            output = f"0 / {worth} points: {zero_reason}"
        else:
            output = blocks.get(ex.id) or str(entry.get("message") or "not graded")
        tests.append({"name": entry_name(ex, counts[is_question]), "score": score,
                      "max_score": worth, "output": output,
                      "visibility": VISIBLE})
    total = points_number(sum(t["score"] for t in tests))
    possible = points_number(sum(t["max_score"] for t in tests))
    head = [f"Lesson {lesson}: {total} / {possible} points."] if exercises else []
    if zero_reason:
        head.append(f"Not graded: {zero_reason}")
    text = "\n".join(head + [f"Note: {n}" for n in notes])
    if overall:
        text += "\n\n" + overall
    if instructor_notes:
        tests.append({"name": "Grading environment (instructors only)", "score": 0,
                      "max_score": 0, "output": "\n".join(instructor_notes),
                      "visibility": "hidden"})
    return {"score": total, "execution_time": math.ceil(seconds), "output": text,
            "stdout_visibility": "hidden", "tests": tests}


def write_results(results_dir, document):
    """Write ``results.json`` into ``results_dir``: a temporary file renamed into place
    (whatever was at that name before, even a folder, is replaced)."""
    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    target = results_dir / "results.json"
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    return write_atomic(target, json.dumps(document, indent=1), mode=0o644)


# ----------------------------------------------------------------------------- grading
def close_folders(root):
    """As root: make ``source/``, ``submission/`` and ``results/`` readable and writable by
    root only, so a kernel running as another user id can neither read them nor write there."""
    if os.name != "posix" or os.geteuid() != 0:
        return
    for name in PRIVATE_FOLDERS:
        folder = Path(root) / name
        if folder.is_dir() and not folder.is_symlink():
            os.chown(folder, 0, 0)
            os.chmod(folder, 0o700)


def isolation_fix():
    """What makes the separate-user fallback possible here: root, and a Python others can read."""
    if os.name == "posix" and os.geteuid() == 0:
        return (f"The autograder runs as root, but {sys.executable} is not readable by other "
                "users, so the kernel cannot run as one: install the course's Python where every "
                "user can read it (setup.sh's /opt/rnncourse-venv is), or make it readable "
                "(chmod -R a+rX on the environment; the folders above it need a+x).")
    return "Run the autograder as root (Gradescope does)."


def grade_with_fallback(path, lesson, timeout, memory_mb, course=None):
    """:func:`~rnncourse.grading.grade_one` in the sandbox, or, where bubblewrap cannot start,
    as a fresh unprivileged user id (root only).

    Returns
    -------
    (SubmissionResult, list of str) : the result and notes for the instructor

    Raises
    ------
    CannotIsolate
        when the sandbox cannot start and the kernel could not run as another user (not root,
        or Python not readable by other users): grading then would let the submission write
        its own results.
    """
    from rnncourse.grading.batch.run import grade_one
    from rnncourse.grading.sandbox.bubblewrap import SandboxUnavailable
    from rnncourse.grading.sandbox.launcher_choice import choose_launcher
    from rnncourse.grading.sandbox.launchers import SeparateUidLauncher

    try:
        return grade_one(path, lesson=lesson, timeout=timeout, memory_mb=memory_mb,
                         course=course), [
            "isolation: bubblewrap sandbox"]
    except SandboxUnavailable as exc:
        why = f"the bubblewrap sandbox cannot start in this container ({exc.reason})"
    fallback = choose_launcher("auto", sandbox=False)
    if not isinstance(fallback, SeparateUidLauncher):
        raise CannotIsolate(f"{why}, and the kernel cannot run as a separate unprivileged user "
                           f"here ({fallback.description}), so the submission could write its own "
                           f"results; not graded. {isolation_fix()}")
    result = grade_one(path, lesson=lesson, timeout=timeout, memory_mb=memory_mb,
                       unsafe_same_user=True, course=course)
    return result, [f"isolation: {why}; graded without it, as a fresh unprivileged user id. "
                    "The container (one per submission) keeps students apart; the kernel could "
                    "not read source/, submission/ or results/ (closed to root only)."]


def run_autograder(root, lesson, timeout=300.0, memory_mb=2048, stream=None, course=None):
    """Grade the submission under ``root`` as ``lesson``; write ``root/results/results.json``.

    ``course`` (:class:`~rnncourse.grading.load.course_file.Course`, default: the catalogue's points, all
    or nothing) sets what each exercise and question is worth and how partial credit is given.

    Never raises for a bad submission or an error of the grader: both become a ``results.json``
    with score 0 and an ``output`` saying why. Returns the document written.
    """
    stream = stream or sys.stdout
    course = course or DEFAULT_COURSE
    start = time.monotonic()
    root = Path(root)
    notes, instructor = [], [f"rnncourse {rnncourse.__version__}, lesson {lesson}, "
                             f"Python {sys.version.split()[0]}"]
    result, zero_reason = None, None
    try:
        close_folders(root)
        path, notes = find_notebook(root / "submission", lesson)
        if path is None:
            zero_reason = "no notebook was submitted."
        else:
            claimed = notebook_lesson(path)
            if claimed in LESSONS and claimed != lesson:
                zero_reason = (f"this notebook is lesson {claimed!r} (its "
                               f"metadata says so), but this assignment is lesson {lesson}. "
                               f"Submit your {lesson}.ipynb.")
            else:
                result, isolation = grade_with_fallback(path, lesson, timeout, memory_mb,
                                                        course)
                instructor += isolation + [f"status: {result.status_text}",
                                           f"kernel: {result.isolation}",
                                           f"seed: {result.seed}", f"sha256: {result.sha256}"]
    except CannotIsolate as exc:
        zero_reason = ("the autograder cannot run student code safely in this environment; "
                       "please tell your instructor.")
        result = None
        instructor.append(f"not graded: {exc}")
    except Exception:
        zero_reason = "the autograder failed with an internal error; please tell your instructor."
        result = None
        instructor.append("internal error:\n" + traceback.format_exc()[-3000:])
    if course.path:
        instructor.append(f"course file: {course.path} (sha256 {course.sha256})")
    document = results_document(lesson, result, notes, instructor, time.monotonic() - start,
                                zero_reason, course)
    write_results(root / "results", document)
    print("\n".join(instructor), file=stream)
    print(f"results.json: {document['score']} points", file=stream)
    return document


# ----------------------------------------------------------------------------- entry point
def build_parser():
    parser = argparse.ArgumentParser(
        prog="python -m rnncourse.grading.platforms.gradescope_autograder",
        description="Grade the Gradescope submission under $RNNCOURSE_AUTOGRADER_ROOT "
                    "(default /autograder) and write results/results.json there.")
    parser.add_argument("--lesson", required=True, help="the exported lesson (e.g. 04_bptt)")
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="seconds for running the notebook's cells (default: 300)")
    parser.add_argument("--memory", type=int, default=2048,
                        help="address-space limit of the kernel, in MB (default: 2048)")
    parser.add_argument("--course", default=None,
                        help="the course file shipped in the zip (points and partial credit; "
                             "default: the catalogue's points, all or nothing)")
    return parser


def main(argv=None):
    """Entry point of ``run_autograder``; returns 0 whenever a results.json was written."""
    root = autograder_root()
    try:
        args = build_parser().parse_args(argv)
        lesson = resolve_lesson(args.lesson)
        course = load_course(args.course) if args.course else DEFAULT_COURSE
    except (SystemExit, ValueError) as exc:  # CourseFileError is a ValueError
        document = results_document(None, zero_reason="the autograder is misconfigured; "
                                    "please tell your instructor.",
                                    instructor_notes=[f"bad arguments {argv or sys.argv[1:]!r}: "
                                                      f"{exc}"])
        write_results(root / "results", document)
        return 2
    run_autograder(root, lesson, timeout=args.timeout, memory_mb=args.memory, course=course)
    return 0


if __name__ == "__main__":
    sys.exit(main())
