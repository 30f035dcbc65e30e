"""checks.reference_use: an answer that calls the course's own function is not PASSED in the
notebook; check finds it with the grader's detection on the cells the kernel ran and says it in
the grader's words."""

from __future__ import annotations

import textwrap

import pytest

from rnncourse.checks import EXERCISES, check
from rnncourse.checks.reference_use import flag_message
from rnncourse.checks.references import static_flags

CALLS_THE_LIBRARY = {
    "affine_forward": ("import rnncourse.nn\n\n"
                       "def affine_forward(x, W, b):\n"
                       "    return rnncourse.nn.affine_forward(x, W, b)\n",
                       "affine_forward calls the course's reference rnncourse.nn.affine_forward"),
    "rnn_forward": ("from rnncourse.rnn import rnn_forward as run\n\n"
                    "def rnn_forward(x, h0, Wx, Wh, b):\n"
                    "    return run(x, h0, Wx, Wh, b)\n",
                    "rnn_forward calls the course's reference rnncourse.rnn.rnn_forward"),
    "lstm_backward": ("import rnncourse.rnn as r\n\n"
                      "def helper(dh, cache):\n"
                      "    return r.lstm_backward(dh, cache)\n\n"
                      "def lstm_backward(dh, cache):\n"
                      "    return helper(dh, cache)\n",
                      "lstm_backward calls the course's reference "
                      "rnncourse.rnn.lstm.lstm_backward"),
    "tanh_backward": ("import rnncourse.nn as nn\n"
                      "tanh_backward = nn.tanh_backward\n",
                      "tanh_backward is the course's own rnncourse.nn.tanh_backward"),
}


@pytest.fixture
def kernel():
    """An IPython shell that keeps its input history, as a Jupyter kernel does."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    run = shell.run_cell
    shell.run_cell = lambda code: run(textwrap.dedent(code), store_history=True)
    shell.run_cell("from rnncourse.checks import check")
    yield shell
    InteractiveShell.clear_instance()


@pytest.mark.parametrize("ex_id", list(CALLS_THE_LIBRARY))
def test_an_answer_calling_the_library_is_flagged_in_the_graders_words(kernel, ex_id):
    code, reason = CALLS_THE_LIBRARY[ex_id]
    # the grader's detection on a notebook holding the same code gives the same reason
    assert static_flags({"cells": [{"cell_type": "code", "source": code}]}, {ex_id: ex_id}) == {
        ex_id: reason}
    kernel.run_cell(code)
    kernel.run_cell(f"verdict = check({ex_id!r}, {ex_id})")
    r = kernel.user_ns["verdict"]
    assert (r.passed, r.points, r.flag) == (False, 0, reason)
    assert r.message == flag_message(reason) == (
        f"Flagged, 0 points: {reason}. Write the computation yourself; the library's version is "
        "there to check against, not to call.")
    assert str(r).startswith(f"✗ FLAGGED  {ex_id}  (0/{EXERCISES[ex_id].points} points)\n")
    assert "PASSED" not in str(r)


def test_the_last_definition_counts_as_in_the_kernel(kernel):
    kernel.run_cell(CALLS_THE_LIBRARY["affine_forward"][0])
    kernel.run_cell("r1 = check('affine_forward', affine_forward)")
    kernel.run_cell("""
        def affine_forward(x, W, b):
            return x @ W + b, (x, W, b)
        """)
    kernel.run_cell("r2 = check('affine_forward', affine_forward)")
    assert kernel.user_ns["r1"].flag and not kernel.user_ns["r1"].passed
    assert kernel.user_ns["r2"].passed and kernel.user_ns["r2"].flag is None


def test_outside_a_kernel_the_library_checks_as_itself():
    from rnncourse import nn

    r = check("affine_forward", nn.affine_forward)
    assert r.passed and r.flag is None


FUNCTION_EXERCISES = [ex_id for ex_id, ex in EXERCISES.items() if ex.answer_kind == "function"]


@pytest.mark.parametrize("ex_id", FUNCTION_EXERCISES)
def test_every_exercise_answered_by_its_reference_is_flagged_as_the_grader_flags_it(kernel,
                                                                                    ex_id):
    module, name = EXERCISES[ex_id].reference.split(":")
    code = (f"import {module} as course\n\n"
            f"def {ex_id}(*args):\n"
            f"    return course.{name}(*args)\n")
    [reason] = static_flags({"cells": [{"cell_type": "code", "source": code}]},
                            {ex_id: ex_id}).values()
    kernel.run_cell(code)
    kernel.run_cell(f"verdict = check({ex_id!r}, {ex_id})")
    r = kernel.user_ns["verdict"]
    assert (r.passed, r.points, r.flag, r.message) == (False, 0, reason, flag_message(reason))
