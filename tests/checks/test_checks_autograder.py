"""checks.autograder: the nbgrader graded cells' functions (a wrong answer raises, a right one
does not), tried directly and in an IPython shell the way nbgrader runs the cells."""

from __future__ import annotations

import sys
import warnings

import pytest

from rnncourse.authoring.nbgrader_source import test_cell_source
from rnncourse.checks import EXERCISES, check
from rnncourse.checks.autograder import AUTOGRADE_TIME_LIMIT, answer_from_history, autograde, autograde_question
from rnncourse.checks.engine.answers import NOT_A_LITERAL
from rnncourse.rnn import rnn_backward, rnn_step_backward

test_cell_source.__test__ = False  # a source writer, not a pytest test


def _mistake(exercise_id, name):
    return next(m for m in EXERCISES[exercise_id].mistakes if m.name == name).variant


def test_a_right_function_passes_without_a_result(capsys):
    assert autograde("rnn_backward", rnn_backward, seed=3) is None  # nbgrader: full points
    assert autograde("rnn_step_backward", rnn_step_backward, seed=3) is None
    assert capsys.readouterr().out.startswith(  # the panel, as plain text outside Jupyter
        "✓ PASSED  rnn_backward  (3/3 points)\nAll ")


def test_a_named_mistake_raises_with_the_checks_words():
    wrong = _mistake("rnn_step_backward", "no_tanh_derivative")
    with pytest.raises(AssertionError) as err:
        autograde("rnn_step_backward", wrong, seed=11)
    expected = check("rnn_step_backward", wrong, seed=11, time_limit=AUTOGRADE_TIME_LIMIT)
    assert str(err.value) == (f"✗ FAILED  rnn_step_backward  (0/2 points)\n{expected.message}\n"
                              "(nbgrader autograde: test cases from seed 11)")
    assert "no_tanh_derivative" in expected.mistake


def test_a_missing_answer_raises_not_implemented_in_words():
    def rnn_backward_unwritten(dh, cache):
        raise NotImplementedError("Exercise rnn_backward: replace this line with your code")

    with pytest.raises(AssertionError) as err:
        autograde("rnn_backward", rnn_backward_unwritten, seed=0)
    assert str(err.value).startswith("✗ FAILED  rnn_backward  (0/3 points)\n")


def test_without_a_seed_the_cases_are_fresh_and_the_seed_is_named(capsys):
    seen = set()
    for _ in range(3):
        with pytest.raises(AssertionError) as err:
            autograde("rnn_backward", _mistake("rnn_backward", "future_not_added"))
        seen.add(str(err.value).rsplit("seed ", 1)[1])
    assert len(seen) == 3  # 3 draws from 2**31 seeds: equal only with negligible chance
    assert all(s.rstrip(")").isdigit() for s in seen)


def test_warnings_and_stderr_of_the_learners_code_stay_out_of_the_cell(capsys):
    def noisy_step_backward(dh_next, cache):
        warnings.warn("a learner's warning", stacklevel=1)
        print("a learner's stderr line", file=sys.stderr)
        return rnn_step_backward(dh_next, cache)

    assert autograde("rnn_step_backward", noisy_step_backward, seed=1) is None
    assert capsys.readouterr().err == ""  # nbgrader scores a graded cell with stderr output 0


@pytest.mark.parametrize("call, message", [
    (lambda: autograde("rnn_backwards", rnn_backward),
     "autograde: 'rnn_backwards' is not an exercise of the catalogue; for a self-check question "
     "use autograde_question(question_id)"),
    (lambda: autograde("q04_order_forced", "c"),
     "autograde: 'q04_order_forced' is not an exercise of the catalogue; for a self-check "
     "question use autograde_question(question_id)"),
    (lambda: autograde_question("rnn_backward"),
     "autograde_question: 'rnn_backward' is not a self-check question of the catalogue; for an "
     "exercise use autograde(exercise_id, fn)"),
])
def test_a_wrong_kind_of_id_is_a_clear_error(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert str(err.value) == message


def test_the_time_limit_is_the_graders():
    from rnncourse.grading.judging.worker import EXERCISE_TIME_LIMIT

    assert AUTOGRADE_TIME_LIMIT == EXERCISE_TIME_LIMIT == 10.0


# ----------------------------------------------------------------------------- question answers
@pytest.mark.parametrize("sources, found", [
    (['check("q04_x", "b")'], ("b", None)),
    (['check("q04_x", "a")', "x = 1", 'check("q04_x", "c")  # changed my mind'], ("c", None)),
    (['check("q04_x", "a")', 'ask("q04_x")', "%matplotlib inline"], ("a", None)),
    (['check("q04_x", ...)  # your answer in place of ...'], (..., None)),
    (['check("q04_x", "a")', 'answer = "b"\ncheck("q04_x", answer)'],
     (None, NOT_A_LITERAL.format(id="q04_x"))),
    (['check("q04_y", "a")', "import os"],
     (None, 'no cell that ran before this one calls check("q04_x", <answer>); answer in the '
            'question\'s cell, e.g. check("q04_x", "b")')),
])
def test_the_answer_is_the_last_literal_checked_above(sources, found):
    assert answer_from_history("q04_x", sources) == found


def test_autograde_question_outside_a_kernel_says_where_it_runs():
    with pytest.raises(RuntimeError) as err:
        autograde_question("q04_order_forced")
    assert str(err.value) == (
        "autograde_question reads the answer from the kernel's input history, so it runs only "
        "in a Jupyter kernel (nbgrader's autograde runs one)")


# ----------------------------------------------------------------------------- as nbgrader runs them
@pytest.fixture
def shell():
    """An IPython shell that runs cells as a kernel does (input history, display, errors)."""
    from IPython.core.interactiveshell import InteractiveShell

    ip = InteractiveShell.instance()
    run = ip.run_cell
    # a kernel stores every executed cell in the input history, as nbgrader's execution does
    ip.run_cell = lambda source: run(source, store_history=True)
    ip.run_cell("from rnncourse.checks import check\n"
                "def rnn_step_backward(dh_next, cache):  # a learner's right answer\n"
                "    x, h_prev, Wx, Wh, h_next = cache\n"
                "    da = dh_next * (1 - h_next ** 2)\n"
                "    return da @ Wx.T, da @ Wh.T, x.T @ da, h_prev.T @ da, da.sum(axis=0)\n")
    yield ip
    InteractiveShell.clear_instance()


def _graded_cell(item_id, points, function_name=None):
    """The graded cell's code as nbgrader runs it (hidden-test markers are plain comments)."""
    return test_cell_source(item_id, points, function_name)


def test_in_a_shell_a_right_exercise_raises_nothing_and_has_no_result(shell):
    run = shell.run_cell(_graded_cell("rnn_step_backward", 2, "rnn_step_backward"))
    assert run.error_in_exec is None and run.result is None


def test_in_a_shell_the_librarys_own_function_is_flagged_as_rnncourse_grade_flags_it(shell):
    shell.run_cell("from rnncourse.rnn import rnn_step_backward")
    run = shell.run_cell(_graded_cell("rnn_step_backward", 2, "rnn_step_backward"))
    assert isinstance(run.error_in_exec, AssertionError)
    assert str(run.error_in_exec).startswith(
        "✗ FLAGGED  rnn_step_backward  (0/2 points)\nFlagged, 0 points: rnn_step_backward is "
        "the course's own rnncourse.rnn.rnn_step_backward.")


def test_in_a_shell_redefining_check_does_not_pass_a_wrong_answer(shell):
    shell.run_cell("def check(*args, **kwargs):\n    return 'passed'\n"
                   "def rnn_backward(dh, cache):\n    return None")
    run = shell.run_cell(_graded_cell("rnn_backward", 3, "rnn_backward"))
    assert isinstance(run.error_in_exec, AssertionError)
    assert str(run.error_in_exec).startswith("✗ FAILED  rnn_backward  (0/3 points)\n")


@pytest.mark.parametrize("answer_cell", [
    'check("q04_order_forced", "c")',
    'check("q04_total_vs_partial", "b")\ncheck("q04_order_forced", "c")',
])
def test_in_a_shell_a_right_question_raises_nothing(shell, answer_cell):
    shell.run_cell(answer_cell)
    shell.run_cell('ask_me_later = "q04_order_forced"')
    run = shell.run_cell(_graded_cell("q04_order_forced", 0.5))
    assert run.error_in_exec is None and run.result is None


def test_in_a_shell_a_wrong_or_missing_question_answer_raises(shell):
    shell.run_cell('check("q04_order_forced", "a")')
    run = shell.run_cell(_graded_cell("q04_order_forced", 0.5))
    assert isinstance(run.error_in_exec, AssertionError)
    assert str(run.error_in_exec).startswith("✗ FAILED  q04_order_forced  (0/0.5 points)\n")
    shell.run_cell('check("q04_order_forced", ...)')
    run = shell.run_cell(_graded_cell("q04_order_forced", 0.5))
    assert str(run.error_in_exec).startswith(
        "✗ FAILED  q04_order_forced  (0/0.5 points)\nnot answered yet")
    run = shell.run_cell(_graded_cell("q04_first_term_zero", 0.5))
    assert str(run.error_in_exec) == (
        "✗ FAILED  q04_first_term_zero  (0/0.5 points)\nno cell that ran before this one calls "
        'check("q04_first_term_zero", <answer>); answer in the question\'s cell, e.g. '
        'check("q04_first_term_zero", "b")')


# ----------------------------------------------------------------------------- knock-on policy
KNOCK_ON_NOTEBOOK = '''
import numpy as np
from rnncourse.rnn import rnn_step_backward as course_step

def rnn_step_backward(dh_next, cache):  # wrong: half of dh_prev
    dx, dh_prev, dWx, dWh, db = course_step(dh_next, cache)
    return dx, 0.5 * dh_prev, dWx, dWh, db

def rnn_backward(dh, cache):  # right, over the learner's own step
    N, T, H = dh.shape
    dx = np.zeros((N, T, cache[0][0].shape[1]))
    dWx, dWh, db = np.zeros_like(cache[0][2]), np.zeros_like(cache[0][3]), np.zeros(H)
    dh_prev = np.zeros((N, H))
    for t in reversed(range(T)):
        dx[:, t], dh_prev, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + dh_prev, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dh_prev, dWx, dWh, db
'''


def test_the_knock_on_policy_reaches_the_graded_cell():
    namespace = {}
    exec(KNOCK_ON_NOTEBOOK, namespace)
    with pytest.raises(AssertionError):
        autograde("rnn_step_backward", namespace["rnn_step_backward"], seed=5)
    assert autograde("rnn_backward", namespace["rnn_backward"], seed=5) is None  # "full"
    with pytest.raises(AssertionError) as info:
        autograde("rnn_backward", namespace["rnn_backward"], seed=5, knock_on="none")
    assert str(info.value).startswith(
        "✗ FAILED  rnn_backward  (0/3 points)\nYour rnn_backward is right, but it scores 0 until "
        "it passes with your own rnn_step_backward: its test cases fail only because the "
        "rnn_step_backward it calls is wrong. Fix rnn_step_backward first.")
