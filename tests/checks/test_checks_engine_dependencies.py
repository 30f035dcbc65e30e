"""checks.engine.dependencies: a right function that fails only because a function it calls is
wrong passes, says so, and names the function to fix; every other verdict is unchanged."""

from __future__ import annotations

import pytest

from rnncourse.checks import EXERCISES, check
from rnncourse.checks.engine import Result, knock_on, same_lesson_dependencies, swapped_globals
from rnncourse.rnn import rnn_step_backward as library_step

STEP = """
def rnn_step_backward(dh_next, cache):
    x, h_prev, Wx, Wh, h_next = cache
    da = dh_next * (1.0 - h_next ** 2)
    return da @ Wx.T, da @ Wh{T}, x.T @ da, h_prev.T @ da, da.sum(axis=0)
"""

SEQUENCE = """
def rnn_backward(dh, cache):
    N, T, H = dh.shape
    x0, _, Wx, Wh, _ = cache[0]
    dx = np.zeros((N, T, x0.shape[1]))
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(H)
    dh_future = np.zeros((N, H))
    for t in reversed(range(T)):
        dx[:, t], dh_future, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + dh_future, cache[t])
        dWx {op} dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dh_future, dWx, dWh, db
"""

RIGHT_STEP, WRONG_STEP = STEP.replace("{T}", ".T"), STEP.replace("{T}", "")
RIGHT_SEQUENCE, WRONG_SEQUENCE = SEQUENCE.replace("{op}", "+="), SEQUENCE.replace("{op}", "=")


def notebook(*sources):
    """A namespace like a notebook's globals, with the learner's functions defined in it."""
    namespace = {}
    exec("import numpy as np\n" + "\n".join(sources), namespace)
    return namespace


def test_a_right_sequence_calling_a_wrong_step_passes_and_names_the_step():
    nb = notebook(WRONG_STEP, RIGHT_SEQUENCE)
    mine = nb["rnn_step_backward"]
    result = check("rnn_backward", nb["rnn_backward"])
    assert (result.passed, result.points, result.possible) == (True, 3, 3)
    assert result.knock_on == ("rnn_step_backward",)
    first, second, third, last = result.message.split("\n")
    assert first == ("Credited: your rnn_backward is right and gets its points. Its test cases "
                     "fail only because the rnn_step_backward it calls is wrong, and "
                     "rnn_step_backward loses its own points for that: fix rnn_step_backward "
                     "first.")
    assert second == ("(With the course's rnn_step_backward in place of yours, all 5 test cases "
                      "pass.)")
    assert third.startswith("With your rnn_step_backward: Case 1 of 5 (N=2, T=4, D=3, H=5): "
                            "Likely mistake: used Wh where Wh.T belongs")
    # no bare "(0 of 5 cases pass.)" beside a pass: the count says whose step it is about
    assert last == "(0 of 5 cases pass with your rnn_step_backward.)"
    assert str(result).startswith("✓ CREDITED  rnn_backward  (3/3 points)\n")
    assert "PASSED" not in str(result)
    assert nb["rnn_step_backward"] is mine  # the learner's globals are restored
    assert not check("rnn_step_backward", mine).passed  # the step itself still fails


def test_a_wrong_sequence_with_a_wrong_step_still_fails():
    result = check("rnn_backward", notebook(WRONG_STEP, WRONG_SEQUENCE)["rnn_backward"])
    assert (result.passed, result.points, result.knock_on) == (False, 0, None)
    assert "Your rnn_backward is right" not in result.message


def test_a_wrong_sequence_with_a_right_step_is_judged_as_before():
    nb = notebook(RIGHT_STEP, WRONG_SEQUENCE)
    result = check("rnn_backward", nb["rnn_backward"])
    assert (result.passed, result.points, result.knock_on) == (False, 0, None)
    assert result.message.startswith("Case 1 of 5 (N=2, T=4, D=3, H=5): ")
    assert check("rnn_backward", notebook(RIGHT_STEP, RIGHT_SEQUENCE)["rnn_backward"]).knock_on is None


def test_a_missing_step_is_a_failing_dependency_and_the_name_is_unbound_again():
    nb = notebook(RIGHT_SEQUENCE)
    result = check("rnn_backward", nb["rnn_backward"])
    assert (result.passed, result.knock_on) == (True, ("rnn_step_backward",))
    assert result.message.split("\n")[-2].startswith(
        "With your rnn_step_backward: Case 1 of 5 (N=2, T=4, D=3, H=5): raised NameError")
    assert "rnn_step_backward" not in nb


def test_swapped_globals_binds_only_inside_the_block():
    nb = notebook(WRONG_STEP, RIGHT_SEQUENCE)
    mine = nb["rnn_step_backward"]
    with swapped_globals(nb["rnn_backward"], {"rnn_step_backward": library_step, "extra": 1}) as ok:
        assert ok and nb["rnn_step_backward"] is library_step and nb["extra"] == 1
    assert nb["rnn_step_backward"] is mine and "extra" not in nb
    with swapped_globals(len, {"x": 1}) as ok:  # a builtin has no globals to swap
        assert ok is False


def test_the_policy_none_gives_no_points_but_still_names_the_dependency():
    ex = EXERCISES["rnn_backward"]
    first = Result("rnn_backward", False, "Case 1 of 5 (...): wrong.", 0, 3)
    second = Result("rnn_backward", True, "All 5 test cases pass.", 3, 3, verdicts=[None] * 5)
    result = knock_on(ex, first, second, ["rnn_step_backward"], policy="none")
    assert (result.passed, result.points, result.knock_on) == (False, 0, ("rnn_step_backward",))
    assert result.message.split("\n") == [
        "Your rnn_backward is right, but it scores 0 until it passes with your own "
        "rnn_step_backward: its test cases fail only because the rnn_step_backward it calls is "
        "wrong. Fix rnn_step_backward first.",
        "(With the course's rnn_step_backward in place of yours, all 5 test cases pass.)",
        "With your rnn_step_backward: Case 1 of 5 (...): wrong."]
    assert str(result).startswith("✗ FAILED  rnn_backward  (0/3 points)\n")
    assert knock_on(ex, first, first, ["rnn_step_backward"]) is first  # no pass: unchanged
    with pytest.raises(ValueError, match="unknown knock-on policy 'half'; use one of: full, none"):
        knock_on(ex, first, second, ["rnn_step_backward"], policy="half")


def test_declared_dependencies_and_which_count_within_a_lesson():
    assert [d.id for d in same_lesson_dependencies(EXERCISES["rnn_backward"], EXERCISES)] == [
        "rnn_step_backward"]
    assert [d.id for d in same_lesson_dependencies(EXERCISES["lstm_backward"], EXERCISES)] == [
        "lstm_step_backward"]
    # declared, but of an earlier lesson: no re-judge (lesson 3 uses the library's step)
    assert EXERCISES["rnn_forward"].depends_on == ("rnn_step_forward",)
    assert same_lesson_dependencies(EXERCISES["rnn_forward"], EXERCISES) == []
    assert same_lesson_dependencies(EXERCISES["rnn_backward_truncated"], EXERCISES) == []


def test_an_endless_sequence_is_not_called_again():
    endless = ("calls = []\n"
               "def rnn_backward(dh, cache):\n    calls.append(1)\n    while True:\n        pass\n")
    nb = notebook(WRONG_STEP, endless)
    result = check("rnn_backward", nb["rnn_backward"], time_limit=0.3)
    assert (result.passed, result.knock_on) == (False, None)
    assert [v.timed_out for v in result.verdicts] == [True]  # the first case ran out of time
    assert nb["calls"] == [1]  # ... and the function was not called again with the course's step
