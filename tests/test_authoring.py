"""Tests for rnncourse.authoring: solutions -> lessons generation, markup errors, staleness, execute.

Every solution notebook here is built in the test; expected lesson text is written out by hand.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from rnncourse.authoring import (
    MarkupError,
    check_lessons,
    find_lessons_dir,
    find_solutions_dir,
    generate_lesson,
    read_notebook,
    release,
    render_lesson,
)
from rnncourse.cli import main

REPO = Path(__file__).resolve().parent.parent
PLACEHOLDER_LINE = (
    'raise NotImplementedError("Exercise {}: write your code here, then run the check cell below. '
    'See the exercise description above.")'
)

STEP_SOURCE = '''def add_step(x, h):
    """Add the input to the hidden state."""
    ### BEGIN SOLUTION
    out = x + h
    return out
    ### END SOLUTION'''

TWO_BLOCKS_SOURCE = '''import math
### BEGIN SOLUTION
SCALE = 2.0
### END SOLUTION


def scaled(x):
    """Scale x."""
    if x > 0:
        ### BEGIN SOLUTION
        return SCALE * x
        ### END SOLUTION
    return 0.0'''


def solution_cell(source, exercise):
    return new_code_cell(source, metadata={"nbgrader": {
        "solution": True, "grade": False, "locked": False,
        "grade_id": f"{exercise}-answer", "schema_version": 3}})


def check_cell(exercise, points=2):
    nbgrader = {"solution": False, "grade": True, "locked": True, "grade_id": exercise,
                "schema_version": 3}
    if points is not None:
        nbgrader["points"] = points
    return new_code_cell(f'check("{exercise}", {exercise})', metadata={"nbgrader": nbgrader})


def with_run_state(cell, count, text):
    """Give a code cell what running and viewing it leaves behind."""
    cell.execution_count = count
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    cell.metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00"}
    cell.metadata["ExecuteTime"] = {"end_time": "2026-01-01T00:00:01"}
    cell.metadata["collapsed"] = False
    cell.metadata["scrolled"] = True
    return cell


def good_notebook():
    nb = new_notebook(cells=[
        new_markdown_cell("# Lesson\nWrite `add_step`."),
        with_run_state(new_code_cell("import numpy as np\nprint('ready')", metadata={"tags": ["setup"]}), 1, "ready\n"),
        with_run_state(solution_cell(STEP_SOURCE, "add_step"), 2, ""),
        with_run_state(check_cell("add_step", points=3), 3, "passed\n"),
        solution_cell(TWO_BLOCKS_SOURCE, "scaled"),
        check_cell("scaled", points=1),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return nb


def write_nb(path, nb):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


@pytest.fixture
def course(tmp_path):
    """A course folder with solutions/ holding two good notebooks and an empty lessons/."""
    write_nb(tmp_path / "solutions" / "01_steps.ipynb", good_notebook())
    second = new_notebook(cells=[new_markdown_cell("Reading only.")])
    write_nb(tmp_path / "solutions" / "02_reading.ipynb", second)
    (tmp_path / "lessons").mkdir()
    return tmp_path


def lesson_of(nb, name="01_steps"):
    return generate_lesson(nbformat.from_dict(copy.deepcopy(nb)), name)


# --- the pipeline steps ----------------------------------------------------------------------------

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
    with pytest.raises(NotImplementedError, match=r"^Exercise add_step: write your code here, then run the check cell below"):
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
        "check_markup", "replace_solutions", "clear_outputs", "strip_solution_metadata",
        "default_kernelspec", "write_lesson_metadata"]


def test_generate_lesson_does_not_mutate_the_solution():
    solution = nbformat.from_dict(good_notebook())
    before = copy.deepcopy(solution)
    generate_lesson(solution, "01_steps")
    assert solution == before


# --- release: files, determinism -------------------------------------------------------------------

def test_release_writes_normalised_json_and_is_byte_identical_across_runs(course):
    report = release(course / "solutions", course / "lessons")
    assert report.written == ["01_steps.ipynb", "02_reading.ipynb"]
    lesson_path = course / "lessons" / "01_steps.ipynb"
    first = lesson_path.read_bytes()
    text = first.decode("utf-8")
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    nbformat.validate(nbformat.reads(text, as_version=4))

    mtime = lesson_path.stat().st_mtime_ns
    again = release(course / "solutions", course / "lessons")
    assert again.written == [] and again.unchanged == ["01_steps.ipynb", "02_reading.ipynb"]
    assert lesson_path.read_bytes() == first
    assert lesson_path.stat().st_mtime_ns == mtime  # an unchanged lesson is not rewritten
    os.remove(lesson_path)
    release(course / "solutions", course / "lessons")
    assert lesson_path.read_bytes() == first


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


def test_release_keeps_a_lesson_without_solution_and_reports_it(course):
    extra = course / "lessons" / "99_mine.ipynb"
    extra.write_text("not generated", encoding="utf-8")
    report = release(course / "solutions", course / "lessons")
    assert report.extra == ["99_mine.ipynb"]
    assert extra.read_text(encoding="utf-8") == "not generated"


def test_release_cli_writes_lessons_and_prints_them(course, capsys):
    code = main(["release", "--solutions", str(course / "solutions")])
    out = capsys.readouterr().out
    assert code == 0
    assert "01_steps.ipynb" in out and "2 lesson(s) written" in out
    assert (course / "lessons" / "01_steps.ipynb").is_file()


# --- release --check --------------------------------------------------------------------------------

def run_check(course, capsys):
    code = main(["release", "--check", "--solutions", str(course / "solutions"),
                 "--lessons", str(course / "lessons")])
    return code, capsys.readouterr().out


def test_check_passes_when_in_sync(course, capsys):
    release(course / "solutions", course / "lessons")
    code, out = run_check(course, capsys)
    assert code == 0
    assert "lessons/ is up to date (2 notebooks)" in out


def test_check_names_a_stale_lesson(course, capsys):
    release(course / "solutions", course / "lessons")
    solution = read_notebook(course / "solutions" / "01_steps.ipynb")
    solution.cells[0].source += "\nOne more sentence."
    write_nb(course / "solutions" / "01_steps.ipynb", solution)
    code, out = run_check(course, capsys)
    assert code == 1
    assert "stale" in out and "01_steps.ipynb" in out and "02_reading.ipynb" not in out
    assert "rnncourse release" in out
    assert check_lessons(course / "solutions", course / "lessons").stale == ["01_steps.ipynb"]


def test_check_names_a_missing_and_an_extra_lesson(course, capsys):
    release(course / "solutions", course / "lessons")
    os.remove(course / "lessons" / "02_reading.ipynb")
    (course / "lessons" / "07_orphan.ipynb").write_text("{}", encoding="utf-8")
    code, out = run_check(course, capsys)
    assert code == 1
    assert "missing" in out and "02_reading.ipynb" in out
    assert "extra" in out and "07_orphan.ipynb" in out
    status = check_lessons(course / "solutions", course / "lessons")
    assert (status.missing, status.extra, status.stale) == (["02_reading.ipynb"], ["07_orphan.ipynb"], [])
    assert (course / "lessons" / "07_orphan.ipynb").exists()  # --check writes and deletes nothing


def test_check_catches_a_hand_edit_that_only_touches_whitespace(course, capsys):
    release(course / "solutions", course / "lessons")
    path = course / "lessons" / "02_reading.ipynb"
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    code, out = run_check(course, capsys)
    assert code == 1 and "02_reading.ipynb" in out


def test_release_check_on_the_real_course():
    solutions = REPO / "solutions"
    if not list(solutions.glob("*.ipynb")):
        pytest.skip("solutions/ has no notebooks yet, so there is nothing to compare lessons/ with")
    lessons = find_lessons_dir() if (REPO / "lessons").is_dir() else REPO / "lessons"
    assert find_solutions_dir() == solutions
    status = check_lessons(solutions, lessons)
    assert status.ok, (
        f"lessons/ is out of date (stale {status.stale}, missing {status.missing}, extra "
        f"{status.extra}); run `rnncourse release`"
    )


# --- markup errors ---------------------------------------------------------------------------------

def _with_cell(cell, index=2):
    nb = good_notebook()
    nb.cells[index] = cell
    return nb


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
        _with_cell(solution_cell("def f(x):\n    ### BEGIN SOLUTION: here\n    return x\n    ### END SOLUTION", "add_step")),
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


# --- execute -----------------------------------------------------------------------------------------

@pytest.mark.slow
def test_execute_saves_outputs_in_place_in_the_notebook_folder(tmp_path):
    from rnncourse.authoring.execute import execute_notebook

    folder = tmp_path / "sols"
    path = write_nb(folder / "run_me.ipynb", new_notebook(cells=[
        new_code_cell("import os\nprint(os.getcwd())\nprint(os.environ['OMP_NUM_THREADS'], "
                      "os.environ['OPENBLAS_NUM_THREADS'], os.environ['MKL_NUM_THREADS'])"),
        new_code_cell("# NBVAL_RAISES_EXCEPTION\n1 / 0"),
        new_code_cell("6 * 7"),
    ]))
    seconds = execute_notebook(path, timeout=60)
    assert seconds > 0
    nb = read_notebook(path)
    assert nb.cells[0].outputs[0].text == f"{folder.resolve()}\n1 1 1\n"
    assert nb.cells[1].outputs[0].ename == "ZeroDivisionError"
    assert "tags" not in nb.cells[1].metadata  # the temporary raises-exception tag is removed
    assert nb.cells[2].outputs[0].data["text/plain"] == "42"
    assert nb.cells[2].execution_count == 3
    assert nb.metadata.kernelspec.name == "python3"


@pytest.mark.slow
def test_execute_leaves_a_failing_notebook_unchanged_and_names_the_cell(tmp_path):
    from rnncourse.authoring.execute import NotebookExecutionError, execute_notebook

    path = write_nb(tmp_path / "fails.ipynb", new_notebook(cells=[
        new_code_cell("x = 1"), new_code_cell("raise ValueError('boom')")]))
    before = path.read_bytes()
    with pytest.raises(NotebookExecutionError, match=r"fails.ipynb, cell 2 \(counting from 1\) failed"):
        execute_notebook(path, timeout=60)
    assert path.read_bytes() == before
