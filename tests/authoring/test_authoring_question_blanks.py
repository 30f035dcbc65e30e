"""authoring.questions: a question's answer in the solution becomes ``...`` in the lesson."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from rnncourse.authoring import generate_lesson
from rnncourse.authoring.markup import MarkupError
from rnncourse.authoring.question_blanks import blank_line, blank_question_answers
from rnncourse.checks import QUESTIONS, check


def question_cell(source, grade_id, points=0.5):
    return new_code_cell(source, metadata={"nbgrader": {
        "solution": False, "grade": True, "locked": False, "grade_id": grade_id,
        "points": points, "schema_version": 3}})


def notebook(*cells):
    nb = new_notebook(cells=[new_markdown_cell("A question."), *cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nbformat.from_dict(nb)


@pytest.mark.parametrize("qid, answer, kind_hint", [
    ("q04_total_vs_partial", '"b"', 'the letter of one option, in quotes'),
    ("q05_what_clipping_fixes", '{"a", "c"}', 'a set of option letters, in quotes, in braces'),
    ("q05_bound_lag40", "1.3e-4", "a number"),
])
def test_the_answer_becomes_an_ellipsis_with_a_hint(qid, answer, kind_hint):
    solution = notebook(question_cell(f'check("{qid}", {answer})', qid))
    lesson = generate_lesson(solution, "04_bptt")
    source = lesson.cells[1].source
    assert source == f'check("{qid}", ...)  # your answer in place of ...: {kind_hint}'
    assert answer not in source
    assert solution.cells[1].source == f'check("{qid}", {answer})'  # the solution is untouched
    assert lesson.metadata["rnncourse"]["points"] == {qid: 0.5}


def test_the_blank_line_is_a_check_that_fails_kindly():
    for qid, question in QUESTIONS.items():
        line = blank_line(qid, question.kind)
        result = eval(line.split("  #")[0], {"check": check})  # noqa: S307 - our own line
        assert not result.passed and result.message.startswith("not answered yet"), qid


def test_exercise_check_cells_are_left_alone():
    cell = question_cell("check(\"rnn_backward\", rnn_backward)", "rnn_backward", points=3)
    assert blank_question_answers(notebook(cell), "04_bptt").cells[1].source == cell.source


def test_a_malformed_question_cell_is_a_markup_error_naming_the_fix():
    bad = notebook(question_cell('answer = "b"\ncheck("q04_total_vs_partial", answer)',
                                 "q04_total_vs_partial"))
    with pytest.raises(MarkupError, match=r'must be one call check\("q04_total_vs_partial", '
                                          r'<answer>\).*Fix: write it as'):
        blank_question_answers(bad, "04_bptt")
    unknown = notebook(question_cell('check("q04_nope", "b")', "q04_nope"))
    with pytest.raises(MarkupError, match=r"'q04_nope' is not a question of the catalogue"):
        blank_question_answers(unknown, "04_bptt")
