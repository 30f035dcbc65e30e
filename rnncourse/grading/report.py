"""The outputs of a batch: the gradebook CSV, one JSON report and one feedback file per submission.

Gradebook (``--out``, default ``gradebook.csv``): one row per submission, columns ``submission``,
``lesson``, ``status``, one column per exercise (points earned; empty when that exercise is not
part of the submission's lesson), ``total`` and ``possible``. Cells that a spreadsheet would run
as a formula (starting with ``=``, ``+``, ``-`` or ``@``) are prefixed with ``'``.

JSON reports (``<out stem>-reports/<name>.json``): everything known about one submission — the
seed of the test cases, the status and the problems behind it, every cell's outcome, and per
exercise the points, the message, each case's verdict, and any flag.

Feedback (``--feedback DIR``, ``<name>.txt``): what a student should read — what passed, what
failed and why, in the words of the notebook's own checks.

Every file is written to a temporary name and renamed into place, after all grading finished.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

from rnncourse.checks import EXERCISES
from rnncourse.grading.loading import safe_file_stem


def exercise_columns(rows):
    """Exercise ids of every lesson in the batch, in catalogue order."""
    lessons = {row.get("lesson") for row in rows}
    return [ex_id for ex_id, ex in EXERCISES.items() if ex.lesson in lessons]


def fill_points(row):
    """Set ``total`` and ``possible`` of a row from its exercises (0 for ungraded ones)."""
    lesson = row.get("lesson")
    if not isinstance(row.get("exercises"), dict):
        row["exercises"] = {}
    graded = row["exercises"]
    possible, total = 0, 0
    for ex_id, ex in EXERCISES.items():
        if ex.lesson != lesson:
            continue
        entry = graded.get(ex_id)
        if entry is None:
            entry = {"points": 0, "possible": ex.points, "passed": False, "flag": None,
                     "message": "not graded: " + row.get("status", "no result"), "cases": []}
            graded[ex_id] = entry
        possible += ex.points
        total += int(entry.get("points", 0))
    row["total"], row["possible"] = total, possible
    row.setdefault("problems", [])
    row.setdefault("cells", [])


def _cell(value):
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def gradebook_text(rows, columns):
    """The CSV text of the gradebook."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["submission", "lesson", "status", *columns, "total", "possible"])
    for row in rows:
        points = []
        for ex_id in columns:
            entry = row["exercises"].get(ex_id)
            points.append("" if entry is None else entry["points"])
        writer.writerow([_cell(row["name"]), _cell(row.get("lesson") or ""),
                         _cell(row["status"]), *points, row["total"], row["possible"]])
    return buf.getvalue()


def feedback_text(row):
    """The readable feedback for one submission."""
    lines = [f"Feedback for {row['name']}", "=" * min(72, len(row["name"]) + 13), ""]
    lines.append(f"Lesson: {row.get('lesson') or 'unknown'}")
    lines.append(f"Score: {row['total']} / {row['possible']}")
    lines.append(f"Status: {row['status']}")
    if row["status"].startswith("invalid notebook"):
        lines += ["", "Your notebook could not be graded. Open it in JupyterLab, check that it "
                  "is the lesson notebook you were given, save it, and submit it again."]
    for problem in row.get("problems", []):
        lines.append(f"  - {problem}")
    errors = [c for c in row.get("cells", []) if c.get("status") == "error"]
    if errors:
        lines += ["", "Cells that raised an error when your notebook was run from the top:"]
        for c in errors[:20]:
            lines.append(f"  - cell {c['cell']}: {c.get('ename')}: {(c.get('evalue') or '')[:200]}")
    for ex_id, entry in row["exercises"].items():
        mark = "PASSED" if entry.get("passed") else ("FLAGGED" if entry.get("flag") else "FAILED")
        fn = entry.get("function") or ex_id
        lines += ["", f"[{mark}] {ex_id} ({fn}): {entry['points']} / {entry['possible']} points"]
        for text_line in str(entry.get("message", "")).splitlines():
            lines.append(f"    {text_line}")
    lines += ["", "The grader ran your notebook from the top in a fresh kernel, then tested each "
              "function on new random inputs (not the ones your notebook's checks use)."]
    return "\n".join(lines) + "\n"


def _write_atomic(path, text):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def reports_dir(out):
    out = Path(out)
    return out.parent / f"{out.stem}-reports"


def write_all(rows, columns, out, feedback, batch_info):
    """Write the gradebook, the JSON reports and (with ``feedback``) the feedback files."""
    _write_atomic(out, gradebook_text(rows, columns))
    folder = reports_dir(out)
    for row in rows:
        stem = safe_file_stem(row["name"])
        row["files"] = {"stem": stem}
        data = {"batch": batch_info, **{k: v for k, v in row.items() if k != "files"}}
        _write_atomic(folder / f"{stem}.json", json.dumps(data, indent=1, default=str))
        if feedback is not None:
            _write_atomic(Path(feedback) / f"{stem}.txt", feedback_text(row))
