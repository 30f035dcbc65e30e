"""The student version of each lesson, as a learner uses it: the first exercise shows the
``raise NotImplementedError`` placeholder and its check panel reads "✗ FAILED"; after the learner
replaces the answer cell's text in the editor and re-runs the answer and the check, the panel
reads "✓ PASSED".

Lesson 00's answer is typed key by key (with the editor's own auto-indent); the others are
pasted from the solution notebook's answer cell.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.labdriver import REPO, load_notebook, notebooks_in

pytestmark = pytest.mark.browser

LESSONS = notebooks_in("lessons")
# Lesson 00 (typed answer) and the last lesson (a pasted multi-line answer) keep the suite fast;
# every lesson's placeholders are also checked headlessly by tests/test_notebooks.py.
SAMPLE = [LESSONS[0], LESSONS[-1]] if len(LESSONS) > 1 else LESSONS
TYPED_ANSWERS = {  # lesson stem -> lines typed with the keyboard (Enter between them)
    "00_welcome": ["def warmup_sum_of_squares(x):", "return float((x ** 2).sum())"],
}


def _source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def first_exercise(lesson_path):
    """(exercise id, answer cell index, check cell index, the solution's answer source) or None."""
    lesson = load_notebook(lesson_path)
    solution_path = REPO / "solutions" / lesson_path.name
    if not solution_path.exists():
        return None
    solution = load_notebook(solution_path)
    ids = [_grade_id(c) for c in lesson["cells"]]
    for check_index, cell in enumerate(lesson["cells"]):
        nbgrader = cell.get("metadata", {}).get("nbgrader", {})
        if nbgrader.get("grade") and f"{nbgrader.get('grade_id')}-answer" in ids:
            exercise = nbgrader["grade_id"]
            answer_index = ids.index(f"{exercise}-answer")
            answers = [_source(c) for c in solution["cells"] if _grade_id(c) == f"{exercise}-answer"]
            if answers and answer_index < check_index:
                return exercise, answer_index, check_index, answers[0]
    return None


def _normalise(text):
    return [line.rstrip() for line in text.replace("\u00a0", " ").strip().splitlines() if line.strip()]


@pytest.mark.parametrize("lesson_path", SAMPLE, ids=lambda p: p.stem)
def test_placeholder_fails_then_a_typed_answer_passes(lesson_path, notebooks):
    found = first_exercise(lesson_path)
    if found is None:
        pytest.skip(f"{lesson_path.name} has no exercise with an answer cell and a check cell")
    exercise, answer, check, solution_answer = found
    page = notebooks.open(lesson_path, "lessons")

    # Run everything above the check cell, then the check itself: the placeholder must fail.
    page.select_cell(check)
    page.menu("Run", "Run All Above Selected Cell")
    page.page.wait_for_timeout(300)
    page.wait_until_settled(timeout=120)
    cells = page.run_cell(check)
    page.scroll_to(check)
    assert "raise NotImplementedError" in cells[answer]["source"], \
        f"{exercise}: the answer cell does not show the placeholder: {cells[answer]['source'][:300]!r}"
    check_text = cells[check]["text"]
    assert "✗ FAILED" in check_text, f"{exercise}: the check does not fail on the placeholder: {check_text!r}"
    assert "NotImplementedError" in check_text, \
        f"{exercise}: the failing panel does not say the placeholder is still there: {check_text!r}"
    notebooks.shot(page, f"{exercise}-placeholder-fails")

    # Write the answer in the editor, the way a learner does.
    if lesson_path.stem in TYPED_ANSWERS:
        lines = TYPED_ANSWERS[lesson_path.stem]
        editor = page.cell(answer).locator(".cm-content")
        editor.click()
        page.page.keyboard.press("ControlOrMeta+a")
        page.page.keyboard.press("Delete")
        for number, line in enumerate(lines):
            if number:
                page.page.keyboard.press("Enter")  # the editor indents the body itself
            page.page.keyboard.type(line, delay=5)
        expected = [lines[0]] + ["    " + line for line in lines[1:]]
    else:
        page.replace_cell_text(answer, solution_answer)
        expected = _normalise(solution_answer)
    shown = _normalise(page.state()[answer]["source"])
    assert shown == expected, f"{exercise}: the editor shows {shown!r}, expected {expected!r}"

    page.run_cell(answer)
    cells = page.run_cell(check)
    page.scroll_to(check)
    notebooks.shot(page, f"{exercise}-answer-passes")
    check_text = cells[check]["text"]
    assert "✓ PASSED" in check_text and "✗ FAILED" not in check_text, \
        f"{exercise}: the check does not pass after the answer was entered: {check_text!r}"
    assert not re.search(r"Traceback", cells[answer]["text"]), cells[answer]["text"]
