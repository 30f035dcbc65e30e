"""authoring.execute: running a solution notebook in place."""

from __future__ import annotations

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from rnncourse.authoring import read_notebook
from tests.authoring.authoring_notebooks import write_nb


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


def test_executing_a_solution_records_no_progress():
    from rnncourse.authoring.execute import kernel_environment

    env = kernel_environment({"PATH": "/usr/bin", "RNNCOURSE_PROGRESS": "on"})
    assert env["RNNCOURSE_PROGRESS"] == "off" and env["OMP_NUM_THREADS"] == "1"
    assert env["PATH"] == "/usr/bin"
