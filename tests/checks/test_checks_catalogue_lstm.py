"""Checks of lesson 6 on the LSTM: step forward, step backward, full BPTT. References pass,
every known mistake fails with its own message, and hand-written correct alternatives (einsum,
per-gate loops, per-example loops, a sequence backward over its own step) pass."""

import numpy as np
import pytest

from rnncourse import rnn
from rnncourse.checks import EXERCISES, check, exercises_for_lesson
from rnncourse.gradcheck import gradient_check
from tests.checks.named_mistakes import assert_mistake_is_named, assert_wording_covers_every_mistake, mistake_cases

STEP_WORDING = {
    "sigmoid_derivative_as_tanh": "the sigmoid derivative is written as for tanh (1 - s**2)",
    "no_tanh_c_derivative": "the derivative of tanh(c_next) is missing on the path from h_next "
                            "to c_next",
    "df_uses_c_next": "df uses c_next where c_prev belongs",
    "dc_prev_without_forget": "dc_prev is missing the forget gate",
    "gate_order_ifog": "the gate blocks of da are stacked in the wrong order",
    "sigmoid_applied_again": "the sigmoid is applied again to the stored gates",
    "no_path_through_h": "the path from h_next to the cell state is left out",
    "tanh_c_derivative_on_c": "the derivative of tanh(c_next) is written 1 - c_next**2",
    "do_without_tanh": "do is missing the tanh",
    "candidate_tanh_again": "the candidate's derivative applies tanh again, 1 - tanh(g)**2",
}

WORDING = {
    "lstm_step_forward": {
        "gate_order_ifog": "the gate blocks are sliced in the wrong order",
        "gate_order_fiog": "the gate blocks are sliced in the wrong order",
        "h_without_tanh": "h_next = o * c_next is missing the tanh",
        "no_forget_gate": "c_prev is added without the forget gate",
        "tanh_gates": "the gates i, f, o use tanh",
        "sigmoid_candidate": "the candidate g uses sigmoid",
        "tanh_output_gate": "the output gate o uses tanh",
        "no_input_gate": "the candidate is added without the input gate",
        "cache_gate_order_ifog": "the gates in the cache are in the order i, f, o, g",
        "cache_holds_tanh_c": "the cache holds tanh(c_next) where c_next belongs",
        "h_c_swapped": "h_next and c_next are swapped",
    },
    "lstm_step_backward": {
        **STEP_WORDING,
        "dc_next_not_added": "the cell-state gradient from the next step is not added",
        "forget_on_dc_next_only": "the forget gate multiplies only the incoming dc_next",
        "dc_prev_is_dc_next": "dc_prev returned as dc_next",
    },
    "lstm_backward": {
        **STEP_WORDING,
        "dc_future_not_added": "the cell-state gradient from the next step never arrives",
        "dh_future_not_added": "the hidden-state gradient from the next time step is not added",
        "overwrite_shared": "the shared-weight gradients are overwritten",
        "forward_loop": "the time loop runs forward",
        "dc_returned_as_dh0": "returned the carried cell-state gradient as dh0",
    },
}


def test_every_mistake_of_these_exercises_has_a_wording_test():
    assert_wording_covers_every_mistake(WORDING)


@pytest.mark.parametrize("ex_id, name", mistake_cases(WORDING))
def test_each_known_mistake_fails_with_its_own_message(ex_id, name):
    assert_mistake_is_named(WORDING, ex_id, name)


def test_lesson_06_asks_for_the_three_lstm_exercises_in_order():
    assert [ex.id for ex in exercises_for_lesson("06_gated_cells")] == [
        "lstm_step_forward", "lstm_step_backward", "lstm_backward"]


@pytest.mark.parametrize("ex_id, ref", [
    ("lstm_step_forward", rnn.lstm_step_forward),
    ("lstm_step_backward", rnn.lstm_step_backward),
    ("lstm_backward", rnn.lstm_backward),
])
def test_reference_passes(ex_id, ref):
    r = check(ex_id, ref)
    assert r.passed, r.message
    assert r.points == r.possible == EXERCISES[ex_id].points


def test_cases_cover_the_required_shapes_and_a_nonzero_dc_next():
    dims = [c["dims"] for c in EXERCISES["lstm_backward"].make_cases(0)]
    assert any(d["N"] == 1 for d in dims) and any(d["T"] == 1 for d in dims)
    assert any(d["D"] != d["H"] for d in dims)
    for case in EXERCISES["lstm_step_backward"].make_cases(0):
        assert np.abs(case["inputs"]["dc_next"]).min() > 0


def test_step_backward_expectation_agrees_with_numerical_gradients():
    """Independent evidence the judged expectation is right: L = sum(h dh) + sum(c dc)."""
    case = EXERCISES["lstm_step_backward"].make_cases(0)[1]
    x, h_prev, c_prev, Wx, Wh = (np.array(a, dtype=float) for a in case["inputs"]["cache"][:5])
    rng = np.random.default_rng(1)
    b = 0.3 * rng.standard_normal(Wx.shape[1])
    dh, dc = case["inputs"]["dh_next"], case["inputs"]["dc_next"]

    def loss():
        h, c, _ = rnn.lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b)
        return float(np.sum(h * dh) + np.sum(c * dc))

    h, c, cache = rnn.lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b)
    grads = rnn.lstm_step_backward(dh, dc, cache)
    scale = np.abs(h * dh).sum() + np.abs(c * dc).sum()
    for name, analytic, param in zip(("dx", "dh_prev", "dc_prev", "dWx", "dWh", "db"), grads,
                                     (x, h_prev, c_prev, Wx, Wh, b)):
        check = gradient_check(analytic, loss, param, f_scale=scale)
        assert check.passed, check.describe(name)


# ----------------------------------------------------------------------------- alternatives
def _sig(a):
    return np.exp(-np.logaddexp(0.0, -a))


def step_forward_einsum(x, h_prev, c_prev, Wx, Wh, b):
    H = h_prev.shape[1]
    a = np.einsum("nd,dk->nk", x, Wx) + np.einsum("nh,hk->nk", h_prev, Wh) + b
    i, f, g, o = (a[:, k * H:(k + 1) * H] for k in range(4))
    i, f, g, o = _sig(i), _sig(f), np.tanh(g), _sig(o)
    c_next = f * c_prev + i * g
    return o * np.tanh(c_next), c_next, (x, h_prev, c_prev, Wx, Wh, i, f, g, o, c_next)


def step_backward_per_gate(dh_next, dc_next, cache):
    """Per-gate weight blocks, filled one gate at a time."""
    x, h_prev, c_prev, Wx, Wh, i, f, g, o, c_next = cache
    H = h_prev.shape[1]
    tc = np.tanh(c_next)
    dc = dc_next + dh_next * o * (1 - tc**2)
    gate_grads = [dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g**2),
                  dh_next * tc * o * (1 - o)]
    dx, dh_prev = np.zeros_like(x), np.zeros_like(h_prev)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(4 * H)
    for k, da_k in enumerate(gate_grads):
        cols = slice(k * H, (k + 1) * H)
        dx += da_k @ Wx[:, cols].T
        dh_prev += da_k @ Wh[:, cols].T
        dWx[:, cols] = x.T @ da_k
        dWh[:, cols] = h_prev.T @ da_k
        db[cols] = da_k.sum(axis=0)
    return dx, dh_prev, dc * f, dWx, dWh, db


def step_backward_per_example(dh_next, dc_next, cache):
    x, h_prev, c_prev, Wx, Wh, i, f, g, o, c_next = cache
    outs = [np.zeros_like(x), np.zeros_like(h_prev), np.zeros_like(c_prev), np.zeros_like(Wx),
            np.zeros_like(Wh), np.zeros(Wx.shape[1])]
    for n in range(x.shape[0]):
        tc = np.tanh(c_next[n])
        dc = dc_next[n] + dh_next[n] * o[n] * (1 - tc**2)
        da = np.concatenate([dc * g[n] * i[n] * (1 - i[n]), dc * c_prev[n] * f[n] * (1 - f[n]),
                             dc * i[n] * (1 - g[n] ** 2), dh_next[n] * tc * o[n] * (1 - o[n])])
        outs[0][n], outs[1][n], outs[2][n] = Wx @ da, Wh @ da, dc * f[n]
        outs[3] += np.outer(x[n], da)
        outs[4] += np.outer(h_prev[n], da)
        outs[5] += da
    return tuple(outs)


def backward_with_own_step(dh, cache):
    T = dh.shape[1]
    dxs, grads = [None] * T, []
    dh_f, dc_f = np.zeros_like(dh[:, 0]), np.zeros_like(dh[:, 0])
    for t in range(T - 1, -1, -1):
        dxs[t], dh_f, dc_f, *g = step_backward_per_gate(dh[:, t] + dh_f, dc_f, cache[t])
        grads.append(g)
    dWx, dWh, db = (np.sum(parts, axis=0) for parts in zip(*grads))
    return np.stack(dxs, axis=1), dh_f, dWx, dWh, db


@pytest.mark.parametrize("ex_id, fn", [
    ("lstm_step_forward", step_forward_einsum),
    ("lstm_step_backward", step_backward_per_gate),
    ("lstm_step_backward", step_backward_per_example),
    ("lstm_backward", backward_with_own_step),
])
def test_hand_written_correct_variants_pass(ex_id, fn):
    r = check(ex_id, fn)
    assert r.passed, r.message
