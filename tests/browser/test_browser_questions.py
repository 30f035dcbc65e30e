"""A self-check question in JupyterLab: answered wrongly, then rightly, with the widget's buttons,
the feedback panel under the widget changes from the misconception to the explanation; the code
way (the graded cell) gives the same verdict."""

from __future__ import annotations

import pytest

from tests.browser.labdriver import load_notebook, REPO

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
    feedback.get_by_text("✗ FAILED").wait_for(timeout=30_000)
    wrong_text = feedback.inner_text()
    assert "Not quite: A node used by several others is fine" in wrong_text, wrong_text
    page.scroll_to(widget)
    notebooks.shot(page, f"{QUESTION}-wrong")

    cell.locator(".widget-radio-box label", has_text=f"{RIGHT})").click()
    cell.locator("button", has_text="Check").click()
    feedback.get_by_text("✓ PASSED").wait_for(timeout=30_000)
    right_text = feedback.inner_text()
    assert "Right. delta_h needs delta_hWh" in right_text and "Not quite" not in right_text
    notebooks.shot(page, f"{QUESTION}-right")

    # the code way: the graded cell, still `...` in the lesson, says "not answered yet"
    cells = page.run_cell(graded)
    assert "not answered yet" in cells[graded]["text"], cells[graded]["text"]
    page.replace_cell_text(graded, f'check("{QUESTION}", "{RIGHT}")')
    cells = page.run_cell(graded)
    assert "✓ PASSED" in cells[graded]["text"], cells[graded]["text"]
