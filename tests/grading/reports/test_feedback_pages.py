"""Every student's HTML feedback, opened in Chromium: their notebook with each verdict after the
cell it is about, nothing hidden shown, and nothing of a hostile student's run."""

from __future__ import annotations

import json

import pytest

from tests.grading.reports.conftest import EVIL_FOLDER, open_page, rnncourse

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def feedback(graded_class):
    week, python = graded_class
    proc = rnncourse(python, week, "report", "--out", "report")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return week


def _report(week, who):
    [path] = [p for p in (week / "gradebook-reports").glob("*.json")
              if json.loads(p.read_text(encoding="utf-8"))["name"].startswith(who + "/")]
    return path.stem, json.loads(path.read_text(encoding="utf-8"))


def test_every_graded_student_gets_a_page_and_the_text_stays(feedback):
    week = feedback
    reports = sorted(p.stem for p in (week / "gradebook-reports").glob("*.json"))
    assert sorted(p.stem for p in (week / "report" / "feedback").glob("*.html")) == reports
    assert sorted(p.stem for p in (week / "feedback").glob("*.txt")) == reports


def test_bobs_page_shows_each_verdict_after_its_cell_and_nothing_hidden(feedback, chromium):
    week = feedback
    stem, report = _report(week, "bob")
    page, errors, requests, close = open_page(chromium, week / "report" / "feedback" / f"{stem}.html")
    try:
        assert errors == [] and requests == []
        text = page.text_content("body")
        for item in report["exercises"]:
            # the verdict block comes right after the graded cell of its exercise or question
            before = page.evaluate(
                "id => document.getElementById(id).previousElementSibling.textContent",
                f"verdict-{item}")
            assert f'check("{item}"' in before, item
        tanh = page.text_content("#verdict-tanh_backward")
        assert "0 / 1 points" in tanh and "tanh_no_square" in tanh
        assert report["exercises"]["tanh_backward"]["message"] in tanh
        assert "lesson 1, section 5" in tanh
        points = page.eval_on_selector("#points", "t => Array.from(t.tBodies[0].rows).map("
                                       "r => [r.cells[0].textContent, r.cells[1].textContent])")
        assert dict(points) == {k: f"{v['points']:g} / {v['possible']:g}"
                                for k, v in report["exercises"].items()}
        # no later case, no seed
        hidden = [c["message"] for c in report["exercises"]["tanh_backward"]["cases"][1:]]
        assert hidden and not any(h in text for h in hidden)
        assert "seed" not in text.lower() and str(report["seed"]) not in text
    finally:
        close()


def test_the_hostile_students_page_runs_and_loads_nothing(feedback, chromium):
    week = feedback
    stem, report = _report(week, EVIL_FOLDER)
    page, errors, requests, close = open_page(chromium, week / "report" / "feedback" / f"{stem}.html")
    try:
        assert page.evaluate("typeof window.pwned") == "undefined"
        assert errors == [] and requests == []
        assert page.locator("script, iframe, svg, [onerror], a[href^='javascript:']").count() == 0
        assert page.locator("img:not([src^='data:'])").count() == 0
        text = page.text_content("body")
        assert EVIL_FOLDER in text  # the folder name, as text
        assert "</pre></code><script>" in text  # their code, as text
        assert "click me" in text  # the output's text stays, its link is gone
    finally:
        close()
