"""A self-check question in JupyterLab: answered wrongly, then rightly, with the widget's buttons,
the feedback panel under the widget changes from the misconception to the explanation; the code
way (the graded cell) gives the same verdict. Answered with the buttons only, saved and graded,
the question scores what the widget said it would (nothing: the widget says plainly that the
buttons hand nothing in); with the line the widget shows put in the graded cell, it scores its
points."""

from __future__ import annotations

import csv
import os
import subprocess
import sys

import pytest

from rnncourse.checks import QUESTIONS
from tests.browser.labdriver import REPO, load_notebook

pytestmark = pytest.mark.browser

LESSON = REPO / "lessons" / "02_recurrence_and_cycles.ipynb"
QUESTION = "q02_cycle"
WRONG, RIGHT = "c", "b"  # the key is known to the tests (tests/checks/question_key.py)


def _cells():
    cells = load_notebook(LESSON)["cells"]
    graded = next(i for i, c in enumerate(cells)
                  if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == QUESTION)
    imports = next(i for i, c in enumerate(cells)
                   if "from rnncourse.checks import ask, check" in "".join(c["source"]))
    return imports, graded - 1, graded


def test_a_wrong_then_a_right_answer_changes_the_feedback(notebooks):
    imports, widget, graded = _cells()
    page = notebooks.open(LESSON, "lessons")
    page.run_cell(imports)
    page.run_cell(widget)
    cell = page.cell(widget)
    cell.locator(".widget-radio-box label", has_text=f"{WRONG})").click()
    cell.locator("button", has_text="Check").click()
    feedback = cell.locator(".widget-output")
    feedback.get_by_text("✗ NOT RIGHT YET").wait_for(timeout=30_000)
    wrong_text = feedback.inner_text()
    assert "Not quite: A node used by several others is fine" in wrong_text, wrong_text
    page.scroll_to(widget)
    notebooks.shot(page, f"{QUESTION}-wrong")

    cell.locator(".widget-radio-box label", has_text=f"{RIGHT})").click()
    cell.locator("button", has_text="Check").click()
    feedback.get_by_text("✓ RIGHT").wait_for(timeout=30_000)
    right_text = feedback.inner_text()
    assert "Right. delta_h needs delta_hWh" in right_text and "Not quite" not in right_text
    notebooks.shot(page, f"{QUESTION}-right")

    # the code way: the graded cell, still `...` in the lesson, says "not answered yet"
    cells = page.run_cell(graded)
    assert "not answered yet" in cells[graded]["text"], cells[graded]["text"]
    page.replace_cell_text(graded, f'check("{QUESTION}", "{RIGHT}")')
    cells = page.run_cell(graded)
    assert "✓ PASSED" in cells[graded]["text"], cells[graded]["text"]


def _grade(notebook, folder):
    """``rnncourse grade`` the saved notebook as an instructor does; returns its gradebook row."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    done = subprocess.run([sys.executable, "-m", "rnncourse", "grade", "--seed", "0", "--out",
                           str(folder / "gradebook.csv"), "--feedback", str(folder / "feedback"),
                           str(notebook)], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    with open(folder / "gradebook.csv", newline="") as fh:
        [row] = list(csv.DictReader(fh))
    return row


def test_an_answer_given_with_the_buttons_only_scores_what_the_widget_said(notebooks, lab_server,
                                                                          tmp_path):
    imports, widget, graded = _cells()
    page = notebooks.open(LESSON, "handed-in")
    page.run_cell(imports)
    page.run_cell(widget)
    cell = page.cell(widget)
    cell.locator(".widget-radio-box label", has_text=f"{RIGHT})").click()
    cell.locator("button", has_text="Check").click()
    feedback = cell.locator(".widget-output")
    feedback.get_by_text("✓ RIGHT").wait_for(timeout=30_000)
    said = cell.inner_text()
    line = feedback.locator(".rnncourse-hand-in code").inner_text().strip()
    notebooks.shot(page, f"{QUESTION}-buttons-only")
    # what the widget says: the buttons hand nothing in, and which line does
    assert "it hands in nothing" in said and "Not handed in yet" in said, said
    assert "points)" not in said  # no points claimed for the buttons
    assert line == f'check("{QUESTION}", "{RIGHT}")'

    page.save()
    saved = lab_server.root_dir / page.path
    first = _grade(saved, tmp_path / "buttons")
    assert float(first[QUESTION]) == 0.0  # as the widget said: nothing was handed in

    page.replace_cell_text(graded, line)  # the line the widget showed, as the learner pastes it
    cells = page.run_cell(graded)
    assert "✓ PASSED" in cells[graded]["text"], cells[graded]["text"]
    page.save()
    second = _grade(saved, tmp_path / "cell")
    assert float(second[QUESTION]) == QUESTIONS[QUESTION].points
