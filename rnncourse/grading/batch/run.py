"""Run a batch: snapshot, read everything, grade in parallel worker processes, report.

:func:`grade_paths` (what ``rnncourse grade`` calls) grades many submissions and writes the
outputs; :func:`grade_one` grades one notebook (one submission per container, as Gradescope
does) and returns its :class:`~rnncourse.grading.judging.results.SubmissionResult` without writing
anything. Both do, in this order:

1. makes this process a child subreaper, so processes orphaned by a killed worker come back here;
2. hashes the course package's files and imports every module the judges need, before any
   student code runs;
3. reads and validates every submission into memory (:mod:`rnncourse.grading.load.submissions`);
4. forks one worker process per submission, at most ``jobs`` at a time
   (:mod:`rnncourse.grading.batch.pool`); a worker sends back its result as JSON on a pipe (never
   pickle); a worker that dies, or outlives its time, gives a ``kernel died`` / ``timeout`` row,
   and every process left from it is killed;
5. kills whatever is left and checks the course files again; :func:`grade_paths` then runs the
   writers (:mod:`rnncourse.grading.records.writers`) itself.

Before any of that, the launcher is chosen once
(:func:`~rnncourse.grading.sandbox.launcher_choice.choose_launcher`):
the bubblewrap sandbox, which must work here, or with ``unsafe_same_user`` today's unsandboxed
modes, which mark every result as graded without a sandbox. Each worker's private folder lives in
one temporary folder of the batch, which this process removes, so nothing is left behind even
when a submission kills its worker.

A text progress bar on stderr shows how far the batch is.
"""

from __future__ import annotations

import io
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from rnncourse.grading.batch.memory import measure_bare_kernel, memory_problem
from rnncourse.grading.batch.pool import run_workers
from rnncourse.grading.batch.progress_bar import Progress, course_note
from rnncourse.grading.batch.summary import summary_lines, wrong_lesson_lines
from rnncourse.grading.judging.results import Status, SubmissionResult
from rnncourse.grading.load.course_file import CourseFileError, find_course
from rnncourse.grading.load.snapshot import changed_files, course_files_digest, preload
from rnncourse.grading.load.submissions import lesson_of, load_submissions, named_lesson, resolve_lesson
from rnncourse.grading.records import gradebook_csv, identity, writers
from rnncourse.grading.records.roster import read_roster
from rnncourse.grading.sandbox import containment
from rnncourse.grading.sandbox.bubblewrap import SandboxUnavailable
from rnncourse.grading.sandbox.launcher_choice import choose_launcher


# ----------------------------------------------------------------------------- entry points
def _settings(jobs, timeout, memory_mb, cell_timeout, drop_privileges, keep, unsafe_same_user,
              course, bare=None):
    return {"jobs": int(jobs), "timeout": float(timeout), "memory_mb": int(memory_mb),
            "cell_timeout": float(cell_timeout or timeout), "drop_privileges": drop_privileges,
            "keep": keep, "sandbox": not unsafe_same_user,
            "knock_on": {stem: p.knock_on for stem, p in course.lessons.items()},
            "kernel_files": bare.kernel_files if bare is not None else ()}


#: Settings that are the batch's machinery, not choices: left out of the reports
_NOT_RECORDED = ("keep", "kernel_files")


NO_SANDBOX = "NO SANDBOX (--unsafe-same-user): "


def _mark_isolation(results, launcher):
    """Every result says how kernels were isolated, and whether without a sandbox."""
    for r in results:
        r.without_sandbox = not launcher.sandboxed
        r.isolation = r.isolation or launcher.description
        if r.without_sandbox and not r.isolation.startswith(NO_SANDBOX):
            r.isolation = NO_SANDBOX + r.isolation


def _grade_submissions(submissions, forced, settings, seed, progress, course=None):
    """Grade every submission (in worker processes); returns one result per submission, in order.

    The caller has taken the course snapshot and preloaded the judges. The results carry their
    lesson and points but not yet the course-file check.
    """
    results, jobs_list = [], []
    for index, sub in enumerate(submissions):
        known = {"name": sub.name, "path": sub.path, "sha256": sub.sha256, "seed": seed}
        if not sub.valid:
            results.append(SubmissionResult.invalid(sub.error, lesson=forced, **known))
            continue
        stem, problem = lesson_of(sub, forced)
        if problem:
            results.append(SubmissionResult.invalid(problem, **known))
            continue
        named = named_lesson(sub)
        if forced and named not in (None, forced):
            results.append(SubmissionResult.wrong_lesson(named, forced, **known))
            continue
        results.append(SubmissionResult(lesson=stem, **known))
        jobs_list.append((index, sub, stem))
    for r in results:
        if r.status in (Status.INVALID, Status.WRONG_LESSON):
            progress.step()
    finished = run_workers(jobs_list, settings, seed, progress)
    containment.kill_descendants(keep=settings["keep"])
    for index, sub, stem in jobs_list:
        result = finished.get(index)
        if result is None:
            result = SubmissionResult(status=Status.KERNEL_DIED, problems=[
                "the grading process for this submission was killed (by the submission?)"])
        result.name, result.path, result.sha256, result.seed = sub.name, sub.path, sub.sha256, seed
        result.lesson = stem
        results[index] = result
    return [r.score(course) for r in results]


def _mark_changed(results, before):
    changed = changed_files(before, course_files_digest())
    for r in results:
        r.course_files_changed = bool(changed)
    return changed


def grade_one(path: str | os.PathLike, *, lesson: str | None = None, timeout: float = 300.0,
              memory_mb: int = 2048, cell_timeout: float | None = None,
              drop_privileges: str = "auto", seed: int | None = None, stream: TextIO | None = None,
              unsafe_same_user: bool = False, course: str | os.PathLike | None = None,
              ) -> SubmissionResult:
    """Grade one notebook; returns its :class:`~rnncourse.grading.judging.results.SubmissionResult`.

    Writes nothing (pass the result to :mod:`rnncourse.grading.records.writers` for files). The
    options are those of :func:`grade_paths`; an unreadable or invalid notebook gives a result
    with status ``INVALID``.

    Raises
    ------
    ValueError
        for an unknown ``lesson``, a ``path`` that is not one notebook file, a ``memory_mb``
        below what a bare kernel needs here (:mod:`rnncourse.grading.batch.memory`; the message names
        the minimum), or a course file that is not valid
        (:class:`~rnncourse.grading.load.course_file.CourseFileError`). ``course`` is read as by
        :func:`grade_paths` (``grading.toml`` in the current folder when None).
    rnncourse.grading.sandbox.bubblewrap.SandboxUnavailable
        when the sandbox cannot run here and ``unsafe_same_user`` is False (it says why).
    """
    before = course_files_digest()
    preload()
    forced = resolve_lesson(lesson) if lesson else None
    course_settings, _ = find_course(course)
    submissions = load_submissions([path])
    if len(submissions) != 1 or not str(path).endswith(".ipynb"):
        raise ValueError(f"grade_one grades one notebook file; {str(path)!r} is not one "
                         "(use grade_paths for a folder)")
    launcher = choose_launcher(drop_privileges, sandbox=not unsafe_same_user)
    containment.set_subreaper()
    existing = set(containment.children(os.getpid()))
    bare = measure_bare_kernel(launcher)
    problem = memory_problem(int(memory_mb), bare)
    if problem:
        raise ValueError(problem)
    seed = secrets.randbelow(2**31) if seed is None else int(seed)
    settings = _settings(1, timeout, memory_mb, cell_timeout, drop_privileges, existing,
                         unsafe_same_user, course_settings, bare)
    progress = Progress(1, stream or io.StringIO())
    result = _grade_submissions(submissions, forced, settings, seed, progress,
                                course_settings)[0]
    result.details["course_file"] = course_settings.to_dict()
    _mark_changed([result], before)
    _mark_isolation([result], launcher)
    return result


def grade_paths(paths: Sequence[str | os.PathLike], *, lesson: str | None = None, jobs: int = 1,
                timeout: float = 300.0, memory_mb: int = 2048, out: str | os.PathLike = "gradebook.csv",
                feedback: str | os.PathLike | None = None, cell_timeout: float | None = None,
                drop_privileges: str = "auto", seed: int | None = None, stream: TextIO | None = None,
                unsafe_same_user: bool = False, root: str | os.PathLike | None = None,
                roster: str | os.PathLike | None = None,
                course: str | os.PathLike | None = None) -> int:
    """Grade every notebook under ``paths``; merge into the gradebook, write reports; return an exit code.

    Parameters
    ----------
    paths : list of str or Path, notebooks or folders of notebooks
    lesson : str or None, grade every submission as this lesson (stem such as ``"04_bptt"`` or
        its number ``"04"``) instead of the lesson in each notebook's metadata
    jobs : int, submissions graded in parallel
    timeout : float, seconds for running one submission's cells (judging has its own time)
    memory_mb : int, address-space limit of each kernel, in MB
    out : str or Path, the gradebook CSV; JSON reports go to ``<out stem>-reports/`` beside it
    feedback : str, Path or None, folder for one readable feedback file per submission
    cell_timeout : float or None, seconds per cell (default: ``timeout``)
    drop_privileges : "auto", True or False; with ``unsafe_same_user``, run kernels as a fresh
        unprivileged user when root
    seed : int or None, seed of the test cases (default: a fresh random one, recorded)
    stream : file for the progress bar and messages (default: stderr; for :func:`grade_one`,
        nothing is shown unless a stream is given)
    unsafe_same_user : bool, grade without the bubblewrap sandbox (kernels run as the grader's
        user, or a fresh uid when root) and mark every row and report so
    course : str, Path or None, the course file (:mod:`rnncourse.grading.load.course_file`: points and
        partial credit per lesson); None reads ``grading.toml`` in the current folder when there
        is one (announced on ``stream``), else uses the catalogue's points, all or nothing
    root : str, Path or None, the folder submission identities are relative to (default: see
        :func:`rnncourse.grading.records.identity.submission_root`)
    roster : str, Path or None, a roster CSV (:mod:`rnncourse.grading.records.roster`)

    Returns
    -------
    int, 0 when grading ran, 1 when course files changed during the run (the gradebook is
    written but marked), 2 for a usage error (unknown lesson, no notebooks, a bad --root or
    roster, an existing --out that is not a gradebook, a ``memory_mb`` below what a bare kernel
    needs, measured before grading, a course file that is missing or not valid), 3 when the sandbox
    cannot run here (nothing graded; the message says why and how to fix it)
    """
    stream = stream or sys.stderr
    before = course_files_digest()
    preload()
    try:
        forced = resolve_lesson(lesson) if lesson else None
    except ValueError as exc:
        print(f"rnncourse grade: error: argument --lesson: {exc}", file=stream)
        return 2
    try:
        course_settings, found = find_course(course)
    except CourseFileError as exc:
        print(f"rnncourse grade: error: course file: {exc}", file=stream)
        return 2
    try:  # before any grading: the old gradebook, the identities' root, the roster
        existing_book = gradebook_csv.read_gradebook(out)
        folder = identity.submission_root(paths, root, existing_book, out)
        roster = read_roster(roster) if roster is not None else None
    except ValueError as exc:
        print(f"rnncourse grade: error: {exc}", file=stream)
        return 2
    note = course_note(course_settings, found)
    if note:
        print(note, file=stream)
    submissions = load_submissions(paths, root=folder)
    if not submissions:
        shown = ", ".join(repr(str(p)) for p in paths)
        print(f"rnncourse grade: error: no notebooks (*.ipynb) found in {shown}", file=stream)
        return 2
    try:
        identity.check_identities(existing_book, [s.name for s in submissions],
                                   identity.root_text(folder, out))
    except ValueError as exc:
        print(f"rnncourse grade: error: {exc}", file=stream)
        return 2
    try:
        launcher = choose_launcher(drop_privileges, sandbox=not unsafe_same_user)
    except SandboxUnavailable as exc:
        print(f"rnncourse grade: error: cannot grade in a sandbox here: {exc.reason}.\n"
              f"  To fix: {exc.fix}; then check with: rnncourse doctor\n"
              "  Or grade WITHOUT a sandbox with --unsafe-same-user: student code then runs as "
              "you and can read and change your files (docs/grading.md, section 5).", file=stream)
        return 3
    containment.set_subreaper()
    # processes this caller already had (e.g. when called from Python, not the command line) are
    # not ours to kill; everything that appears below us later is
    existing = set(containment.children(os.getpid()))
    bare = measure_bare_kernel(launcher)  # before any submission: no silent zeros from --memory
    problem = memory_problem(int(memory_mb), bare)
    if problem:
        print(f"rnncourse grade: error: {problem}", file=stream)
        return 2
    seed = secrets.randbelow(2**31) if seed is None else int(seed)
    settings = _settings(jobs, timeout, memory_mb, cell_timeout, drop_privileges, existing,
                         unsafe_same_user, course_settings, bare)
    lessons = sorted({stem for sub in submissions if sub.valid
                      for stem in [lesson_of(sub, forced)[0]] if stem})
    if len(lessons) > 1:
        print(f"rnncourse grade: note: the notebooks name {len(lessons)} different lessons "
              f"({', '.join(lessons)}); check the lesson column, or pass --lesson", file=stream)
    progress = Progress(len(submissions), stream)
    results = _grade_submissions(submissions, forced, settings, seed, progress, course_settings)
    changed = _mark_changed(results, before)
    _mark_isolation(results, launcher)
    root_column = identity.root_text(folder, out)
    done = writers.write_all(  # merged into the gradebook as read before any student code ran
        results, writers.exercise_columns(results),
        {"seed": seed, "root": root_column, "course_files_changed": changed,
         "settings": {k: v for k, v in settings.items() if k not in _NOT_RECORDED},
         "memory_check": bare.as_dict() if bare else None,
         "course_file": course_settings.to_dict()},
        {"out": Path(out), "feedback": Path(feedback) if feedback else None,
         "root": root_column, "roster": roster, "lesson": forced, "existing": existing_book})
    for line in summary_lines(done.get("gradebook"), len(results), seed, out, root_column):
        print(line, file=stream)
    for line in wrong_lesson_lines(results, forced):
        print(line, file=stream)
    if unsafe_same_user:
        print("rnncourse grade: WARNING: graded WITHOUT a sandbox (--unsafe-same-user); every "
              "row says so.", file=stream)
    if changed:
        print("rnncourse grade: WARNING: course files changed during grading, so these scores "
              f"cannot be trusted: {', '.join(changed[:10])}. Reinstall the course package "
              "and grade again.", file=stream)
        return 1
    return 0

