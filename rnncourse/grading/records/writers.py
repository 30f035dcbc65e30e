"""The outputs of a batch, as a registry of writers: the gradebook CSV, JSON reports, feedback.

Every writer is a :class:`Writer` registered in :data:`WRITERS` under its name; a batch runs
the ones it is asked for, in order, after all grading finished. A writer only reads
:class:`~rnncourse.grading.judging.results.SubmissionResult` objects, so another output of a batch is
one more class here. (The LMS exports read the gradebook afterwards,
:mod:`rnncourse.grading.platforms.lms`; Gradescope grades one submission per container,
:mod:`rnncourse.grading.platforms.gradescope_autograder`; nbgrader grades from a source folder,
:mod:`rnncourse.authoring.nbgrader_source`.)

Gradebook (``--out``, default ``gradebook.csv``): one row per submission, merged into the
existing file (the batch's rows replace theirs, every other row is kept); the columns and the
merge are described in :mod:`rnncourse.grading.records.gradebook_csv`.

JSON reports (``<out stem>-reports/<stem>.json``): everything known about one submission — the
seed of the test cases, the root its identity is relative to, its roster entry, the status and
the problems behind it, every cell's outcome, and per exercise the points, the message, each
case's verdict, and any flag.

Feedback (``--feedback DIR``, ``<stem>.txt``): what a student should read — what passed, what
failed and why, in the words of the notebook's own checks. It does not show the seed: a student
who knew it could prepare answers for exactly those test cases.

``<stem>`` (:func:`report_stem`) comes from the submission's identity alone — its sanitized path
plus a short hash of the identity — so a regrade overwrites that student's files and nobody
else's, and two identities never share a file even when they sanitize alike.

Every file is written to a temporary name and renamed into place, after all grading finished.
"""

from __future__ import annotations

import abc
import json
import os
from pathlib import Path

from rnncourse._files import write_atomic
from rnncourse.checks import EXERCISES, QUESTIONS
from rnncourse.checks.engine import verdict_mark
from rnncourse.grading.judging.results import Status
from rnncourse.grading.load.submissions import safe_file_stem
from rnncourse.grading.records import gradebook_csv


def exercise_columns(results):
    """Exercise ids, then question ids, of every lesson in the batch, in catalogue order."""
    lessons = {r.lesson for r in results}
    return [ex_id for ex_id, ex in [*EXERCISES.items(), *QUESTIONS.items()]
            if ex.lesson in lessons]


def gradebook_text(results, columns, root=""):
    """The CSV text of a new gradebook holding ``results`` (``columns``: the exercise ids)."""
    fresh = gradebook_csv.Gradebook(columns=[*gradebook_csv.HEAD, *columns, *gradebook_csv.TAIL])
    book, _ = gradebook_csv.merge(fresh, results, root)
    return gradebook_csv.gradebook_text(book)


def feedback_text(r):
    """The readable feedback for one submission."""
    lines = [f"Feedback for {r.name}", "=" * min(72, len(r.name) + 13), ""]
    lines.append(f"Lesson: {r.lesson or 'unknown'}")
    lines.append(f"Score: {r.total} / {r.possible}")
    lines.append(f"Status: {r.status_text}")
    if r.status is Status.INVALID:
        lines += ["", "Your notebook could not be graded. Open it in JupyterLab, check that it "
                  "is the lesson notebook you were given, save it, and submit it again."]
    for problem in r.problems:
        lines.append(f"  - {problem}")
    errors = [c for c in r.cells if c.get("status") == "error"]
    if errors:
        lines += ["", "Cells that raised an error when your notebook was run from the top:"]
        for c in errors[:20]:
            where = c.get("name") or f"cell {c['cell']}"  # a result made without cell names
            lines.append(f"  - {where}: {c.get('ename')}: {(c.get('evalue') or '')[:200]}")
    for ex_id, entry in r.exercises.items():
        mark = verdict_mark(entry.get("passed"), entry.get("knock_on"), entry.get("flag"))
        fn = entry.get("function") or ex_id
        lines += ["", f"[{mark}] {ex_id} ({fn}): {entry['points']} / {entry['possible']} points"]
        for text_line in str(entry.get("message", "")).splitlines():
            lines.append(f"    {text_line}")
        if entry.get("section") and not entry.get("passed") and ex_id not in QUESTIONS:
            lines.append(f"    Read again: {entry['section']}.")  # a question's message says it
    lines += ["", "The grader ran your notebook from the top in a fresh kernel, then tested each "
              "function on new random inputs (not the ones your notebook's checks use). "
              "Self-check questions were graded from the answer written in their graded cell."]
    return "\n".join(lines) + "\n"


def reports_dir(out):
    out = Path(out)
    return out.parent / f"{out.stem}-reports"


def report_stem(result):
    """The file stem of a submission's JSON report and feedback file: from its identity only
    (sanitized, plus a hash of the identity), so stable across regrades and unique."""
    return safe_file_stem(result.name)




class Writer(abc.ABC):
    """Writes one kind of output for a finished batch.

    ``write(results, columns, batch_info, options)``: ``results`` is the list of
    :class:`~rnncourse.grading.judging.results.SubmissionResult`, ``columns`` the exercise ids,
    ``batch_info`` the seed, settings and course-file check, ``options`` the batch's
    ``{"out": Path, "feedback": Path or None}`` and optionally ``"root"`` (the ``root`` column's
    text), ``"roster"`` (a :class:`~rnncourse.grading.records.roster.Roster`) and ``"lesson"``.
    :meth:`wanted` says whether it runs; what ``write`` returns is collected by :func:`write_all`.
    """

    name = ""

    def wanted(self, options):
        return True

    @abc.abstractmethod
    def write(self, results, columns, batch_info, options):
        """Write this output."""


class GradebookWriter(Writer):
    """``--out`` (default ``gradebook.csv``): one row per submission, merged into the existing
    file; returns the :class:`~rnncourse.grading.records.gradebook_csv.MergeReport`.

    ``options["existing"]``, when present, is the gradebook as read before any student code ran
    (None: there was none); the merge uses it, not the file as it is now, so a submission graded
    without a sandbox cannot slip rows in. A file changed meanwhile is kept beside, as
    ``<out>.changed-during-grading`` (``-2``, ... when taken). Without that key the file is read now. Raises
    :class:`~rnncourse.grading.records.gradebook_csv.GradebookError` (and writes nothing) when the existing
    file is not a gradebook.
    """

    name = "gradebook"

    def write(self, results, columns, batch_info, options):
        out = Path(options["out"])
        if "existing" in options:
            existing = options["existing"]
        else:
            existing = gradebook_csv.read_gradebook(out)
        before = existing.digest if existing is not None else None
        if existing is None:
            existing = gradebook_csv.Gradebook(columns=[*gradebook_csv.HEAD, *columns, *gradebook_csv.TAIL])
        book, report = gradebook_csv.merge(existing, results, options.get("root", ""),
                                       options.get("roster"), options.get("lesson"))
        if gradebook_csv.file_digest(out) != before and out.exists():
            aside, n = out.with_name(out.name + ".changed-during-grading"), 1
            while aside.exists():
                n += 1
                aside = out.with_name(f"{out.name}.changed-during-grading-{n}")
            os.replace(out, aside)
            report.kept_aside = str(aside)
        write_atomic(out, gradebook_csv.gradebook_text(book))
        return report


class JsonReportWriter(Writer):
    """``<out stem>-reports/<name>.json``: everything known about one submission."""

    name = "json"

    def write(self, results, columns, batch_info, options):
        folder = reports_dir(options["out"])
        roster = options.get("roster")
        for r in results:
            data = {"batch": batch_info, **r.to_dict()}
            if roster is not None:
                student, _ = roster.match(r.name)
                data["student"] = None if student is None else {
                    "student_id": student.student_id, "name": student.name}
            write_atomic(folder / f"{report_stem(r)}.json", json.dumps(data, indent=1, default=str))


class FeedbackWriter(Writer):
    """``--feedback DIR``: ``<name>.txt`` for the student."""

    name = "feedback"

    def wanted(self, options):
        return options.get("feedback") is not None

    def write(self, results, columns, batch_info, options):
        for r in results:
            write_atomic(Path(options["feedback"]) / f"{report_stem(r)}.txt", feedback_text(r))


WRITERS = {w.name: w for w in (GradebookWriter(), JsonReportWriter(), FeedbackWriter())}
"""Every writer by name, in the order a batch runs them."""


def write_all(results, columns, batch_info, options, writers=None):
    """Run every wanted writer of ``writers`` (names; default: all of :data:`WRITERS`).

    Returns
    -------
    dict writer name -> what its ``write`` returned (the gradebook's merge report)

    Raises
    ------
    ValueError
        for an unknown writer name, listing the known ones.
    """
    names = list(writers or WRITERS)
    for name in names:
        if name not in WRITERS:
            raise ValueError(f"unknown writer {name!r}; known writers: {', '.join(WRITERS)}")
    done = {}
    for name in names:
        writer = WRITERS[name]
        if writer.wanted(options):
            done[name] = writer.write(results, columns, batch_info, options)
    return done
