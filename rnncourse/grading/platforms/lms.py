"""Exports of a gradebook for a learning platform: Canvas, Moodle, or a plain per-student CSV.

``rnncourse gradebook export`` reads the gradebook (and optionally a roster, which then names the
student of every row), picks one row per student, and writes the lesson's score as one
assignment column: its ``final`` (after the instructor's adjustments, the term ledger
:mod:`rnncourse.grading.records.term`) when the gradebook has that column, else its ``total``.
A submission superseded by a later one of the same student (``superseded_by``) is not exported
to Canvas or Moodle (a note names it); ``csv`` writes it with the term columns:

- ``canvas``: Canvas's gradebook import (Grades > Import): the columns ``Student``, ``ID``,
  ``SIS User ID``, ``SIS Login ID``, ``Section`` and the assignment, with a ``Points Possible``
  line first. Canvas finds each student by ``SIS User ID`` (the roster's ``student_id``); ``ID``
  (Canvas's own user number) is left empty. An assignment column whose name Canvas does not know
  creates a new assignment; to fill an existing one, name it as Canvas's own export does,
  ``Lesson 4 (12345)``, with ``--assignment``;
- ``moodle``: Moodle's "Import grades from CSV": the columns ``ID number``, ``Full name``,
  ``Email address`` and the assignment; in Moodle map ``ID number`` to the users' *ID number*
  (or ``Email address`` to *Email address*) and the assignment column to the grade item;
- ``csv``: every row, one line each: ``student_id``, ``name``, ``email``, ``submission``,
  ``lesson``, ``status``, ``total``, ``possible``.

Nothing is dropped silently. A roster student without a submission is exported with an empty
grade (status ``missing`` in ``csv``). A submission without a student id cannot be imported by
Canvas or Moodle: it is left out of those two files and listed (:attr:`Export.left_out`); ``csv``
writes it with an empty id. A gradebook holding several lessons needs ``lesson`` to choose one,
and two rows for one student are refused (:class:`ExportError`) rather than one of them picked.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from rnncourse.grading.records.gradebook_csv import MISSING_STATUS, spreadsheet_cell, unquote


class ExportError(ValueError):
    """The gradebook cannot be exported as asked; the message says what to do."""


@dataclass
class Entry:
    """One line of an export: a student (or an unmatched submission) and their grade."""

    student_id: str
    name: str = ""
    email: str = ""
    login: str = ""
    section: str = ""
    submission: str = ""
    lesson: str = ""
    status: str = ""
    total: str = ""
    possible: str = ""
    final: str = ""
    """the score after the instructor's adjustments (the term ledger); empty: the total"""
    adjustment: str = ""
    superseded_by: str = ""
    """the submission counting instead of this one (then it is not exported to an LMS)"""
    candidates: tuple = ()
    """roster keys of the several entries the submission matches (then it has no student id)"""

    @property
    def grade(self) -> str:
        """What an LMS receives: ``final`` when the gradebook has it, else ``total``."""
        return self.final or self.total


@dataclass
class Export:
    """An export's text and what it did not contain.

    Attributes
    ----------
    text : str, the file's content
    written : int, student lines written
    left_out : list of str, submissions not in the file (no student id), one message each
    notes : list of str, other things to know (rows of other lessons not exported)
    """

    text: str
    written: int
    left_out: list = field(default_factory=list)
    notes: list = field(default_factory=list)


def _entries(book, roster):
    """Every row as an :class:`Entry`; with a roster, names re-matched and old missing rows
    dropped (:func:`_add_missing` recomputes them for the lesson exported)."""
    entries = []
    for row in book.rows:
        plain = {k: unquote(v or "") for k, v in row.items()}
        if not plain.get("submission"):
            if roster is None:  # a missing row from the last graded roster
                entries.append(Entry(student_id=plain.get("student_id", ""),
                                     name=plain.get("name", ""), lesson=plain.get("lesson", ""),
                                     status=MISSING_STATUS))
            continue
        entry = Entry(student_id=plain.get("student_id", ""), name=plain.get("name", ""),
                      submission=plain["submission"], lesson=plain.get("lesson", ""),
                      status=plain.get("status", ""), total=plain.get("total", ""),
                      possible=plain.get("possible", ""), final=plain.get("final", ""),
                      adjustment=plain.get("adjustment", ""),
                      superseded_by=plain.get("superseded_by", ""))
        if roster is not None:
            student, candidates = roster.match(entry.submission)
            entry.candidates = tuple(candidates)
            entry.student_id = student.student_id if student else ""
            entry.name = student.name if student else ""
            if student is not None:
                entry.email, entry.login, entry.section = student.email, student.login, \
                    student.section
        entries.append(entry)
    return entries


def _add_missing(entries, roster, lesson):
    """``entries`` plus one ``missing`` entry per roster student none of them belongs to."""
    matched = {e.student_id for e in entries if e.submission and e.student_id}
    return entries + [Entry(student_id=s.student_id, name=s.name, email=s.email, login=s.login,
                            section=s.section, lesson=lesson, status=MISSING_STATUS)
                      for s in roster.students if s.student_id not in matched]


def _one_lesson(entries, lesson):
    lessons = sorted({e.lesson for e in entries if e.submission and e.lesson})
    notes = []
    if lesson is None:
        if len(lessons) > 1:
            raise ExportError(f"the gradebook holds rows of {len(lessons)} lessons "
                              f"({', '.join(lessons)}); export one at a time with --lesson ID")
        return entries, (lessons[0] if lessons else ""), notes
    others = [e for e in entries if e.lesson != lesson and (e.submission or e.lesson)]
    if any(e.submission for e in others):
        shown = [e.submission for e in others if e.submission]
        notes.append(f"{len(shown)} row(s) of other lessons not exported: {', '.join(shown)}")
    skipped = {id(e) for e in others}
    return [e for e in entries if id(e) not in skipped], lesson, notes


def _why_unmatched(entry, roster):
    if roster is None:
        return (f"{entry.submission!r} has no student id in the gradebook: export with --roster, "
                "or enter its grade by hand")
    if entry.candidates:
        return (f"{entry.submission!r} matches several roster entries "
                f"({', '.join(entry.candidates)}), so it has no student id: make them distinct, "
                "or enter its grade by hand")
    return (f"{entry.submission!r} matches no roster entry, so it has no student id: add it to "
            "the roster, or enter its grade by hand")


def _text(header, lines):
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for line in lines:
        writer.writerow([spreadsheet_cell(cell) for cell in line])
    return buf.getvalue()


@dataclass
class Selection:
    """What every format writes from: the students of one lesson and the submissions without one.

    Attributes
    ----------
    named : list of :class:`Entry`, the entries with a student id, sorted by name and id
    unmatched : list of :class:`Entry`, the submissions without a student id
    column : str, the assignment column's name
    roster : :class:`~rnncourse.grading.records.roster.Roster` or None
    """

    named: list
    unmatched: list
    column: str
    roster: object = None
    superseded: list = field(default_factory=list)
    """:class:`Entry` of the submissions that do not count (only ``csv`` writes them)"""
    term: bool = False
    """whether the gradebook has the term columns (``final``)"""

    @property
    def possible(self) -> str:
        """The lesson's points possible: the largest of the rows' (``""`` when none says)."""
        return max((e.possible for e in self.named + self.unmatched if e.possible),
                   key=lambda p: float(p), default="")


def canvas_file(selection: Selection) -> Export:
    """Canvas's gradebook import: a ``Points Possible`` line, then one line per student."""
    lines = [["Points Possible", "", "", "", "", selection.possible]]
    lines += [[e.name, "", e.student_id, e.login, e.section, e.grade] for e in selection.named]
    text = _text(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", selection.column],
                 lines)
    return Export(text, len(selection.named),
                  [_why_unmatched(e, selection.roster) for e in selection.unmatched])


def moodle_file(selection: Selection) -> Export:
    """Moodle's "Import grades from CSV": one line per student."""
    lines = [[e.student_id, e.name, e.email, e.grade] for e in selection.named]
    text = _text(["ID number", "Full name", "Email address", selection.column], lines)
    return Export(text, len(selection.named),
                  [_why_unmatched(e, selection.roster) for e in selection.unmatched])


def plain_csv_file(selection: Selection) -> Export:
    """Every row, one line each, those without a student id last (with an empty id); with the
    term columns (adjustment, final, superseded_by) when the gradebook has them, superseded
    submissions included."""
    everyone = selection.named + selection.unmatched + selection.superseded
    header = ["student_id", "name", "email", "submission", "lesson", "status", "total",
              "possible"]
    lines = [[e.student_id, e.name, e.email, e.submission, e.lesson, e.status, e.total,
              e.possible] for e in everyone]
    if selection.term:
        header += ["adjustment", "final", "superseded_by"]
        for line, e in zip(lines, everyone):
            line += [e.adjustment, e.final, e.superseded_by]
    return Export(_text(header, lines), len(lines))


FORMAT_WRITERS: dict[str, Callable[[Selection], Export]] = {
    "canvas": canvas_file,
    "moodle": moodle_file,
    "csv": plain_csv_file,
}
"""The registry of export formats: name -> the function writing that file from a :class:`Selection`."""

FORMATS = tuple(FORMAT_WRITERS)
"""The names ``rnncourse gradebook export --format`` accepts, in the order its help lists them."""


def export(book, fmt: str, roster=None, lesson=None, assignment=None) -> Export:
    """Export ``book`` in the format ``fmt``.

    Parameters
    ----------
    book : :class:`~rnncourse.grading.records.gradebook_csv.Gradebook`
    fmt : one of :data:`FORMATS`
    roster : :class:`~rnncourse.grading.records.roster.Roster` or None
    lesson : str or None, the lesson to export (needed when the gradebook holds several)
    assignment : str or None, the assignment column's name (default: the lesson)

    Returns
    -------
    :class:`Export`

    Raises
    ------
    ExportError
        for several lessons without ``lesson``, or a student with two rows.
    ValueError
        for an unknown ``fmt`` (the message names it and the known formats).
    """
    writer = FORMAT_WRITERS.get(fmt) if isinstance(fmt, str) else None
    if writer is None:
        raise ValueError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
    entries, lesson, notes = _one_lesson(_entries(book, roster), lesson)
    superseded = [e for e in entries if e.superseded_by]
    entries = [e for e in entries if not e.superseded_by]
    if superseded and fmt != "csv":
        notes.append(f"{len(superseded)} superseded submission(s) not exported (the one that "
                     "counts is): " + ", ".join(f"{e.submission} (by {e.superseded_by})"
                                                 for e in superseded))
    if roster is not None:
        entries = _add_missing(entries, roster, lesson)
    rows_of = {}
    for e in entries:
        if e.student_id:
            rows_of.setdefault(e.student_id, []).append(e)
    for sid, rows in rows_of.items():
        if len(rows) > 1:
            raise ExportError(
                f"student {sid!r} has {len(rows)} rows ({', '.join(e.submission for e in rows)}); "
                "choose the one that counts with rnncourse gradebook choose SUBMISSION (after "
                "grading with this roster), or fix the roster")
    selection = Selection(
        named=sorted((e for e in entries if e.student_id), key=lambda e: (e.name, e.student_id)),
        unmatched=[e for e in entries if not e.student_id],
        column=assignment or lesson or "rnncourse", roster=roster, superseded=superseded,
        term="final" in book.columns)
    result = writer(selection)
    result.notes = notes + result.notes
    return result


__all__ = ["FORMATS", "FORMAT_WRITERS", "Export", "ExportError", "Entry", "Selection", "export",
           "canvas_file", "moodle_file", "plain_csv_file"]
