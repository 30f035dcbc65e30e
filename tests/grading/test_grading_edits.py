"""Which notebook edits are safe for a student (docs/grading.md, section 7.7), on graded notebooks.

One batch: a notebook with every edit the guide calls safe (full marks), one with every edit it
calls unsafe, each on a different exercise (each of those scores 0, the rest full), one whose
lesson metadata was edited (graded as the lesson it names, when no --lesson is given), and one
whose cells carry only another editor's metadata (full marks; the feedback says where each
question's answer was read from).
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys

import nbformat
import pytest

from rnncourse.checks import graded_for_lesson, points_for_lesson
from tests.grading.sandbox_required import require_sandbox
from tests.grading.test_grading_corpus import LESSON, POSSIBLE, STUB, lesson_notebook, write

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the grader is Linux-only"),
]

# every exercise's and question's full points, as the gradebook writes them
POINTS = {ex.id: f"{ex.points:g}" for ex in graded_for_lesson(LESSON)}


def _cell(nb, source):
    return next(i for i, c in enumerate(nb.cells) if c.source == source)


def _answer(nb, ex_id):
    return next(i for i, c in enumerate(nb.cells)
                if c.metadata.get("nbgrader", {}).get("grade_id") == f"{ex_id}-answer")


def safe_edits():
    nb = lesson_notebook(before=["def helper(x):\n    return 2 * x\nprint(helper(21))"],
                         after=["print('my own notes')"])
    nb.cells.insert(1, nbformat.v4.new_markdown_cell("My notes on the lesson"))
    # the answer to affine_forward moved below its check cell
    answer = nb.cells.pop(_answer(nb, "affine_forward"))
    nb.cells.insert(_cell(nb, 'check("affine_forward", affine_forward)') + 1, answer)
    # tanh_backward's check cell lost its nbgrader metadata; numerical_gradient's is deleted
    nb.cells[_cell(nb, 'check("tanh_backward", tanh_backward)')].metadata = {}
    del nb.cells[_cell(nb, 'check("numerical_gradient", numerical_gradient)')]
    # softmax_cross_entropy renamed, and the check cell passes the new name
    i = _answer(nb, "softmax_cross_entropy")
    nb.cells[i].source = nb.cells[i].source.replace("def softmax_cross_entropy", "def my_softmax")
    nb.cells[_cell(nb, 'check("softmax_cross_entropy", softmax_cross_entropy)')].source = \
        'check("softmax_cross_entropy", my_softmax)'
    # a self-check question's graded cell lost its metadata: read from its check cell
    q = next(i for i, c in enumerate(nb.cells)
             if c.metadata.get("nbgrader", {}).get("grade_id") == "q01_backprop_order")
    nb.cells[q].metadata = {}
    # stale outputs claiming anything
    nb.cells[_cell(nb, 'check("affine_backward", affine_backward)')].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="FAILED 0/10\n")]
    return nb


def unsafe_edits():
    nb = lesson_notebook()
    # tanh_backward renamed, its check cell left as it was
    i = _answer(nb, "tanh_backward")
    nb.cells[i].source = nb.cells[i].source.replace("def tanh_backward", "def tanh_grad")
    # affine_backward renamed and its check cell's nbgrader metadata deleted (issue 13's student)
    i = _answer(nb, "affine_backward")
    nb.cells[i].source = nb.cells[i].source.replace("def affine_backward", "def affine_grad")
    nb.cells[_cell(nb, 'check("affine_backward", affine_backward)')].metadata = {}
    # a self-check question's graded cell deleted: its answer is nowhere
    q = next(i for i, c in enumerate(nb.cells)
             if c.metadata.get("nbgrader", {}).get("grade_id") == "q01_backprop_order")
    del nb.cells[q]
    # the original stub of numerical_gradient pasted again below the answer
    nb.cells.insert(_answer(nb, "numerical_gradient") + 1,
                    nbformat.v4.new_code_cell(STUB["numerical_gradient"]))
    return nb


def other_editor():
    """Every cell's metadata replaced by another editor's own (nbgrader's and ids are gone)."""
    nb = lesson_notebook()
    for cell in nb.cells:
        cell.metadata = {"vscode": {"languageId": "python"}}
    return nb


def relabelled():
    nb = lesson_notebook()
    nb.metadata["rnncourse"]["lesson"] = "00_welcome"
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory, private_python):
    require_sandbox()
    tmp = tmp_path_factory.mktemp("edits")
    subs = tmp / "submissions"
    for folder, name, nb in [("safe", "my copy (2).ipynb", safe_edits()),
                             ("unsafe", f"{LESSON}.ipynb", unsafe_edits()),
                             ("relabelled", f"{LESSON}.ipynb", relabelled()),
                             ("other_editor", f"{LESSON}.ipynb", other_editor())]:
        (subs / folder).mkdir(parents=True)
        write(nb, subs / folder / name)
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    proc = subprocess.run([private_python, "-m", "rnncourse", "grade", "--jobs", "2", "--seed",
                           "5", "--timeout", "60", "--feedback", "feedback", "submissions"],
                          cwd=tmp, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open(tmp / "gradebook.csv", newline="", encoding="utf-8") as fh:
        rows = {row["submission"]: row for row in csv.DictReader(fh)}
    return rows, tmp / "feedback"


def test_the_safe_edits_keep_full_marks(graded):
    row = graded[0]["safe/my copy (2).ipynb"]
    assert (row["lesson"], row["status"]) == (LESSON, "ok")
    assert {ex: row[ex] for ex in POINTS} == POINTS
    assert (row["total"], row["possible"]) == (str(POSSIBLE), str(POSSIBLE))
    [feedback] = graded[1].glob("safe__*.txt")
    assert ("The graded cell of q01_backprop_order was not found by its metadata (the cell lost "
            "its nbgrader metadata), so the answer was read from the last code cell that calls "
            'check("q01_backprop_order", ...).') in feedback.read_text(encoding="utf-8")


def test_a_notebook_with_only_another_editors_metadata_keeps_full_marks(graded):
    row = graded[0][f"other_editor/{LESSON}.ipynb"]
    assert (row["status"], row["total"], row["possible"]) == ("ok", str(POSSIBLE), str(POSSIBLE))
    assert {ex: row[ex] for ex in POINTS} == POINTS
    [feedback] = graded[1].glob("other_editor__*.txt")
    text = feedback.read_text(encoding="utf-8")
    for qid in [ex for ex in POINTS if ex.startswith("q01_")]:  # each question says so
        assert (f"The graded cell of {qid} was not found by its metadata (the cell lost its "
                f"nbgrader metadata), so the answer was read from the last code cell that calls "
                f'check("{qid}", ...).') in text


def test_each_unsafe_edit_costs_its_exercise_and_nothing_else(graded):
    row = graded[0][f"unsafe/{LESSON}.ipynb"]
    lost = {"tanh_backward": "0", "affine_backward": "0", "q01_backprop_order": "0",
            "numerical_gradient": "0"}
    assert {ex: row[ex] for ex in POINTS} == dict(POINTS, **lost)
    kept = sum(float(points) for ex, points in POINTS.items() if ex not in lost)
    assert row["total"] == f"{kept:g}" and row["status"] == "ok"
    [feedback] = graded[1].glob("unsafe__*.txt")
    text = feedback.read_text(encoding="utf-8")
    assert ("no graded check cell for q01_backprop_order was found (it must keep its nbgrader "
            'metadata, or call check("q01_backprop_order", <answer>))') in text


def test_an_edited_lesson_metadata_is_graded_as_the_lesson_it_names(graded):
    row = graded[0][f"relabelled/{LESSON}.ipynb"]
    assert (row["lesson"], row["warmup_sum_of_squares"], row["total"], row["possible"]) == (
        "00_welcome", "0", "0", f"{points_for_lesson('00_welcome'):g}")
    assert row["affine_forward"] == ""  # not graded as lesson 1 at all
