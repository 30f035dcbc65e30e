"""Solution notebooks for the authoring tests, built in code (imported by the test_authoring_* files)."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from rnncourse.authoring import generate_lesson

REPO = Path(__file__).resolve().parent.parent.parent


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


def lesson_of(nb, name="01_steps"):
    return generate_lesson(nbformat.from_dict(copy.deepcopy(nb)), name)


def _with_cell(cell, index=2):
    nb = good_notebook()
    nb.cells[index] = cell
    return nb
