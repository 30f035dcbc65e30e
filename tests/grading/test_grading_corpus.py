"""Notebooks for the grader tests, built in code: a lesson-1 solution, its stub, hostile variants.

The builders live here (imported by the other ``test_grading_*`` files); the tests in this file
check the builders themselves, so a hostile test cannot pass because its corpus is broken.
"""

from __future__ import annotations

import nbformat
import numpy as np
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from rnncourse import nn
from rnncourse.checks import EXERCISES, QUESTIONS, points_for_lesson, questions_for_lesson

LESSON = "01_feedforward_backprop"
POSSIBLE = points_for_lesson(LESSON)  # 8 for the exercises + 4 questions x 0.5 = 10

# the lesson's self-check questions, answered rightly (the key is known to the tests:
# tests/checks/question_key.py); the grader reads them from the graded cells, never runs them
QUESTION_ANSWERS = {"q01_backprop_order": '"a"', "q01_chain_rule_number": "0.917",
                    "q01_consumer_sum": '"c"', "q01_tiny_entry": '"b"'}
assert list(QUESTION_ANSWERS) == [q.id for q in questions_for_lesson(LESSON)]

CORRECT = {
    "affine_forward": "def affine_forward(x, W, b):\n    out = x @ W + b\n    return out, (x, W, b)\n",
    "affine_backward": (
        "def affine_backward(dout, cache):\n"
        "    x, W, b = cache\n"
        "    return dout @ W.T, x.T @ dout, dout.sum(axis=0)\n"),
    "tanh_backward": "def tanh_backward(dout, cache):\n    return dout * (1.0 - cache ** 2)\n",
    "softmax_cross_entropy": (
        "def softmax_cross_entropy(scores, y):\n"
        "    N = scores.shape[0]\n"
        "    s = scores - scores.max(axis=1, keepdims=True)\n"
        "    p = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)\n"
        "    loss = float(-np.log(p[np.arange(N), y]).mean())\n"
        "    d = p.copy()\n"
        "    d[np.arange(N), y] -= 1.0\n"
        "    return loss, d / N\n"),
    "numerical_gradient": (
        "def numerical_gradient(f, x, h=1e-5):\n"
        "    grad = np.zeros_like(x)\n"
        "    for i in np.ndindex(x.shape):\n"
        "        old = x[i]\n"
        "        x[i] = old + h\n"
        "        fp = f()\n"
        "        x[i] = old - h\n"
        "        fm = f()\n"
        "        x[i] = old\n"
        "        grad[i] = (fp - fm) / (2 * h)\n"
        "    return grad\n"),
}

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


def test_the_built_solution_is_correct_against_the_library():
    ns = _functions(lesson_notebook())
    rng = np.random.default_rng(0)
    x, W, b = rng.standard_normal((3, 4)), rng.standard_normal((4, 2)), rng.standard_normal(2)
    out, _ = ns["affine_forward"](x, W, b)
    np.testing.assert_allclose(out, nn.affine_forward(x, W, b)[0], rtol=1e-12)
    dout = rng.standard_normal((3, 2))
    for got, exp in zip(ns["affine_backward"](dout, (x, W, b)),
                        nn.affine_backward(dout, (x, W, b))):
        np.testing.assert_allclose(got, exp, rtol=1e-12)
    h = np.tanh(x)
    np.testing.assert_allclose(ns["tanh_backward"](x, h), nn.tanh_backward(x, h), rtol=1e-12)
    y = np.array([0, 1, 1])
    loss, d = ns["softmax_cross_entropy"](x, y)
    ref_loss, ref_d = nn.softmax_cross_entropy(x, y)
    assert abs(loss - ref_loss) < 1e-12
    np.testing.assert_allclose(d, ref_d, rtol=1e-12)


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
