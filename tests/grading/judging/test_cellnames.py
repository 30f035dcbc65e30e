"""grading.cellnames: cells are named by exercise (or heading) and first line, never by index."""

from __future__ import annotations

import json

from rnncourse.grading.judging.cellnames import cell_name, first_line
from tests.grading.real_lessons import ROOT


def _lesson(stem):
    nb = json.loads((ROOT / "lessons" / f"{stem}.ipynb").read_text())
    for cell in nb["cells"]:
        cell["source"] = "".join(cell["source"])
    return nb


def _index(nb, start):
    return next(i for i, c in enumerate(nb["cells"]) if c["source"].startswith(start))


def test_exercise_cells_are_named_by_their_exercise_number_and_first_line():
    nb = _lesson("04_bptt")
    answer = _index(nb, "def rnn_backward(")
    assert cell_name(nb, answer, "04_bptt") == (
        'the cell of exercise 2 (rnn_backward) starting "def rnn_backward(dh, cache):"')
    assert cell_name(nb, answer + 1, "04_bptt") == (
        'the check cell of exercise 2 (rnn_backward) starting '
        '"check("rnn_backward", rnn_backward)"')
    step = _index(nb, "def rnn_step_backward(")
    assert cell_name(nb, step, "04_bptt") == (
        'the cell of exercise 1 (rnn_step_backward) starting '
        '"def rnn_step_backward(dh_next, cache):"')


def test_question_cells_are_named_by_their_question():
    nb = _lesson("04_bptt")
    index = _index(nb, 'check("q04_order_forced"')
    assert cell_name(nb, index, "04_bptt") == (
        'the cell of question q04_order_forced starting '
        '"check("q04_order_forced", ...)  # your answer in place..."')


def test_other_cells_are_named_by_the_nearest_heading_above_them():
    nb = _lesson("04_bptt")
    index = _index(nb, "dag = unroll(cell_graph, T)")
    assert cell_name(nb, index, "04_bptt") == (
        'the cell under "8. BPTT is backprop through the unrolled graph" starting '
        '"dag = unroll(cell_graph, T)"')
    # the import cell sits under the title; a self-check markdown cell without a heading between
    # is skipped on the way up
    assert cell_name(nb, 1, "04_bptt") == (
        'the cell under "Lesson 4 — Backpropagation through time" starting "import numpy as np"')


def test_a_cell_above_every_heading_and_without_metadata():
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "source": "\n\n  x = 1  \n"},
                    {"cell_type": "markdown", "metadata": {}, "source": "# Title"}]}
    assert cell_name(nb, 0) == 'the cell starting "x = 1"'
    # an exercise id the lesson does not have (a cell copied from another lesson) has no number
    nb["cells"].append({"cell_type": "code", "source": "def f():",
                        "metadata": {"nbgrader": {"grade_id": "rnn_forward-answer"}}})
    assert cell_name(nb, 2, "04_bptt") == 'the cell of exercise (rnn_forward) starting "def f():"'


def test_long_first_lines_are_cut_at_a_word():
    assert first_line("4. Full BPTT: upstream gradient plus gradient from the future and "
                      "more") == "4. Full BPTT: upstream gradient plus gradient from the..."
    assert first_line("y" * 70) == "y" * 57 + "..."
