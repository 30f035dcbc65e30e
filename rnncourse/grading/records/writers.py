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
from rnncourse.grading.records import gradebook_csv, term


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


def result_cells(r):
    """The gradebook cells of ``r`` an adjustment is computed from: points per exercise, total."""
    cells = {ex_id: str(entry.get("points", "")) for ex_id, entry in r.exercises.items()
             if isinstance(entry, dict)}
    cells["total"] = str(r.total)
    return cells


def term_lines(r, adjustments=None, row=None):
    """The feedback's lines about the instructor's ``adjustments`` of ``r`` (the term ledger's)
    and the late penalty of its gradebook ``row`` (none when there is neither)."""
    row = row or {}
    penalty = float(row.get("penalty") or 0)
    if not adjustments and not penalty:
        return []
    lines = []
    if adjustments:
        lines.append("Adjusted by your instructor:")
        for a in adjustments:
            if "exercise" in a:
                lines.append(f"  - {a['exercise']} set to {a['set_to']} points: {a['reason']}")
            else:
                sign = "+" if float(a["points"]) >= 0 else ""
                lines.append(f"  - {sign}{a['points']} points: {a['reason']}")
    if penalty:
        lines.append(f"Late penalty: -{term.number(penalty)} points: "
                     f"{gradebook_csv.unquote(row.get('late', ''))}")
    points, _ = term.adjustment_of(adjustments or [], result_cells(r))
    final = term.number(max(0.0, float(r.total) + points - penalty))
    lines.append(f"Final score: {final} / {r.possible}")
    return lines


def feedback_text(r, adjustments=None, row=None):
    """The readable feedback for one submission (``adjustments``: the instructor's, from the
    term ledger; ``row``: its gradebook row, for a late penalty)."""
    lines = [f"Feedback for {r.name}", "=" * min(72, len(r.name) + 13), ""]
    lines.append(f"Lesson: {r.lesson or 'unknown'}")
    extra = term_lines(r, adjustments, row)
    lines.append(f"Score: {r.total} / {r.possible}" + (" (automatic)" if extra else ""))
    lines += extra
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
    if r.status in (Status.INVALID, Status.WRONG_LESSON):
        lines += ["", "Your notebook was not run, so none of its code was tested; the points "
                  "above are 0 for that reason alone."]
    else:
        lines += ["", "The grader ran your notebook from the top in a fresh kernel, then tested "
                  "each function on new random inputs (not the ones your notebook's checks "
                  "use). Self-check questions were graded from the answer written in their "
                  "graded cell."]
    return "\n".join(lines) + "\n"


def reports_dir(out):
    out = Path(out)
    return out.parent / f"{out.stem}-reports"


def report_stem(result):
    """The file stem of a submission's JSON report and feedback file: from its identity only
    (sanitized, plus a hash of the identity), so stable across regrades and unique."""
    return safe_file_stem(result.name)


def history_report(out, result, graded_at):
    """Where the copy of this grading's JSON report is kept, relative to the gradebook's folder:
    ``<reports>/history/<stem>/<graded_at>-<sha256 of the file, 8 digits>.json``."""
    stamp = graded_at.replace(":", "").replace("-", "")
    folder = reports_dir(out).relative_to(Path(out).parent)
    return str(folder / "history" / report_stem(result) / f"{stamp}-{(result.sha256 or '')[:8]}.json")


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
        ledger = term.read_ledger(out)  # before anything is written: a bad one stops here
        book, report = gradebook_csv.merge(existing, results, options.get("root", ""),
                                       options.get("roster"), options.get("lesson"))
        course = batch_info.get("course_file") or {}
        if course.get("path") is not None:  # the course file's rules, when one was given
            ledger.counts = course.get("counts") if course.get("counts") in term.COUNTS \
                else "latest"
            ledger.late = {stem: p["late"] for stem, p in (course.get("lessons") or {}).items()
                           if p.get("late")}
        if options.get("feedback") is not None:
            ledger.feedback = os.path.relpath(os.path.abspath(options["feedback"]),
                                              os.path.abspath(out.parent))
        ids = {gradebook_csv.unquote(row.get("submission", "")):
               gradebook_csv.unquote(row.get("student_id", "")) for row in book.rows}
        graded_at = options.setdefault("graded_at", term.now_text())
        for r in results:
            term.record(ledger, r, graded_at, history_report(out, r, graded_at),
                        ids.get(r.name, ""))
        report.superseded = term.apply(book, ledger)
        if gradebook_csv.file_digest(out) != before and out.exists():
            aside, n = out.with_name(out.name + ".changed-during-grading"), 1
            while aside.exists():
                n += 1
                aside = out.with_name(f"{out.name}.changed-during-grading-{n}")
            os.replace(out, aside)
            report.kept_aside = str(aside)
        write_atomic(out, gradebook_csv.gradebook_text(book))
        term.write_ledger(out, ledger)
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
            text = json.dumps(data, indent=1, default=str)
            write_atomic(folder / f"{report_stem(r)}.json", text)
            if "graded_at" in options:  # a copy per grading, for the history
                write_atomic(Path(options["out"]).parent
                             / history_report(options["out"], r, options["graded_at"]), text)


class FeedbackWriter(Writer):
    """``--feedback DIR``: ``<name>.txt`` for the student."""

    name = "feedback"

    def wanted(self, options):
        return options.get("feedback") is not None

    def write(self, results, columns, batch_info, options):
        ledger, rows = term.Ledger(), {}
        if "graded_at" in options:  # the gradebook and its ledger were just written
            ledger = term.read_ledger(options["out"])
            book = gradebook_csv.read_gradebook(options["out"])
            rows = {gradebook_csv.unquote(row.get("submission", "")): row
                    for row in (book.rows if book else [])}
        for r in results:
            write_atomic(Path(options["feedback"]) / f"{report_stem(r)}.txt",
                         feedback_text(r, ledger.adjustments.get(r.name), rows.get(r.name)))


class SupersededWriter(Writer):
    """After the others: the feedback and report of a submission that no longer counts (a
    student's older submission, :mod:`rnncourse.grading.records.term`) are moved into a
    ``superseded/`` folder beside them, and those of one that counts again moved back; returns
    the moves made."""

    name = "superseded"

    def wanted(self, options):
        return "graded_at" in options  # after a gradebook written with its ledger

    def write(self, results, columns, batch_info, options):
        return place_term_files(options["out"], options.get("feedback"))


def place_term_files(out, feedback=None):
    """Move the files of the gradebook ``out``'s superseded submissions aside (and back); the
    feedback folder is ``feedback`` or the one the ledger recorded. Returns the moves made."""
    out = Path(out)
    book = gradebook_csv.read_gradebook(out)
    if book is None:
        return []
    ledger = term.read_ledger(out)
    superseded = term.apply(book, ledger)
    names = [gradebook_csv.unquote(row["submission"]) for row in book.rows if row.get("submission")]
    folders = [(reports_dir(out), ".json")]
    if feedback is None and ledger.feedback:
        feedback = out.parent / ledger.feedback
    if feedback is not None:
        folders.append((Path(feedback), ".txt"))
    return term.place_files(superseded, names, folders, safe_file_stem)


WRITERS = {w.name: w for w in (GradebookWriter(), JsonReportWriter(), FeedbackWriter(),
                               SupersededWriter())}
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
    if "gradebook" in names:  # one time for the batch's history entries and report copies
        options = {**options, "graded_at": term.now_text()}
    done = {}
    for name in names:
        writer = WRITERS[name]
        if writer.wanted(options):
            done[name] = writer.write(results, columns, batch_info, options)
    return done
