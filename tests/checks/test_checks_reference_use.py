"""checks.reference_use: an answer that calls the course's own function is not PASSED in the
notebook; check finds it with the grader's detection and says it in the grader's words."""

from __future__ import annotations

import importlib.util
import textwrap

import pytest

from rnncourse.checks import EXERCISES, check
from rnncourse.checks.reference_use import flag_message, reference_flag
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
                      "lstm_backward calls the course's reference rnncourse.rnn.lstm_backward"),
}


def _module(tmp_path, name, code):
    path = tmp_path / f"{name}_answer.py"
    path.write_text(code)
    spec = importlib.util.spec_from_file_location(f"{name}_answer", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("ex_id", list(CALLS_THE_LIBRARY))
def test_an_answer_calling_the_library_is_flagged_in_the_graders_words(tmp_path, ex_id):
    code, reason = CALLS_THE_LIBRARY[ex_id]
    fn = getattr(_module(tmp_path, ex_id, code), ex_id)
    # the grader's detection on a notebook holding the same code gives the same reason
    notebook = {"cells": [{"cell_type": "code", "source": code}]}
    assert static_flags(notebook, {ex_id: ex_id}) == {ex_id: reason}
    r = check(ex_id, fn)
    assert (r.passed, r.points, r.flag) == (False, 0, reason)
    assert r.message == flag_message(reason) == (
        f"Flagged, 0 points: {reason}. Write the computation yourself; the library's version is "
        "there to check against, not to call.")
    assert str(r).startswith(f"✗ FLAGGED  {ex_id}  (0/{EXERCISES[ex_id].points} points)\n")
    assert "PASSED" not in str(r)


def test_the_librarys_own_function_and_an_own_answer_are_not_flagged(tmp_path):
    from rnncourse import nn

    assert check("affine_forward", nn.affine_forward).passed  # the reference checked as itself
    own = _module(tmp_path, "own", "import numpy as np\n\n"
                                   "def affine_forward(x, W, b):\n"
                                   "    return x @ W + b, (x, W, b)\n").affine_forward
    assert reference_flag(EXERCISES["affine_forward"], own) is None
    assert check("affine_forward", own).passed


def test_in_a_kernel_the_cells_that_ran_are_read(tmp_path):
    """The kernel's input history, in order: a flagged definition replaced by an own one passes,
    and a name bound to the library's function is flagged."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        run = lambda code: shell.run_cell(textwrap.dedent(code), store_history=True)  # noqa: E731
        run("""
            import rnncourse.nn as nn
            from rnncourse.checks import check
            def affine_forward(x, W, b):
                return nn.affine_forward(x, W, b)
            """)
        run("r1 = check('affine_forward', affine_forward)")
        run("""
            def affine_forward(x, W, b):
                return x @ W + b, (x, W, b)
            """)
        run("r2 = check('affine_forward', affine_forward)")
        run("tanh_backward = nn.tanh_backward")
        run("r3 = check('tanh_backward', tanh_backward)")
        ns = shell.user_ns
        assert ns["r1"].flag == "affine_forward calls the course's reference rnncourse.nn.affine_forward"
        assert ns["r2"].passed and ns["r2"].flag is None
        assert ns["r3"].flag == "tanh_backward is the course's own rnncourse.nn.tanh_backward"
        assert ns["r3"].points == 0
    finally:
        InteractiveShell.clear_instance()
