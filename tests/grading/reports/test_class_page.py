"""``rnncourse report`` on a graded class, opened in real Chromium.

The page must run none of the hostile student's planted scripts, log no console error, ask for
nothing outside the file, show every figure, fit a laptop's width, sort its tables, and show the
numbers this test computes itself from the gradebook CSV and the JSON reports.
"""

from __future__ import annotations

import csv
import json
import shlex
from collections import Counter
from pathlib import Path

import pytest

from rnncourse.checks import EXERCISES, QUESTIONS
from tests.grading.reports.conftest import EVIL_FOLDER, open_page, rnncourse

pytestmark = pytest.mark.slow


GUIDE = (Path(__file__).resolve().parents[3] / "docs" / "grading.md").read_text(encoding="utf-8")
COMMAND = "rnncourse report --gradebook gradebook.csv --out report/"


@pytest.fixture(scope="module")
def report(graded_class):
    """The class report, made by the command the guide shows (section 10)."""
    assert COMMAND in GUIDE
    week, python = graded_class
    proc = rnncourse(python, week, *shlex.split(COMMAND)[1:])
    assert proc.returncode == 0, proc.stderr[-3000:]
    return week


def _rows(week):
    with open(week / "gradebook.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _expected_bands(week):
    """``{item: (full, partial, zero)}`` over the graded rows, from the CSV and the catalogue."""
    bands = {}
    for row in _rows(week):
        if row["status"] == "missing":
            continue
        for item, ex in {**EXERCISES, **QUESTIONS}.items():
            if row.get(item, "") == "":
                continue
            got = float(row[item])
            band = 0 if got >= ex.points else (2 if got == 0 else 1)
            counts = bands.setdefault(item, [0, 0, 0])
            counts[band] += 1
    return {k: tuple(v) for k, v in bands.items()}


def _expected_mistakes(week):
    found = Counter()
    for path in (week / "gradebook-reports").glob("*.json"):
        for item, entry in json.loads(path.read_text(encoding="utf-8"))["exercises"].items():
            if item in EXERCISES and not entry["passed"] and entry.get("mistake") \
                    and not entry.get("knock_on") and not entry.get("flag"):
                found[(item, entry["mistake"])] += 1
    return found


def _table(page, table_id):
    return page.eval_on_selector(
        f"#{table_id}", "t => Array.from(t.tBodies[0].rows).map("
        "r => Array.from(r.cells).map(c => c.textContent.trim()))")


def test_the_class_page_in_chromium(report, chromium):
    week = report
    page, errors, requests, close = open_page(chromium, week / "report" / "class-report.html")
    try:
        # nothing of the student's ran, nothing left the file, nothing complained
        assert page.evaluate("typeof window.pwned") == "undefined"
        assert requests == []
        assert errors == []
        assert page.locator("a[href^='javascript:'], [onerror], iframe").count() == 0

        # every figure is there and decoded; the same figures are written as PNG files
        images = page.eval_on_selector_all(
            "figure img", "imgs => imgs.map(i => [i.complete, i.naturalWidth])")
        assert len(images) == 4 and all(done and width > 100 for done, width in images)
        assert sorted(p.name for p in (week / "report" / "figures").iterdir()) == [
            "grading_time.png", "item_outcomes.png", "score_distribution.png",
            "top_mistakes.png"]

        # the numbers, computed here from the gradebook and the reports
        bands = _expected_bands(week)
        shown = {r[0]: tuple(int(x) for x in r[1:4]) for r in _table(page, "items-table")}
        assert shown == bands
        assert bands["tanh_backward"][2] == 1 and bands["q01_backprop_order"][2] == 1  # bob, dave
        mistakes = _expected_mistakes(week)
        counted = sum(r["status"] != "missing" for r in _rows(week))
        reteach = {(r[1], r[2]): r[0] for r in _table(page, "reteach-table")}
        assert reteach == {k: f"{n} of {counted}" for k, n in mistakes.items()}
        assert ("tanh_backward", "tanh_no_square") in reteach
        summary = json.loads((week / "report" / "summary.json").read_text(encoding="utf-8"))
        assert {(m["item"], m["mistake"]): m["count"] for m in summary["reteach"]} == mistakes
        totals = [float(r["total"]) for r in _rows(week) if r["status"] != "missing"]
        assert summary["mean"] == pytest.approx(sum(totals) / len(totals), abs=1e-4)

        # the instructor's list: the timeout and the missing student, by name
        attention = _table(page, "attention-table")
        assert any("Frank Fox" in r[1] and "timeout" in r[2] for r in attention)
        assert any("Erin Evans" in r[1] and r[2] == "missing" for r in attention)
        assert any(r[0].startswith(EVIL_FOLDER) and "no roster entry" in r[2] for r in attention)

        # a wrong answer with its misconception; the hostile answer shown as text
        answers = _table(page, "answers-q01_backprop_order")
        assert any(r[1] == "'b'" and r[2] == "wrong" and r[3] == "forward_order" for r in answers)
        consumer = _table(page, "answers-q01_consumer_sum")
        assert any("<script>" in r[1] for r in consumer)
        assert EVIL_FOLDER in page.text_content("body")  # the folder name, as text

        # nothing wider than a laptop's window, with every <details> open
        page.eval_on_selector_all("details", "ds => ds.forEach(d => d.open = true)")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

        # tables sort by a click on a header
        page.click("#scores-table thead th:nth-child(2) button")
        first = [float(r[1]) for r in _table(page, "scores-table")]
        assert first == sorted(first, reverse=True)
        page.click("#scores-table thead th:nth-child(2) button")
        again = [float(r[1]) for r in _table(page, "scores-table")]
        assert again == sorted(first)
        # every feedback page and the similarity page are linked, and exist
        hrefs = page.eval_on_selector_all("#feedback-table a, #similar a",
                                          "links => links.map(a => a.getAttribute('href'))")
        reports = sorted(p.stem for p in (week / "gradebook-reports").glob("*.json"))
        assert sorted(h for h in hrefs if h.startswith("feedback/")) == [
            f"feedback/{stem}.html" for stem in reports]
        assert "similarity.html" in hrefs
        assert all((week / "report" / h).is_file() for h in hrefs)
        assert errors == [] and requests == []
    finally:
        close()
