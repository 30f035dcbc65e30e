"""grading.writers: the gradebook CSV and the feedback files."""

from __future__ import annotations

import json

import pytest

from rnncourse.grading import writers
from rnncourse.grading.results import Status, SubmissionResult


# ----------------------------------------------------------------------------- reports
def _row(name, status=Status.OK, points=1):
    row = SubmissionResult(name=name, status=status, lesson="00_welcome", exercises={
        "warmup_sum_of_squares": {"points": points, "possible": 1, "passed": bool(points),
                                  "flag": None, "message": "All 5 test cases pass."}})
    return row.score()


def test_gradebook_has_one_row_per_submission_and_defuses_formulas():
    rows = [_row("=HYPERLINK(1).ipynb"), _row("b.ipynb", Status.TIMEOUT, 0)]
    text = writers.gradebook_text(rows, writers.exercise_columns(rows))
    lines = text.splitlines()
    assert lines[0] == "submission,lesson,status,warmup_sum_of_squares,total,possible"
    assert lines[1] == "'=HYPERLINK(1).ipynb,00_welcome,ok,1,1,1"
    assert lines[2] == "b.ipynb,00_welcome,timeout,0,0,1"


def test_feedback_names_what_passed_and_what_failed():
    text = writers.feedback_text(_row("a.ipynb"))
    assert "[PASSED] warmup_sum_of_squares" in text and "Score: 1 / 1" in text
    invalid = SubmissionResult.invalid("empty file", name="x.ipynb").score()
    assert "could not be graded" in writers.feedback_text(invalid)


def test_the_registry_runs_every_wanted_writer(tmp_path):
    assert list(writers.WRITERS) == ["gradebook", "json", "feedback"]
    rows = [_row("a.ipynb"), SubmissionResult.invalid("empty file", name="b.ipynb").score()]
    options = {"out": tmp_path / "gb.csv", "feedback": None}
    writers.write_all(rows, writers.exercise_columns(rows), {"seed": 1}, options)
    assert (tmp_path / "gb.csv").read_text().splitlines()[2] == \
        "b.ipynb,,invalid notebook: empty file,,0,0"
    reports = sorted(p.name for p in (tmp_path / "gb-reports").iterdir())
    assert len(reports) == 2 and not (tmp_path / "feedback").exists()  # feedback not asked for
    data = json.loads((tmp_path / "gb-reports" / reports[0]).read_text())
    assert data["batch"] == {"seed": 1} and data["status"] == "ok" and data["total"] == 1
    writers.write_all(rows, [], {}, dict(options, feedback=tmp_path / "fb"), ["feedback"])
    assert len(list((tmp_path / "fb").glob("*.txt"))) == 2
    with pytest.raises(ValueError, match="unknown writer 'lms'; known writers: gradebook, json, "
                                         "feedback"):
        writers.write_all(rows, [], {}, options, ["lms"])
