"""checks.engine.answers: a question's answer is read statically, as a literal, and never run."""

from __future__ import annotations

from pathlib import Path

import pytest

from rnncourse.checks.engine.answers import NOT_A_LITERAL, answer_above, read_answer


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
