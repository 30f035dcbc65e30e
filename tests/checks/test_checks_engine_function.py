"""checks.engine.function: the generic judge names every way a learner's function can misbehave."""

import numpy as np
import pytest

from rnncourse.checks import EXERCISES, check
from rnncourse.rnn import rnn_backward


# ----------------------------------------------------------------------------- misbehaviour
def _raises(dh, cache):
    x = cache[0][0]
    raise ValueError(f"boom {x.shape}")


def _not_written(dh, cache):
    raise NotImplementedError("write rnn_backward")


def _forgot_return(dh, cache):
    rnn_backward(dh, cache)


def _four_values(dh, cache):
    return rnn_backward(dh, cache)[:4]


def _wrong_shape(dh, cache):
    dx, dh0, dWx, dWh, db = rnn_backward(dh, cache)
    return dx[:, :, :1], dh0, dWx, dWh, db


def _nan(dh, cache):
    dx, dh0, dWx, dWh, db = rnn_backward(dh, cache)
    dx = dx.copy()
    dx[0, -1, 0] = np.nan
    return dx, dh0, dWx, dWh, db


def _mutates(dh, cache):
    out = rnn_backward(dh, cache)
    dh *= 2.0  # changes the caller's array
    return out


def _float32(dh, cache):
    dx, dh0, dWx, dWh, db = rnn_backward(dh, cache)
    return dx.astype(np.float32), dh0, dWx, dWh, db


def _as_list(dh, cache):
    dx, dh0, dWx, dWh, db = rnn_backward(dh, cache)
    return dx, dh0, dWx.tolist(), dWh, db


@pytest.mark.parametrize("fn, wording", [
    (_raises, "raised ValueError: boom (2, 3) (line "),
    (_not_written, "not written yet: replace the raise NotImplementedError line in rnn_backward "),
    (_forgot_return, "returned None: did you forget return? It should return "
                     "(dx, dh0, dWx, dWh, db)."),
    (_four_values, "returned 4 values, expected 5: (dx, dh0, dWx, dWh, db)"),
    (_wrong_shape, "dx has shape (2, 4, 1), expected (2, 4, 3) = (N, T, D)"),
    (_nan, "dx contains 1 NaN of 24 entries at time step t = 4 of T = 4 (index t-1 in code: 3)"),
    (_mutates, "It changed its input dh in place (40 entries of dh changed"),
    (_float32, "dx has dtype float32, expected float64: keep full precision"),
    (_as_list, "dWx is 3 values; expected a numpy array of shape (3, 5) (convert with np.asarray)"),
    (lambda dh: None, "raised TypeError: lambda() takes 1 positional argument but 2 were given: "
                      "the function itself could not be called this way; give it the parameters "
                      "of rnn_backward(dh, cache)."),
])
def test_misbehaving_functions_fail_with_a_clear_message(fn, wording):
    r = check("rnn_backward", fn)
    assert not r.passed and r.points == 0 and r.possible == EXERCISES["rnn_backward"].points
    assert r.message.startswith("Case 1 of 5 (N=2, T=4, D=3, H=5): ")
    assert wording in r.message


def test_exception_message_points_at_the_learners_line():
    r = check("rnn_backward", _raises)
    assert "in _raises: raise ValueError(f\"boom {x.shape}\")" in r.message


def test_wrong_values_without_a_known_mistake_say_which_outputs_are_off():
    def off(dh, cache):
        dx, dh0, dWx, dWh, db = rnn_backward(dh, cache)
        return dx, dh0, dWx, dWh + 1e-3, db

    r = check("rnn_backward", off)
    assert r.mistake is None
    assert "Wrong values: dWh is off by up to 0.001" in r.message
    assert "dx, dh0, dWx, db are right" in r.message
    assert "No known mistake matches" in r.message


def test_tiny_wrong_gradient_cannot_pass():
    def slightly_off(dh, cache):
        dx, dh0, dWx, dWh, db = rnn_backward(dh, cache)
        return dx, dh0, dWx * (1 + 1e-6), dWh, db

    assert not check("rnn_backward", slightly_off).passed


def test_opaque_return_value_is_named():
    r = check("tanh_backward", lambda dout, cache: object())
    assert "dx is a object (<object object at" in r.message


def test_single_output_returned_in_a_tuple():
    r = check("tanh_backward", lambda dout, cache: (dout * (1 - cache**2),))
    assert "returned 1 values; return just dx (not in a tuple or list)" in r.message


def test_integer_dtype_is_reported():
    r = check("tanh_backward", lambda dout, cache: np.zeros(dout.shape, dtype=int))
    assert "dx has dtype int64, expected floating point numbers (float64)" in r.message


def test_internal_judge_error_is_a_failing_verdict_not_an_exception():
    ex = EXERCISES["rnn_step_backward"]
    case = ex.make_cases(0)[0]
    verdict = ex.judge(case, {"status": "returned", "value": "nonsense", "mutated": []})
    assert not verdict.passed and "returned a str" in verdict.message
    verdict = ex.judge({"label": "broken", "inputs": {}}, {"status": "returned",
                                                           "value": [1, 2, 3, 4, 5]})
    assert not verdict.passed and verdict.message.startswith("internal error in the checker")
    assert "KeyError('dh_next')" in verdict.message


def test_a_mistake_recognised_by_the_change_in_place_does_not_repeat_it():
    x_not_restored = next(m for m in EXERCISES["numerical_gradient"].mistakes
                          if m.name == "x_not_restored")
    r = check("numerical_gradient", x_not_restored.variant)
    assert r.mistake == "x_not_restored" and "changed its input" not in r.message


def test_an_error_several_mistakes_raise_alike_names_each():
    def swapped(x, h_prev, Wx, Wh, b):
        h = np.tanh(x @ Wh + h_prev @ Wx + b)
        return h, (x, h_prev, Wx, Wh, h)

    r = check("rnn_step_forward", swapped)
    assert r.mistake == "Wx_transposed or Wx_Wh_swapped"
    assert r.message.startswith("Case 1 of 4 (N=2, D=3, H=4): Likely mistake: used Wx.T where Wx "
                                "belongs: Wx has shape (D, H), so the input term is x @ Wx. Or: "
                                "swapped Wx and Wh:")
    assert "Details: raised ValueError: matmul: " in r.message
    assert "in swapped: h = np.tanh(x @ Wh + h_prev @ Wx + b))." in r.message


def test_a_placeholder_in_a_function_it_calls_is_named_where_it_is():
    def rnn_step_backward(dh_next, cache):
        raise NotImplementedError("Exercise rnn_step_backward: write your code here")

    def uses_unfinished_step(dh, cache):
        return rnn_step_backward(dh[:, -1], cache[-1])

    r = check("rnn_backward", uses_unfinished_step)
    assert ("not written yet: replace the raise NotImplementedError line in rnn_step_backward "
            "with your code") in r.message


def test_a_change_in_place_with_right_values_is_not_blamed_on_a_mistake():
    """With k = 1 "cut at every step" IS the right answer: a function that is right but changes
    dh in place must hear about the change, not about that mistake."""
    from rnncourse.rnn import rnn_backward_truncated

    ex = EXERCISES["rnn_backward_truncated"]
    case = next(c for c in ex.make_cases(0) if c["inputs"]["k"] == 1)

    def right_but_in_place(dh, cache, k):
        out = rnn_backward_truncated(dh.copy(), cache, k)
        dh[:] = 0.0
        return out

    verdict = ex.judge(case, ex.call(right_but_in_place, case))
    assert not verdict.passed and verdict.mistake is None
    assert verdict.message.startswith("It changed its input dh in place")
