"""The gradebook CSV: reading an existing gradebook, merging a batch into it, writing it.

A gradebook is one row per submission, keyed by the submission's *identity*: its path relative to
a root folder (``alice/04_bptt.ipynb``). Grading into an existing gradebook **merges**: the rows
of the submissions just graded are replaced, every other row is kept, and the rows are sorted by
identity. So a batch, a regrade of one student and a late student can all go into one file.

Columns, in this order:

- ``submission`` (the identity), ``student_id`` and ``name`` (from ``--roster``; empty without
  one), ``lesson``, ``status``, ``seed`` (of that row's test cases: ``--seed`` regrades it
  exactly), ``root`` (the folder the identity is relative to, written relative to the
  gradebook's own folder);
- one column per exercise and self-check question of every lesson in the file, in catalogue
  order (points earned; empty when the exercise is not part of the row's lesson);
- any other column found in the existing file (your own notes), kept as it is;
- ``total`` and ``possible``;
- only when the term ledger uses them (a due date, a student with several submissions, an
  adjustment), all together: ``submitted``, ``late``, ``penalty``, ``superseded_by``,
  ``adjustment``, ``adjustment_reason`` and ``final`` (:mod:`rnncourse.grading.records.term`).

A roster student without a submission of a lesson graded gets a row with status ``missing``, an
empty ``submission`` and no points (see :mod:`rnncourse.grading.records.roster`).

The identities and their root are :mod:`rnncourse.grading.records.identity`'s.

An existing gradebook is read in full before anything is written; one that cannot be read as a
gradebook raises :class:`GradebookError` naming the file and the fix, and is never overwritten.
Cells a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) are written with a leading ``'``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from rnncourse.checks import EXERCISES, QUESTIONS

HEAD = ("submission", "student_id", "name", "lesson", "status", "seed", "root")
TAIL = ("total", "possible")
TERM = ("submitted", "late", "penalty", "superseded_by", "adjustment", "adjustment_reason",
        "final")
"""The term columns after :data:`TAIL`, present only when used; recomputed from the term ledger
on every write (:mod:`rnncourse.grading.records.term`), never merged from an old row."""
REQUIRED = ("submission", "lesson", "status", "total", "possible")
"""Columns an existing gradebook must have (older gradebooks lack the others)."""

MISSING_STATUS = "missing"
CATALOGUE = [*EXERCISES, *QUESTIONS]
"""Exercise ids, then question ids, in catalogue order: the order of the point columns."""


class GradebookError(ValueError):
    """An existing gradebook that cannot be merged into; the message names the file and the fix."""


def spreadsheet_cell(value):
    """``value`` as CSV text, with a leading ``'`` when a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# ----------------------------------------------------------------------------- reading
@dataclass
class Gradebook:
    """The rows of a gradebook, as the text of their cells.

    Attributes
    ----------
    columns : list of str, the header
    rows : list of dict column -> str
    digest : str or None, SHA-256 of the file read (None for a new gradebook)
    """

    columns: list = field(default_factory=lambda: [*HEAD, *TAIL])
    rows: list = field(default_factory=list)
    digest: str | None = None

    def recorded_root(self, out):
        """The one root every row with a ``root`` names (absolute), or None."""
        roots = {row.get("root", "") for row in self.rows} - {""}
        if len(roots) != 1:
            return None
        return os.path.abspath(os.path.join(Path(out).parent, roots.pop()))


def row_key(row):
    """A row's key: ``("", identity)``, or for a roster student without a submission
    ``("missing", lesson, student id)`` (one such row per lesson)."""
    if row.get("submission"):
        return ("", row["submission"])
    return (MISSING_STATUS, row.get("lesson", ""), row.get("student_id", ""))


def file_digest(path):
    """SHA-256 of the file at ``path``, or None when there is none (or it cannot be read)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def read_gradebook(path):
    """The gradebook at ``path``, or None when there is no file yet.

    Raises
    ------
    GradebookError
        when the file is not a gradebook (not UTF-8 CSV, missing columns, a row of the wrong
        length, two rows for one submission); the message names the file and what to do.
    """
    path = Path(path)
    if not path.exists():
        return None
    fix = (f"It was not changed. Fix or move {str(path)!r}, or grade into another file with "
           "--out")
    if not path.is_file():
        raise GradebookError(f"the gradebook {str(path)!r} is not a file. {fix}")
    try:
        data = path.read_bytes()
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GradebookError(f"the gradebook {str(path)!r} is not UTF-8 text (byte {exc.start}). "
                             f"{fix}") from None
    except OSError as exc:
        raise GradebookError(f"the gradebook {str(path)!r} cannot be read ({exc.strerror}). "
                             f"{fix}") from None
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise GradebookError(f"the gradebook {str(path)!r} is not valid CSV ({exc}). {fix}") \
            from None
    records = [r for r in records if any(cell.strip() for cell in r)]
    digest = hashlib.sha256(data).hexdigest()
    if not records:
        return Gradebook(digest=digest)
    header = [h.strip() for h in records[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise GradebookError(
            f"the gradebook {str(path)!r} has no column {', '.join(map(repr, missing))} (found: "
            f"{', '.join(header[:12])}), so it was not written by rnncourse grade. {fix}")
    doubled = sorted({h for h in header if header.count(h) > 1})
    if doubled:
        raise GradebookError(f"the gradebook {str(path)!r} has the column "
                             f"{', '.join(map(repr, doubled))} twice. {fix}")
    book, seen = Gradebook(columns=header, digest=digest), {}
    for number, record in enumerate(records[1:], start=2):
        if len(record) > len(header) and any(c.strip() for c in record[len(header):]):
            raise GradebookError(f"the gradebook {str(path)!r} has {len(record)} cells in line "
                                 f"{number} but {len(header)} columns. {fix}")
        row = {col: (record[i] if i < len(record) else "") for i, col in enumerate(header)}
        key = row_key(row)
        if key in seen:
            raise GradebookError(f"the gradebook {str(path)!r} has two rows for "
                                 f"{key[-1]!r} (lines {seen[key]} and {number}). {fix}")
        seen[key] = number
        book.rows.append(row)
    return book


# ----------------------------------------------------------------------------- merging
def order_columns(columns):
    """``columns`` in gradebook order: :data:`HEAD`, catalogue columns, others, :data:`TAIL`,
    then the :data:`TERM` columns present."""
    present = set(columns)
    catalogue = [c for c in CATALOGUE if c in present]
    others = [c for c in dict.fromkeys(columns) if c not in HEAD and c not in TAIL
              and c not in TERM and c not in EXERCISES and c not in QUESTIONS]
    return [*HEAD, *catalogue, *others, *TAIL, *(c for c in TERM if c in present)]


def result_row(result, root="", student=None):
    """The cells of one :class:`~rnncourse.grading.judging.results.SubmissionResult`'s row.

    ``student`` : :class:`~rnncourse.grading.records.roster.Student` or None.
    """
    row = {"submission": spreadsheet_cell(result.name),
           "student_id": spreadsheet_cell(student.student_id if student else ""),
           "name": spreadsheet_cell(student.name if student else ""),
           "lesson": spreadsheet_cell(result.lesson or ""),
           "status": spreadsheet_cell(result.status_text),
           "seed": "" if result.seed is None else str(result.seed),
           "root": spreadsheet_cell(root),
           "total": str(result.total), "possible": str(result.possible)}
    for ex_id, entry in result.exercises.items():
        if isinstance(entry, dict) and (ex_id in EXERCISES or ex_id in QUESTIONS):
            row[ex_id] = str(entry.get("points", ""))
    return row


@dataclass
class MergeReport:
    """What a merge did, for the end-of-run summary.

    Attributes
    ----------
    replaced, added : list of str, identities of the batch's rows that replaced a row / were new
    kept : int, rows of the existing gradebook left as they were
    unmatched : list of str, identities matching no roster entry (with a roster)
    ambiguous : dict identity -> list of roster keys it matches more than once
    missing : list of str, ``"<student_id> (<name>)"`` of roster students without a submission
    shared : dict student_id -> identities, students matched by more than one submission
    kept_aside : str or None, where a gradebook changed during grading was kept (set by the
        writer: the merge uses the gradebook as it was before any student code ran)
    """

    replaced: list = field(default_factory=list)
    added: list = field(default_factory=list)
    kept: int = 0
    unmatched: list = field(default_factory=list)
    ambiguous: dict = field(default_factory=dict)
    missing: list = field(default_factory=list)
    shared: dict = field(default_factory=dict)
    kept_aside: str | None = None
    superseded: dict = field(default_factory=dict)
    """identity -> identity counting instead (set by the writer from the term ledger)"""


def merge(book, results, root="", roster=None, lesson=None):
    """Merge a batch's results into ``book`` (None: a new gradebook).

    Parameters
    ----------
    book : :class:`Gradebook` or None
    results : list of :class:`~rnncourse.grading.judging.results.SubmissionResult`
    root : str, the ``root`` column of the batch's rows (:func:`root_text`)
    roster : :class:`~rnncourse.grading.records.roster.Roster` or None; when given, it names the student
        of every row (old rows too) and adds a ``missing`` row per roster student without a row
        of the lesson graded; without it, a regraded row keeps the ``student_id`` and ``name``
        of the row it replaces
    lesson : str or None, ``--lesson``: the lesson of the ``missing`` rows (default: the
        lessons of ``results``)

    Returns
    -------
    (:class:`Gradebook`, :class:`MergeReport`)
    """
    book = book or Gradebook()
    report = MergeReport()
    old = {row_key(row): row for row in book.rows}
    new = {}
    for r in results:
        row = result_row(r, root)
        key = row_key(row)
        previous = old.get(key)
        if previous is not None:
            report.replaced.append(r.name)
            for col, value in previous.items():  # the instructor's own columns are kept
                if col not in HEAD and col not in TAIL and col not in CATALOGUE \
                        and col not in TERM:
                    row[col] = value
            if roster is None:
                row["student_id"] = previous.get("student_id", "")
                row["name"] = previous.get("name", "")
        else:
            report.added.append(r.name)
        new[key] = row
    rows = [row for key, row in old.items() if key not in new] + list(new.values())
    report.kept = sum(1 for key in old if key not in new and key[0] != MISSING_STATUS)
    if roster is not None:
        lessons = {lesson} if lesson else ({r.lesson for r in results if r.lesson} or {""})
        rows = _apply_roster(rows, roster, sorted(lessons), report)
    columns = order_columns([*book.columns, *(c for row in rows for c in row)])
    rows.sort(key=row_key)
    return Gradebook(columns=columns, rows=rows), report


def _apply_roster(rows, roster, lessons, report):
    """Name every submission row's student; recompute the ``missing`` rows of ``lessons``."""
    kept = [row for row in rows if row_key(row)[0] == MISSING_STATUS
            and unquote(row.get("lesson", "")) not in lessons]  # of lessons not graded now
    rows = [row for row in rows if row_key(row)[0] != MISSING_STATUS]
    matched = {}  # (lesson, student id) -> identities; lesson "" (unknown) counts for any
    for row in rows:
        identity = unquote(row["submission"])
        student, candidates = roster.match(identity)
        row["student_id"] = spreadsheet_cell(student.student_id if student else "")
        row["name"] = spreadsheet_cell(student.name if student else "")
        if student is not None:
            key = (unquote(row.get("lesson", "")), student.student_id)
            matched.setdefault(key, []).append(identity)
        elif candidates:
            report.ambiguous[identity] = candidates
        else:
            report.unmatched.append(identity)
    for (_, sid), ids in matched.items():
        if len(ids) > 1:
            report.shared.setdefault(sid, []).extend(ids)
    for lesson in lessons:
        for student in roster.students:
            if (lesson, student.student_id) in matched or ("", student.student_id) in matched:
                continue
            report.missing.append(student.label if len(lessons) == 1
                                  else f"{student.label} in {lesson}")
            kept.append({"submission": "", "student_id": spreadsheet_cell(student.student_id),
                         "name": spreadsheet_cell(student.name), "lesson": lesson,
                         "status": MISSING_STATUS})
    return rows + kept


def unquote(cell):
    """The value behind a cell written by :func:`spreadsheet_cell`."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@", "\t", "\r") else cell


def gradebook_text(book):
    """The CSV text of ``book``: its columns in :func:`order_columns` order, one line per row."""
    columns = order_columns(book.columns)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in book.rows:
        writer.writerow([row.get(col, "") for col in columns])
    return buf.getvalue()


__all__ = ["Gradebook", "GradebookError", "MergeReport", "HEAD", "TAIL", "TERM", "MISSING_STATUS",
           "file_digest", "read_gradebook", "merge", "result_row",
           "gradebook_text", "order_columns", "spreadsheet_cell", "unquote", "row_key"]
