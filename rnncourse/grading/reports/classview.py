"""A graded class as numbers: the gradebook and its JSON reports folded into one summary.

:func:`load_class` reads what ``rnncourse grade`` wrote (the gradebook CSV and
``<gradebook stem>-reports/*.json``); :func:`summarise` turns it into the plain dict that
``rnncourse report`` writes as ``summary.json`` and draws its page from:

- ``scores``: every counted row's total and possible;
- ``items``: per exercise and question, how many earned full, partial and zero points, the points
  lost over the class, the named mistakes ranked by how many students made them (with the words
  students saw and the lesson section that addresses it), knock-on failures counted apart, and for
  a question the answers chosen with what each wrong one reveals;
- ``reteach``: the mistakes of every item, most frequent first (what to explain again);
- ``attention``: rows the instructor must look at (not ``ok``, flagged, missing, of another
  lesson, matching no roster entry, late, superseded, penalised), with the gradebook's words;
- ``timing``: grading seconds per submission and in total.

Optional gradebook columns (``late``, ``penalty``, ``superseded``, ...) are read when present and
never required. A superseded row (an older submission replaced by a resubmission) is listed but
not counted in the statistics.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rnncourse.checks import EXERCISES, QUESTIONS
from rnncourse.grading.records.gradebook_csv import HEAD, TAIL, unquote

UNMATCHED = "matches no roster entry (no student id: cannot be exported)"

OPTIONAL_FLAGS = ("late", "supersed", "penalty", "adjust")
"""Optional gradebook columns, by how their name starts (``late``, ``late_days``,
``superseded``, ``superseded_by``, ``penalty``, ``adjustment``...): when present and not
empty/0/false, they put a row on the attention list."""

FALSE_WORDS = {"", "0", "0.0", "false", "no", "none", "n"}


class ClassError(ValueError):
    """A gradebook or report folder that cannot be read; the message names the file."""


@dataclass
class Row:
    """One gradebook row with its JSON report (None when the row has none, e.g. ``missing``)."""

    cells: dict
    report: dict | None = None
    report_file: Path | None = None

    @property
    def submission(self) -> str:
        return self.cells.get("submission", "")

    @property
    def status(self) -> str:
        return self.cells.get("status", "")

    def flag(self, column: str) -> str:
        value = (self.cells.get(column) or "").strip()
        return "" if value.lower() in FALSE_WORDS else value

    def flags(self, start: str) -> list:
        """``[(column, value)]`` of the optional columns whose name starts with ``start`` and
        whose value is set."""
        return [(c, self.flag(c)) for c in self.cells
                if c.lower().startswith(start) and self.flag(c)]

    @property
    def superseded(self) -> bool:
        return bool(self.flags("supersed")) or "superseded" in self.status

    @property
    def counted(self) -> bool:
        """Counted in the class's statistics: graded (not ``missing``) and not superseded."""
        return self.status != "missing" and not self.superseded


@dataclass
class ClassData:
    """A gradebook's rows, its item columns (exercise then question ids) and where it was read."""

    rows: list
    items: list
    gradebook: Path
    unmatched_reports: list = field(default_factory=list)

    @property
    def lessons(self) -> list:
        return sorted({r.cells.get("lesson", "") for r in self.rows if r.cells.get("lesson")})


def _number(text):
    text = unquote(str(text or "")).strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def load_class(gradebook: str | Path, reports: str | Path | None = None) -> ClassData:
    """Read a gradebook and its JSON reports (default: ``<gradebook stem>-reports/`` beside it).

    Raises
    ------
    ClassError
        when the gradebook is missing, not UTF-8 CSV, or lacks the ``submission``, ``status``,
        ``total`` or ``possible`` column.
    """
    gradebook = Path(gradebook)
    if not gradebook.is_file():
        raise ClassError(f"{gradebook}: no such gradebook; pass the file rnncourse grade wrote "
                         "(--gradebook gradebook.csv)")
    try:
        with open(gradebook, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            rows = [Row({k: (v or "") for k, v in row.items() if k is not None}) for row in reader]
            columns = list(reader.fieldnames or [])
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ClassError(f"{gradebook}: not a gradebook CSV ({exc})") from None
    missing = [c for c in ("submission", "status", "total", "possible") if c not in columns]
    if missing:
        raise ClassError(f"{gradebook}: not a gradebook: no {', '.join(missing)} column; pass "
                         "the gradebook rnncourse grade wrote")
    known = {**EXERCISES, **QUESTIONS}
    items = [c for c in columns if c in known and c not in HEAD and c not in TAIL]
    folder = Path(reports) if reports else gradebook.parent / f"{gradebook.stem}-reports"
    by_name, files = {}, {}
    unmatched = []
    if folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                unmatched.append(path.name)
                continue
            if isinstance(data, dict) and isinstance(data.get("name"), str):
                by_name[data["name"]] = data
                files[data["name"]] = path
    for row in rows:
        row.report = by_name.pop(unquote(row.submission), None) if row.submission else None
        row.report_file = files.get(unquote(row.submission)) if row.report else None
    unmatched += sorted(by_name)
    return ClassData(rows=rows, items=items, gradebook=gradebook, unmatched_reports=unmatched)


def item_possible(row: Row, item: str) -> float | None:
    """What ``item`` is worth in ``row``: from its report (the course file's points), else the
    catalogue's."""
    entry = ((row.report or {}).get("exercises") or {}).get(item)
    if isinstance(entry, dict) and isinstance(entry.get("possible"), (int, float)):
        return float(entry["possible"])
    ex = EXERCISES.get(item) or QUESTIONS.get(item)
    return float(ex.points) if ex is not None else None


def _entry(row, item):
    entry = ((row.report or {}).get("exercises") or {}).get(item)
    return entry if isinstance(entry, dict) else None


def mistake_message(item: str, name: str) -> str:
    """The words a student saw for the named mistake of exercise ``item`` (its catalogue text);
    ``""`` when the catalogue has no such mistake."""
    ex = EXERCISES.get(item)
    parts = name.split(" or ") if ex is not None else []  # a mistake standing for several
    texts = [m.message for part in parts for m in getattr(ex, "mistakes", ()) if m.name == part]
    return " Or: ".join(dict.fromkeys(texts))


def _item_summary(data, item):
    ex = EXERCISES.get(item) or QUESTIONS.get(item)
    kind = "question" if item in QUESTIONS else "exercise"
    counts = {"full": 0, "partial": 0, "zero": 0}
    lost = 0.0
    mistakes, knock_on, answers = {}, Counter(), {}
    for row in data.rows:
        if not row.counted:
            continue
        points = _number(row.cells.get(item))
        if points is None:
            continue  # not part of that row's lesson
        possible = item_possible(row, item) or 0.0
        band = "full" if possible and points >= possible else ("zero" if points <= 0 else "partial")
        if possible == 0:
            band = "full"
        counts[band] += 1
        lost += max(possible - points, 0.0)
        entry = _entry(row, item)
        if entry is None:
            continue
        if kind == "question":
            answer = entry.get("answer")
            key = answer if isinstance(answer, str) else "(not answered)"
            slot = answers.setdefault(key, {"answer": key, "count": 0,
                                            "right": bool(entry.get("passed")),
                                            "misconception": None, "message": None,
                                            "section": None})
            slot["count"] += 1
            if not entry.get("passed"):
                slot["misconception"] = entry.get("mistake")
                slot["message"] = entry.get("message")
                slot["section"] = entry.get("section")
            continue
        if entry.get("knock_on") and not entry.get("flag"):  # right, but a dependency is wrong
            knock_on[", ".join(map(str, entry["knock_on"]))] += 1
            continue
        if entry.get("passed") or entry.get("flag"):
            continue
        name = entry.get("mistake")
        if not isinstance(name, str) or not name:
            continue
        slot = mistakes.setdefault(name, {"mistake": name, "count": 0,
                                          "message": mistake_message(item, name),
                                          "section": entry.get("section"), "students": []})
        slot["count"] += 1
        slot["students"].append(row.submission)
    ranked = sorted(mistakes.values(), key=lambda m: (-m["count"], m["mistake"]))
    graded = sum(counts.values())
    return {
        "id": item, "kind": kind,
        "lesson": getattr(ex, "lesson", None),
        "section": getattr(ex, "section", None) or None,
        "graded": graded, **counts, "points_lost": round(lost, 4),
        "mistakes": ranked,
        "unnamed_failures": counts["zero"] + counts["partial"] - sum(m["count"] for m in ranked)
        - sum(knock_on.values()) if kind == "exercise" else None,
        "knock_on": [{"because_of": k, "count": n} for k, n in sorted(knock_on.items())],
        "answers": sorted(answers.values(), key=lambda a: (-a["count"], a["answer"]))
        if kind == "question" else None,
    }


def _attention(data):
    found = []
    roster = any(row.cells.get("student_id") for row in data.rows)
    for row in data.rows:
        reasons = []
        status = row.status
        if status and status != "ok":
            reasons.append(status)
        if roster and status != "missing" and not row.cells.get("student_id"):
            reasons.append(UNMATCHED)
        for start in OPTIONAL_FLAGS:
            for column, value in row.flags(start):
                reasons.append(f"{column}: {value}" if value.lower() not in ("1", "true", "yes")
                               else column)
        if reasons:
            found.append({"submission": unquote(row.submission),
                          "student_id": row.cells.get("student_id", ""),
                          "name": row.cells.get("name", ""), "status": status,
                          "reasons": reasons, "kind": _kind(status, row)})
    order = ["kernel died", "timeout", "memory", "flagged", "invalid notebook", "wrong lesson",
             "missing", "unmatched", "late", "superseded", "other"]
    return sorted(found, key=lambda a: (order.index(a["kind"]), a["submission"], a["name"]))


def _kind(status, row):
    for kind in ("kernel died", "timeout", "memory", "flagged", "invalid notebook",
                 "wrong lesson", "missing"):
        if kind in status:
            return kind
    if not row.cells.get("student_id"):
        return "unmatched"
    if row.flags("late") or re.search(r"\blate\b", status):
        return "late"
    if row.superseded:
        return "superseded"
    return "other"


def summarise(data: ClassData) -> dict:
    """The class's summary as plain data (see the module docstring); what ``summary.json`` holds."""
    counted = [r for r in data.rows if r.counted]
    scores = []
    for row in counted:
        total, possible = _number(row.cells.get("total")), _number(row.cells.get("possible"))
        if total is not None:
            scores.append({"submission": unquote(row.submission), "total": total,
                           "possible": possible})
    items = [_item_summary(data, item) for item in data.items]
    items = [i for i in items if i["graded"]]
    reteach = sorted(
        ({"item": i["id"], "mistake": m["mistake"], "count": m["count"], "message": m["message"],
          "section": m["section"]} for i in items if i["kind"] == "exercise"
         for m in i["mistakes"]),
        key=lambda m: (-m["count"], m["item"], m["mistake"]))
    seconds = [{"submission": unquote(r.submission), "seconds": float(r.report["seconds"])}
               for r in data.rows if r.report and isinstance(r.report.get("seconds"), (int, float))]
    totals = [s["total"] for s in scores]
    return {
        "gradebook": data.gradebook.name,
        "lessons": data.lessons,
        "students": {"rows": len(data.rows), "counted": len(counted),
                     "missing": sum(r.status == "missing" for r in data.rows),
                     "superseded": sum(r.superseded for r in data.rows)},
        "scores": scores,
        "mean": round(sum(totals) / len(totals), 4) if totals else None,
        "median": _median(totals),
        "items": sorted(items, key=lambda i: (-i["points_lost"], data.items.index(i["id"]))),
        "reteach": reteach,
        "attention": _attention(data),
        "timing": {"per_submission": sorted(seconds, key=lambda s: -s["seconds"]),
                   "total_seconds": round(sum(s["seconds"] for s in seconds), 3),
                   "mean_seconds": round(sum(s["seconds"] for s in seconds) / len(seconds), 3)
                   if seconds else None},
        "reports_without_row": data.unmatched_reports,
    }


def _median(values):
    values = sorted(values)
    if not values:
        return None
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


__all__ = ["ClassData", "ClassError", "Row", "load_class", "summarise", "item_possible",
           "mistake_message", "OPTIONAL_FLAGS"]
