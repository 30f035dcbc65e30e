"""checks.engine.answers: a question's answer is read statically, as a literal, and never run."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnncourse.checks.engine.answers import NOT_A_LITERAL, answer_above, read_answer
from rnncourse.checks.engine.question import NOT_RETURNED


@pytest.mark.parametrize("source, answer", [
    ('check("q04_x", "b")', "b"),
    ("check('q04_x', {'a', 'c'})", {"a", "c"}),
    ('check("q04_x", ["c", "a"])', ["c", "a"]),
    ('check("q04_x", 1.3e-4)', 1.3e-4),
    ('check("q04_x", -2)', -2),
    ('check("q04_x", ...)  # your answer in place of ...', ...),
    ('x = 1\ncheck("q04_x", "d")\n', "d"),
])
def test_the_literal_answer_is_read(source, answer):
    assert read_answer(source, "q04_x") == (answer, None)


@pytest.mark.parametrize("source, problem", [
    ('check("q04_x", __import__("os").system("touch /tmp/pwned-by-a-question"))',
     NOT_A_LITERAL.format(id="q04_x")),
    ('answer = "b"\ncheck("q04_x", answer)', NOT_A_LITERAL.format(id="q04_x")),
    ('check("q04_y", "b")', 'the graded cell does not call check("q04_x", <answer>)'),
    ('check("q04_x", "b"', "the graded cell is not valid Python"),
    ("check('q04_x', " + "[" * 200 + "]" * 200 + ")", None),  # deep but a literal: fine or refused
    ('check("q04_x", "' + "b" * 20000 + '")', "the graded cell is longer than 10000 characters"),
])
def test_anything_else_is_a_problem_and_nothing_is_run(source, problem):
    answer, found = read_answer(source, "q04_x")
    if problem is not None:
        assert (answer, found) == (None, problem)
    assert not Path("/tmp/pwned-by-a-question").exists()


def test_the_answer_above_is_the_last_cell_that_calls_check_with_the_id():
    sources = ['check("q04_x", "a")', 'ask("q04_x")', 'check("q04_x", "c")\n', 'print(1)']
    assert answer_above(sources, "q04_x") == ("c", None)
    assert answer_above(['check("q04_x", b)'], "q04_x") == (None, NOT_A_LITERAL.format(id="q04_x"))
    assert answer_above(['ask("q04_x")', "not python ("], "q04_x") is None
    assert answer_above([], "q04_x") is None


NBGRADER_FORM = ('def q04_x():\n'
                 '    """Your answer to self-check q04_x: return the letter of one option."""\n'
                 '{body}\n\n\n'
                 'check("q04_x", q04_x)\n')


@pytest.mark.parametrize("body, answer", [
    ('    return "b"', ("b", None)),
    ("    return {'a', 'c'}", ({"a", "c"}, None)),
    ("    # YOUR CODE HERE\n    raise NotImplementedError()", (NOT_RETURNED, None)),  # the stub
    ('    return __import__("os").system("touch /tmp/pwned-by-a-question")',
     (None, NOT_A_LITERAL.format(id="q04_x"))),
    ('    print("b")\n    return "b"', (None, NOT_A_LITERAL.format(id="q04_x"))),
])
def test_the_nbgrader_form_is_read_from_the_function_it_gives_check(body, answer):
    assert read_answer(NBGRADER_FORM.format(body=body), "q04_x") == answer
    assert not Path("/tmp/pwned-by-a-question").exists()


def _cells(*sources, metadata=None):
    return {"cells": [{"cell_type": "code", "source": s, "metadata": dict(metadata or {})}
                      for s in sources]}


def test_a_question_whose_cell_lost_its_metadata_is_read_from_its_last_check_cell():
    from rnncourse.checks import QUESTIONS
    from rnncourse.checks.engine.answers import read_answers

    q = QUESTIONS["q04_order_forced"]
    other_editor = {"vscode": {"languageId": "python"}}  # all another editor kept
    nb = _cells('ask("q04_order_forced")', 'check("q04_order_forced", "a")', "x = 1",
                'check("q04_order_forced", "c")', metadata=other_editor)
    notes = {}
    assert read_answers(nb, [q], notes) == {"q04_order_forced": ("c", None)}
    assert notes == {"q04_order_forced": (
        "The graded cell of q04_order_forced was not found by its metadata (the cell lost its "
        "nbgrader metadata), so the answer was read from the last code cell that calls "
        'check("q04_order_forced", ...).')}
    nothing = read_answers(_cells("x = 1", metadata=other_editor), [q], notes := {})
    assert nothing["q04_order_forced"][0] is None and not notes
    assert "no graded check cell for q04_order_forced was found" in nothing["q04_order_forced"][1]
