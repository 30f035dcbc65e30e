"""grading.worker: which function of the notebook answers each exercise."""

from __future__ import annotations

import json
import os
import subprocess

import nbformat
import pytest

from rnncourse.checks import EXERCISES
from rnncourse.grading.judging.worker import function_names
from tests.grading.test_grading_corpus import lesson_notebook


def test_function_names_come_from_the_check_cell():
    nb = lesson_notebook()
    graded = next(c for c in nb.cells if c.source == 'check("tanh_backward", tanh_backward)')
    graded["source"] = 'check("tanh_backward", my_tanh_grad)'
    nb.cells.append(nbformat.v4.new_code_cell('check("affine_forward", a_wrong_demo)'))
    names = function_names(nb, [EXERCISES["tanh_backward"], EXERCISES["affine_forward"]])
    assert names == {"tanh_backward": "my_tanh_grad", "affine_forward": "affine_forward"}


WORKER_RUN = r"""
import json, sys
from rnncourse.grading.sandbox.launchers import SameUserLauncher
from rnncourse.grading.load.submissions import load_submissions
from rnncourse.grading.judging.worker import grade_submission

class Recording(SameUserLauncher):
    placed = []
    def place(self, host_path):
        Recording.placed.append(str(host_path))
        return super().place(host_path)

sub = load_submissions([sys.argv[1]])[0]
settings = {"timeout": 60.0, "cell_timeout": 60.0, "memory_mb": 2048}
result = grade_submission(sub, "00_welcome", settings, 7, Recording())
print(json.dumps({"placed": Recording.placed, "result": result.to_dict()}))
"""


@pytest.mark.slow
def test_the_kernel_gets_every_file_through_its_launcher(tmp_path, private_python):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import numpy as np\ndef warmup_sum_of_squares(x):\n"
                                  "    return float(np.sum(x ** 2))")])
    path = tmp_path / "00_welcome.ipynb"
    nbformat.write(nb, str(path))
    proc = subprocess.run([private_python, "-c", WORKER_RUN, str(path)], capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout)
    names = [os.path.basename(p) for p in out["placed"]]
    assert names == [".kernel.json", ".cases-warmup_sum_of_squares.npz"]
    result = out["result"]
    assert (result["status"], result["seed"], result["lesson"]) == ("ok", 7, "00_welcome")
    entry = result["exercises"]["warmup_sum_of_squares"]
    assert entry["passed"] is True and entry["points"] == 1


def test_in_an_nbgrader_copy_the_function_is_named_in_the_check_cell_above_the_graded_one():
    nb = lesson_notebook()
    graded = next(i for i, c in enumerate(nb.cells)
                  if c.source == 'check("tanh_backward", tanh_backward)')
    # as `rnncourse release --nbgrader-source` lays it out: the learner's check cell, then the
    # graded cell, whose hidden test nbgrader removed from the student's copy
    nb.cells.insert(graded, nbformat.v4.new_code_cell('check("tanh_backward", my_tanh_grad)'))
    nb.cells[graded + 1]["source"] = "# Graded cell for tanh_backward (1 point)"
    nb.cells.append(nbformat.v4.new_code_cell('check("tanh_backward", a_later_demo)'))
    names = function_names(nb, [EXERCISES["tanh_backward"], EXERCISES["affine_forward"]])
    assert names == {"tanh_backward": "my_tanh_grad", "affine_forward": "affine_forward"}
