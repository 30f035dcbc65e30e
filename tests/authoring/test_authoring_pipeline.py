"""authoring.pipeline: the ordered release steps, each on a notebook built in the test."""

from __future__ import annotations

import copy
import json
import re

import nbformat
import pytest

from rnncourse.authoring import generate_lesson, render_lesson
from tests.authoring.authoring_notebooks import PLACEHOLDER_LINE, good_notebook, lesson_of


def test_placeholder_replaces_block_at_its_indentation():
    lesson = lesson_of(good_notebook())
    assert lesson.cells[2].source == (
        'def add_step(x, h):\n'
        '    """Add the input to the hidden state."""\n'
        '    ' + PLACEHOLDER_LINE.format("add_step")
    )
    assert lesson.cells[4].source == (
        "import math\n"
        + PLACEHOLDER_LINE.format("scaled") + "\n"
        "\n\n"
        "def scaled(x):\n"
        '    """Scale x."""\n'
        "    if x > 0:\n"
        "        " + PLACEHOLDER_LINE.format("scaled") + "\n"
        "    return 0.0"
    )


def test_placeholder_is_valid_python_that_raises_with_the_exercise_id():
    lesson = lesson_of(good_notebook())
    namespace = {}
    exec(lesson.cells[2].source, namespace)
    with pytest.raises(NotImplementedError,
                       match=r"^Exercise add_step: write your code here, then run the check cell below"):
        namespace["add_step"](1, 2)


def test_generated_lesson_contains_no_answer_and_no_marker():
    text = json.dumps(lesson_of(good_notebook()))
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    assert "x + h" not in text and "SCALE * x" not in text and "SCALE = 2.0" not in text


def test_outputs_and_execution_counts_are_cleared():
    lesson = lesson_of(good_notebook())
    for cell in lesson.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


def test_run_metadata_is_stripped_but_nbgrader_tags_and_kernelspec_are_kept():
    solution = good_notebook()
    lesson = lesson_of(solution)
    for cell in lesson.cells:
        for key in ("execution", "ExecuteTime", "collapsed", "scrolled"):
            assert key not in cell.metadata
    assert lesson.cells[1].metadata["tags"] == ["setup"]
    for index in (2, 3, 4, 5):
        assert lesson.cells[index].metadata["nbgrader"] == solution.cells[index].metadata["nbgrader"]
    assert "widgets" not in lesson.metadata
    assert lesson.metadata["kernelspec"]["name"] == "python3"
    assert lesson.cells[0].source == solution.cells[0].source  # markdown kept as written


def test_lesson_metadata_lists_exercises_in_order_with_points():
    lesson = lesson_of(good_notebook())
    assert lesson.metadata["rnncourse"] == {
        "lesson": "01_steps",
        "exercises": ["add_step", "scaled"],
        "points": {"add_step": 3, "scaled": 1},
    }


def test_a_lesson_without_kernelspec_gets_python3():
    solution = good_notebook()
    del solution.metadata["kernelspec"]
    assert lesson_of(solution).metadata["kernelspec"]["name"] == "python3"


def test_the_pipeline_runs_its_steps_in_the_documented_order():
    from rnncourse.authoring import RELEASE_STEPS

    assert [step.__name__ for step in RELEASE_STEPS] == [
        "check_markup", "replace_solutions", "blank_question_answers", "clear_outputs", "strip_solution_metadata",
        "default_kernelspec", "write_lesson_metadata"]
    # ... and in the order the module's documentation gives (an independent list)
    from rnncourse.authoring import pipeline

    documented = re.findall(r"^\d\. :func:`(\w+)`", pipeline.__doc__, re.M)
    assert documented == [step.__name__ for step in RELEASE_STEPS]


def test_generate_lesson_does_not_mutate_the_solution():
    solution = nbformat.from_dict(good_notebook())
    before = copy.deepcopy(solution)
    generate_lesson(solution, "01_steps")
    assert solution == before


def test_cells_without_ids_get_the_same_ids_every_time(tmp_path):
    raw = json.loads(nbformat.writes(good_notebook()))
    for cell in raw["cells"]:
        del cell["id"]
    path = tmp_path / "solutions" / "03_noids.ipynb"
    path.parent.mkdir()
    path.write_text(json.dumps(raw), encoding="utf-8")
    first, second = render_lesson(path), render_lesson(path)
    assert first == second
    ids = [cell["id"] for cell in json.loads(first)["cells"]]
    assert ids == [f"cell-{i}" for i in range(6)]
