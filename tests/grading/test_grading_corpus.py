"""Notebooks for the grader tests, built in code: a lesson-1 solution, its stub, hostile variants.

The builders live here (imported by the other ``test_grading_*`` files); the tests in this file
check the builders themselves, so a hostile test cannot pass because its corpus is broken.
"""

from __future__ import annotations

import nbformat
import numpy as np
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from rnncourse import nn
from rnncourse.checks import EXERCISES, QUESTIONS, check, exercises_for_lesson, points_for_lesson, questions_for_lesson
from tests.grading.real_lessons import solution_answers, solution_question_answers

LESSON = "01_feedforward_backprop"
POSSIBLE = points_for_lesson(LESSON)

# the solution's answers: every exercise's answer cell (solution markers dropped) and every
# question's literal answer (the grader reads those from the graded cells, never runs them)
CORRECT = solution_answers(LESSON)
QUESTION_ANSWERS = solution_question_answers(LESSON)
assert list(CORRECT) == [ex.id for ex in exercises_for_lesson(LESSON)]
assert list(QUESTION_ANSWERS) == [q.id for q in questions_for_lesson(LESSON)]

WRONG_TANH = "def tanh_backward(dout, cache):\n    return dout * (1.0 - cache)\n"

STUB = {ex_id: src.split("\n")[0] + "\n    raise NotImplementedError\n"
        for ex_id, src in CORRECT.items()}


def answer_cell(ex_id, source):
    return new_code_cell(source, metadata={"nbgrader": {
        "solution": True, "grade": False, "locked": False, "grade_id": f"{ex_id}-answer",
        "schema_version": 3}})


def check_cell(ex_id, fn_name=None):
    points = EXERCISES[ex_id].points
    return new_code_cell(f'check("{ex_id}", {fn_name or ex_id})', metadata={"nbgrader": {
        "solution": False, "grade": True, "locked": True, "grade_id": ex_id, "points": points,
        "schema_version": 3}})


def lesson_notebook(answers=None, before=(), after=(), lesson=LESSON, questions=None):
    """A lesson-1 style notebook: imports, then answer + check cell per exercise, then the
    graded cell of each question.

    answers : dict exercise id -> source (default: the correct ones)
    questions : dict question id -> answer literal (default: the right ones; the stub passes
        ``{}`` for questions left as ``...``)
    before, after : extra code sources placed before the first answer / after the last check
    """
    answers = dict(CORRECT if answers is None else answers)
    cells = [new_markdown_cell("# Lesson 1 (test copy)"),
             new_code_cell("import numpy as np\nfrom rnncourse.checks import check")]
    cells += [new_code_cell(src) for src in before]
    for ex_id in CORRECT:
        if ex_id in answers:
            cells.append(answer_cell(ex_id, answers[ex_id]))
        cells.append(check_cell(ex_id))
    questions = QUESTION_ANSWERS if questions is None else questions
    for q_id in QUESTION_ANSWERS:
        answer = questions.get(q_id, "...")
        cells.append(new_code_cell(f'check("{q_id}", {answer})', metadata={"nbgrader": {
            "solution": False, "grade": True, "locked": False, "grade_id": q_id,
            "points": QUESTIONS[q_id].points, "schema_version": 3}}))
    cells += [new_code_cell(src) for src in after]
    nb = new_notebook(cells=cells)
    nb.metadata["rnncourse"] = {"lesson": lesson, "exercises": list(CORRECT),
                                "points": {k: EXERCISES[k].points for k in CORRECT}}
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def with_wrong_tanh(before=(), after=()):
    answers = dict(CORRECT, tanh_backward=WRONG_TANH)
    return lesson_notebook(answers, before=before, after=after)


def write(nb, path):
    nbformat.write(nb, str(path))
    return path


# ----------------------------------------------------------------------------- tests of the builders
def _functions(nb):
    ns = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and not cell.source.startswith("check("):
            exec(cell.source.replace("from rnncourse.checks import check", ""), ns)
    return ns


def test_the_built_solution_passes_every_check_of_the_lesson():
    ns = _functions(lesson_notebook())
    for ex in exercises_for_lesson(LESSON):
        result = check(ex.id, ns[ex.id])
        assert result.passed, (ex.id, result.message)
    for q_id, answer in QUESTION_ANSWERS.items():
        assert check(q_id, eval(answer)).passed, q_id  # a literal from the solution notebook


def test_the_built_solution_agrees_with_the_library():
    ns = _functions(lesson_notebook())
    rng = np.random.default_rng(0)
    x, W, b = rng.standard_normal((3, 4)), rng.standard_normal((4, 2)), rng.standard_normal(2)
    out, _ = ns["affine_forward"](x, W, b)
    np.testing.assert_allclose(out, nn.affine_forward(x, W, b)[0], rtol=1e-12)
    h = np.tanh(x)
    np.testing.assert_allclose(ns["tanh_backward"](x, h), nn.tanh_backward(x, h), rtol=1e-12)


def test_the_wrong_tanh_really_is_wrong():
    ns = _functions(with_wrong_tanh())
    h = np.tanh(np.linspace(-2, 2, 6).reshape(2, 3))
    assert not np.allclose(ns["tanh_backward"](np.ones_like(h), h), 1 - h ** 2)


def test_the_stub_raises_not_implemented():
    ns = _functions(lesson_notebook(STUB))
    try:
        ns["tanh_backward"](np.ones(2), np.ones(2))
    except NotImplementedError:
        return
    raise AssertionError("the stub answered instead of raising NotImplementedError")
