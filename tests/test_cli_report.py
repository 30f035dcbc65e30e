"""``rnncourse report``: usage errors name the value; a hand-written gradebook gives every file."""

from __future__ import annotations

import importlib.util
import json

from rnncourse.cli import main
from tests.grading.reports.test_classview import _class


def test_a_missing_gradebook_and_a_bad_threshold_are_usage_errors(tmp_path, capsys):
    assert main(["report", "--gradebook", str(tmp_path / "none.csv")]) == 2
    assert "none.csv: no such gradebook" in capsys.readouterr().err
    assert main(["report", "--gradebook", str(tmp_path / "none.csv"), "--threshold", "2"]) == 2
    assert "--threshold 2.0: give a fraction between 0 and 1" in capsys.readouterr().err


def test_every_file_is_written(tmp_path, capsys):
    gradebook = _class(tmp_path)
    out = tmp_path / "out"
    assert main(["report", "--gradebook", str(gradebook), "--out", str(out)]) == 0
    similarity = importlib.util.find_spec("copydetect") is not None  # the extra [report]
    assert sorted(p.name for p in out.iterdir()) == [
        "class-report.html", "feedback", "figures", *(["similarity.html"] * similarity),
        "summary.json"]
    if not similarity:  # the page says why there is no similarity check
        assert "No similarity check: copydetect is not installed" in (
            out / "class-report.html").read_text(encoding="utf-8")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["students"]["counted"] == 6
    # one page per row with a report (the notebooks are not there: the page says so)
    pages = sorted(p.name for p in (out / "feedback").iterdir())
    assert pages == ["r0.html", "r1.html", "r2.html", "r3.html", "r4.html"]
    assert "Your notebook could not be shown." in (out / "feedback" / "r2.html").read_text(
        encoding="utf-8")
    assert "5 feedback page(s)" in capsys.readouterr().err
