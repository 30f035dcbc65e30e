"""The term ledger: which submission counts, the instructor's adjustments, the grading history.

A gradebook (``gradebook.csv``) holds the latest automatic grading of every submission. What a
term adds to it is kept in a small JSON file beside it, the *ledger* (``gradebook-term.json``
for ``gradebook.csv``), which a regrade never replaces:

- ``history``: one entry per grading of a submission: when (UTC), the seed, the SHA-256 of the
  file graded, its modification time (``submitted``), status, total and possible, and the copy
  of that grading's JSON report kept under ``<reports>/history/`` (the current report is
  replaced by a regrade; its copies are not);
- ``adjustments``: per submission, the instructor's changes with a reason: points added (or
  taken away), or one exercise's points set. Each records the automatic score it was made
  against, so that after a regrade it is re-applied and, when that automatic score changed,
  flagged for review;
- ``chosen``: per lesson and student, the submission the instructor chose to count
  (``rnncourse gradebook choose``), overriding the course file's rule;
- ``late``: per lesson, the course file's late-work rules (``[lessons.ID.late]``);
- ``counts``: the course file's rule for a student with several submissions of one lesson:
  ``"latest"`` (the default), ``"first"`` or ``"best"`` (the highest final score).

:func:`apply` computes the gradebook's term columns from the ledger (they are recomputed on
every write, never merged from an old file), appended after ``total`` and ``possible`` and
present, all together, only when the ledger uses them:

- ``submitted``: when the submission was handed in, and how that is known: ``(file time)``,
  the file's modification time as the download left it (``unzip`` keeps the times stored in
  Canvas's and Moodle's zips), plus ``Canvas LATE mark`` when Canvas's file name says so;
- ``late``: for a lesson with a due date, why a penalty was taken (days late after the due date
  or the student's extension and the grace, the rule) or ``on time``;
- ``penalty``: the points taken for lateness (all of them after the cut-off);

- ``superseded_by``: for a submission that does not count, the one that counts instead;
- ``adjustment``: points the instructor's adjustments add (negative: take away);
- ``adjustment_reason``: their reasons, each preceded by ``REVIEW:`` and what changed when the
  automatic score they were made against has changed since;
- ``final``: ``total`` plus ``adjustment`` minus ``penalty`` (never below 0): the score the
  exports use.

The penalty is :mod:`rnncourse.grading.records.late`'s.

A student's submissions are the rows matched to one ``student_id`` (by the roster) in one
lesson. Which is the latest: Canvas's file ids (``name_userid_fileid_...``, larger is newer)
when every one has one, else the files' modification times as recorded when they were graded,
else the row names.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from rnncourse._files import write_atomic
from rnncourse.grading.judging.results import points_number
from rnncourse.grading.load.course_file import COUNTS
from rnncourse.grading.records.gradebook_csv import TERM, spreadsheet_cell, unquote
from rnncourse.grading.records.late import late_penalty, lms_mark

FORMAT = 1


class LedgerError(ValueError):
    """A ledger that cannot be read or an adjustment that cannot be made; says what to do."""


def ledger_path(out) -> Path:
    """The ledger beside the gradebook ``out``: ``gradebook.csv`` -> ``gradebook-term.json``."""
    out = Path(out)
    return out.parent / f"{out.stem}-term.json"


def now_text() -> str:
    """The current UTC time as ``2026-12-08T01:55:03Z``."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def number(value) -> int | float:
    """``value`` as the gradebook shows points: an int when whole, else a float (4 places)."""
    return points_number(round(float(value), 4))


@dataclass
class Ledger:
    """The contents of a ledger file (see the module docstring)."""

    history: list = field(default_factory=list)
    adjustments: dict = field(default_factory=dict)
    chosen: dict = field(default_factory=dict)
    counts: str = "latest"
    late: dict = field(default_factory=dict)
    feedback: str | None = None
    """the feedback folder of the last batch that wrote one (relative to the gradebook's folder)"""

    def to_dict(self):
        return {"format": FORMAT, "counts": self.counts, "late": self.late,
                "feedback": self.feedback,
                "chosen": self.chosen, "adjustments": self.adjustments, "history": self.history}


def read_ledger(out) -> Ledger:
    """The ledger of the gradebook ``out`` (an empty one when there is no file yet).

    Raises
    ------
    LedgerError
        when the file is not a ledger; it is never overwritten then.
    """
    path = ledger_path(out)
    if not path.exists():
        return Ledger()
    fix = f"It was not changed; fix or move {str(path)!r}"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LedgerError(f"the term ledger {str(path)!r} cannot be read ({exc}). {fix}") \
            from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise LedgerError(f"the term ledger {str(path)!r} is not a ledger written by "
                          f"rnncourse (format {FORMAT}). {fix}")
    ledger = Ledger(history=list(data.get("history") or []),
                    adjustments=dict(data.get("adjustments") or {}),
                    chosen=dict(data.get("chosen") or {}),
                    counts=data.get("counts") if data.get("counts") in COUNTS else "latest",
                    late=dict(data.get("late") or {}),
                    feedback=data.get("feedback"))
    return ledger


def write_ledger(out, ledger: Ledger) -> Path:
    """Write ``ledger`` beside the gradebook ``out`` (atomically)."""
    return write_atomic(ledger_path(out), json.dumps(ledger.to_dict(), indent=1) + "\n")


# ----------------------------------------------------------------------------- history
def file_time(path) -> str | None:
    """The modification time of the file at ``path`` as UTC text, or None."""
    try:
        stamp = os.stat(path).st_mtime
    except (OSError, ValueError, TypeError):
        return None
    return datetime.fromtimestamp(stamp, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def record(ledger: Ledger, result, graded_at: str, report: str | None, student_id: str = ""):
    """Add one grading of ``result`` (a SubmissionResult) to the ledger's history."""
    ledger.history.append({
        "submission": result.name, "lesson": result.lesson, "student_id": student_id,
        "graded_at": graded_at, "seed": result.seed, "sha256": result.sha256,
        "submitted": file_time(result.path), "submitted_from": "file time",
        "mark": lms_mark(result.name), "status": result.status_text,
        "total": result.total, "possible": result.possible, "report": report})


def history_of(ledger: Ledger, who: str | None = None) -> list:
    """The history entries of a submission or a student id (all when ``who`` is None), oldest
    first."""
    return [h for h in ledger.history
            if who is None or who in (h.get("submission"), h.get("student_id"))]


def history_lines(entries) -> list:
    """One readable line per history entry."""
    lines = []
    for h in entries:
        who = h["submission"] + (f" ({h['student_id']})" if h.get("student_id") else "")
        lines.append(f"{h.get('graded_at')}  {who}  seed {h.get('seed')}  "
                     f"sha256 {str(h.get('sha256') or '')[:12]}  {h.get('total')}/"
                     f"{h.get('possible')}  {h.get('status')}"
                     + (f"  report {h['report']}" if h.get("report") else ""))
    return lines


# ----------------------------------------------------------------------------- adjustments
def add_adjustment(ledger: Ledger, row: dict, reason: str, points=None, exercise=None,
                   set_to=None) -> dict:
    """Record an adjustment of the gradebook row ``row``: ``points`` added, or ``exercise``'s
    points set to ``set_to``; returns the entry.

    Raises
    ------
    LedgerError
        without a reason, without exactly one of ``points`` / ``exercise``, or for an exercise
        that is not a column of the row's lesson.
    """
    name = unquote(row.get("submission", ""))
    if not name:
        raise LedgerError("only a graded submission can be adjusted (this row has none)")
    if not reason or not reason.strip():
        raise LedgerError("give the reason with --reason (the student sees it in the feedback)")
    if (points is None) == (exercise is None):
        raise LedgerError("give either --points N (added to the total) or --exercise ID "
                          "--set N (that exercise's points)")
    entry = {"reason": reason.strip(), "at": now_text()}
    if exercise is not None:
        auto = row.get(exercise, "")
        if auto == "":
            raise LedgerError(f"{exercise!r} is not graded in {name!r} (its lesson is "
                              f"{row.get('lesson')!r}); name one of its exercise columns")
        if set_to is None:
            raise LedgerError(f"say what {exercise} is worth now with --set N")
        entry.update(exercise=exercise, set_to=number(set_to), auto=number(auto))
    else:
        entry.update(points=number(points), auto=number(row.get("total") or 0))
    ledger.adjustments.setdefault(name, []).append(entry)
    return entry


def adjustment_of(entries, row) -> tuple:
    """``(points, reasons)`` the adjustments ``entries`` give the row ``row`` now, each reason
    preceded by ``REVIEW: ...`` when the automatic score it was made against changed."""
    total, reasons = 0.0, []
    for e in entries:
        if "exercise" in e:
            current = row.get(e["exercise"], "")
            current = float(current) if current not in ("", None) else 0.0
            total += float(e["set_to"]) - current
            text = f"{e['exercise']} set to {number(e['set_to'])}: {e['reason']}"
            if number(current) != e.get("auto"):
                text = (f"REVIEW: {e['exercise']} was {e.get('auto')} automatically when "
                        f"adjusted, now {number(current)}; {text}")
        else:
            total += float(e["points"])
            verb = "added" if float(e["points"]) >= 0 else "took away"
            text = f"{verb} {number(abs(float(e['points'])))} points: {e['reason']}"
            current = number(row.get("total") or 0)
            if current != e.get("auto"):
                text = (f"REVIEW: the automatic total was {e.get('auto')} when adjusted, now "
                        f"{current}; {text}")
        reasons.append(text)
    return number(total), reasons


# ----------------------------------------------------------------------------- which counts
CANVAS_ID = re.compile(r"^[^/_]+(?:_LATE)?_\d+_(\d+)_")


def canvas_file_id(identity: str) -> int | None:
    """The file id of a Canvas download's name (``fosterfay_4216_88415_01_x.ipynb`` -> 88415)."""
    match = CANVAS_ID.match(identity)
    return int(match.group(1)) if match else None


def _order_key(ledger, rows):
    """A sort key, oldest submission first, for the rows of one student and lesson."""
    submitted = {}
    for h in ledger.history:
        if h.get("submitted"):
            submitted[h["submission"]] = h["submitted"]
    ids = [canvas_file_id(unquote(r["submission"])) for r in rows]
    by_canvas = all(i is not None for i in ids)

    def key(row):
        name = unquote(row["submission"])
        return ((canvas_file_id(name) if by_canvas else 0), submitted.get(name, ""), name)
    return key


def choice_key(lesson: str, student_id: str) -> str:
    """The ``chosen`` key of a lesson and student."""
    return f"{lesson}/{student_id}"


def apply(book, ledger: Ledger) -> dict:
    """Fill the term columns of every row of ``book`` (a Gradebook) from ``ledger``.

    Returns
    -------
    dict identity -> identity counting instead, for every superseded submission
    """
    for row in book.rows:
        for col in TERM:
            row.pop(col, None)
    groups = {}
    for row in book.rows:
        sid = unquote(row.get("student_id", ""))
        if row.get("submission") and sid:
            groups.setdefault((unquote(row.get("lesson", "")), sid), []).append(row)
    used = False
    last = {}
    for h in ledger.history:
        last[h["submission"]] = h
    for row in book.rows:
        name = unquote(row.get("submission", ""))
        if not name:
            continue
        entries = ledger.adjustments.get(name, [])
        points, reasons = adjustment_of(entries, row)
        total = float(row.get("total") or 0)
        score = max(0.0, total + points)
        policy = ledger.late.get(unquote(row.get("lesson", "")))
        seen = last.get(name, {})
        if seen.get("submitted"):
            row["submitted"] = f"{seen['submitted']} ({seen.get('submitted_from', 'file time')}" \
                + (f"; {seen['mark']})" if seen.get("mark") else ")")
        if policy:
            used = True
            penalty, why = late_penalty(policy, seen.get("submitted"),
                                        unquote(row.get("student_id", "")), score,
                                        float(row.get("possible") or 0), seen.get("mark"))
            row["late"] = spreadsheet_cell(why)
            row["penalty"] = str(penalty)
            score -= float(penalty)
        row["_final"] = number(max(0.0, score))
        if entries:
            used = True
            row["adjustment"] = str(points)
            row["adjustment_reason"] = spreadsheet_cell("; ".join(reasons))
    superseded = {}
    for (lesson, sid), rows in groups.items():
        if len(rows) < 2:
            continue
        used = True
        names = [unquote(r["submission"]) for r in rows]
        chosen = ledger.chosen.get(choice_key(lesson, sid))
        if chosen in names:
            counting = rows[names.index(chosen)]
        elif ledger.counts == "best":
            counting = max(rows, key=lambda r: (r["_final"], _order_key(ledger, rows)(r)))
        else:
            ordered = sorted(rows, key=_order_key(ledger, rows))
            counting = ordered[0] if ledger.counts == "first" else ordered[-1]
        for r in rows:
            if r is not counting:
                r["superseded_by"] = counting["submission"]
                superseded[unquote(r["submission"])] = unquote(counting["submission"])
    for row in book.rows:
        final = row.pop("_final", None)
        if used and row.get("submission"):
            row["final"] = str(final)
    if used:
        book.columns = [*[c for c in book.columns if c not in TERM], *TERM]
    else:
        book.columns = [c for c in book.columns if c not in TERM]
    return superseded


# ----------------------------------------------------------------------------- set aside
SUPERSEDED_FOLDER = "superseded"


def place_files(superseded, names, folders, stem_of):
    """Move the files of superseded submissions into ``<folder>/superseded/`` and those of
    submissions that count back out of it.

    ``names``: every submission identity of the gradebook; ``folders``: ``(folder, suffix)``
    pairs (the feedback folder with ``.txt``, the reports folder with ``.json``); ``stem_of``:
    identity -> file stem. Returns the list of ``(from, to)`` moves made.
    """
    moves = []
    for folder, suffix in folders:
        folder = Path(folder)
        aside = folder / SUPERSEDED_FOLDER
        for name in names:
            here, there = folder / f"{stem_of(name)}{suffix}", aside / f"{stem_of(name)}{suffix}"
            source, target = (here, there) if name in superseded else (there, here)
            if not source.is_file():
                continue
            if name not in superseded and target.exists():
                source.unlink()  # a stale copy set aside; the one in place is newer
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
            moves.append((str(source), str(target)))
    return moves


__all__ = ["late_penalty", "lms_mark", "TERM", "COUNTS", "Ledger", "LedgerError", "ledger_path", "read_ledger",
           "write_ledger", "record", "history_of", "history_lines", "add_adjustment",
           "adjustment_of", "canvas_file_id", "choice_key", "apply", "place_files", "file_time",
           "now_text", "number"]
