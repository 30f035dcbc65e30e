"""authoring.markup: every markup mistake is named with its notebook, cell and fix."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from rnncourse.authoring import MarkupError, generate_lesson, render_lesson
from rnncourse.cli import main
from tests.authoring.authoring_notebooks import _with_cell, check_cell, good_notebook, solution_cell, write_nb

MARKUP_CASES = {
    "begin never closed": (
        _with_cell(solution_cell("def f(x):\n    ### BEGIN SOLUTION\n    return x", "add_step")),
        3, "is never closed", "add '### END SOLUTION' after the last line of the answer"),
    "end without begin": (
        _with_cell(solution_cell("def f(x):\n    return x\n    ### END SOLUTION", "add_step")),
        3, "has no matching '### BEGIN SOLUTION'", "add '### BEGIN SOLUTION' above the answer"),
    "nested blocks": (
        _with_cell(solution_cell("### BEGIN SOLUTION\na = 1\n### BEGIN SOLUTION\nb = 2\n### END SOLUTION\n"
                                 "### END SOLUTION", "add_step")),
        3, "is nested inside the block opened on line 1", "close the first block with '### END SOLUTION'"),
    "marker in a plain code cell": (
        _with_cell(new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION"), index=1),
        2, "only allowed in a solution cell", '"solution": true'),
    "marker in a markdown cell": (
        _with_cell(new_markdown_cell("Put it between ### BEGIN SOLUTION and ### END SOLUTION."), index=0),
        1, "only allowed in a solution cell", "or remove the markers"),
    "duplicate grade id": (
        _with_cell(check_cell("add_step", points=1), index=5),
        6, "grade id 'add_step' is already used by cell 4", "its own grade_id"),
    "check cell without points": (
        _with_cell(check_cell("add_step", points=None), index=3),
        4, "check cell 'add_step' has no points", '"points": <int>'),
    "solution cell without a block": (
        _with_cell(solution_cell("def f(x):\n    return x + 1", "add_step")),
        3, "has no solution block", "put '### BEGIN SOLUTION' and '### END SOLUTION' lines around the answer"),
    "malformed marker": (
        _with_cell(solution_cell("def f(x):\n    ### BEGIN SOLUTION: here\n    return x\n    ### END SOLUTION",
                                 "add_step")),
        3, "mentions a solution marker but is not one", "exactly '### BEGIN SOLUTION'"),
}


@pytest.mark.parametrize("case", sorted(MARKUP_CASES))
def test_markup_error_names_notebook_cell_and_fix(case):
    nb, cell_number, problem, fix = MARKUP_CASES[case]
    with pytest.raises(MarkupError) as info:
        generate_lesson(nbformat.from_dict(nb), "05_bad")
    message = str(info.value)
    assert f"05_bad.ipynb, cell {cell_number} (counting from 1" in message
    assert problem in message
    assert "Fix: " in message and fix in message


def test_markup_error_stops_release_before_anything_is_written(course, capsys):
    nb, *_ = MARKUP_CASES["end without begin"]
    write_nb(course / "solutions" / "03_bad.ipynb", nb)
    code = main(["release", "--solutions", str(course / "solutions")])
    err = capsys.readouterr().err
    assert code == 1
    assert "nothing was written" in err and "03_bad.ipynb, cell 3" in err and "Fix: " in err
    assert list((course / "lessons").iterdir()) == []  # the good notebooks were not released either
    assert main(["release", "--check", "--solutions", str(course / "solutions")]) == 1


def test_every_problem_in_a_notebook_is_listed():
    nb = good_notebook()
    nb.cells[2] = solution_cell("### END SOLUTION", "add_step")
    nb.cells[5] = check_cell("scaled", points=None)
    with pytest.raises(MarkupError) as info:
        generate_lesson(nbformat.from_dict(nb), "06_two")
    assert len(info.value.problems) == 2
    assert {p.cell_index for p in info.value.problems} == {2, 5}


def test_a_file_that_is_not_a_notebook_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text("{ not json", encoding="utf-8")
    with pytest.raises(MarkupError, match=r"broken.ipynb.*not a JSON notebook.*Fix: re-save"):
        render_lesson(path)
