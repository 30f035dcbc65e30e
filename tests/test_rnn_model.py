"""The sequence model: its layers and losses, its gradients against central differences, and sampling."""

import numpy as np
import pytest

from rnncourse.gradcheck import gradient_check, rel_error
from rnncourse.nn import softmax_cross_entropy
from rnncourse.rnn import rnn_forward
from rnncourse.rnn.model import (
    SequenceModel,
    one_hot,
    sample,
    temporal_affine_backward,
    temporal_affine_forward,
    temporal_mse,
    temporal_softmax_cross_entropy,
)


def assert_gradients(loss_fn, params, grads, f_scale):
    """Every parameter's analytic gradient within the error bound of central differences."""
    assert set(grads) == set(params)
    for name, param in params.items():
        check = gradient_check(grads[name], loss_fn, param, f_scale=f_scale)
        assert check.passed, check.describe(name)


def loss_scale(model, x, y, loss, h0=None):
    """The size of the numbers a mean loss cancels: the loss, the scores and the targets."""
    scores = model.scores(x, h0=h0)
    return abs(loss) + np.abs(scores).max() + (np.abs(y).max() if model.loss_type == "mse" else 0.0)


# ----------------------------------------------------------------------------- one_hot
def test_one_hot_by_hand():
    out = one_hot(np.array([[2, 0, 1]]), 4)
    assert out.shape == (1, 3, 4) and out.dtype == np.float64
    assert out.tolist() == [[[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]]]
    assert one_hot([1], 2, dtype=np.float32).dtype == np.float32


def test_one_hot_rejects_ids_outside_the_vocabulary():
    with pytest.raises(ValueError, match=r"id 5 is outside the vocabulary 0..3; pass V > 5"):
        one_hot([0, 5], 4)
    with pytest.raises(TypeError, match="integer ids"):
        one_hot([0.5], 4)


# ----------------------------------------------------------------------------- layers and losses
def test_temporal_affine_matches_numerical_gradient():
    rng = np.random.default_rng(0)
    h, W, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 5)), rng.standard_normal(5)
    G = rng.standard_normal((2, 3, 5))
    out, cache = temporal_affine_forward(h, W, b)
    np.testing.assert_allclose(out[1, 2], h[1, 2] @ W + b, rtol=1e-14)
    dh, dW, db = temporal_affine_backward(G, cache)

    def f():
        return float(np.sum(temporal_affine_forward(h, W, b)[0] * G))

    for name, g, arr in (("h", dh, h), ("W", dW, W), ("b", db, b)):
        check = gradient_check(g, f, arr, f_scale=np.abs(out * G).sum())
        assert check.passed, check.describe(name)


def test_softmax_loss_equals_flat_cross_entropy_and_log_C_when_uniform():
    rng = np.random.default_rng(1)
    scores, y = rng.standard_normal((3, 4, 5)), rng.integers(0, 5, size=(3, 4))
    loss, dscores = temporal_softmax_cross_entropy(scores, y)
    ref_loss, ref_d = softmax_cross_entropy(scores.reshape(12, 5), y.reshape(12))
    assert abs(loss - ref_loss) < 1e-12
    np.testing.assert_allclose(dscores.reshape(12, 5), ref_d, rtol=1e-12)
    uniform, _ = temporal_softmax_cross_entropy(np.zeros((2, 3, 7)), np.zeros((2, 3), dtype=int))
    assert abs(uniform - np.log(7)) < 1e-12


def test_masked_softmax_loss_ignores_masked_steps():
    rng = np.random.default_rng(2)
    scores, y = rng.standard_normal((2, 5, 3)), rng.integers(0, 3, size=(2, 5))
    mask = np.ones((2, 5), dtype=bool)
    mask[:, :2] = False
    loss, d = temporal_softmax_cross_entropy(scores, y, mask)
    ref, _ = softmax_cross_entropy(scores[:, 2:].reshape(6, 3), y[:, 2:].reshape(6))
    assert abs(loss - ref) < 1e-12
    assert np.all(d[:, :2] == 0)

    def f():
        return temporal_softmax_cross_entropy(scores, y, mask)[0]

    check = gradient_check(d, f, scores, f_scale=abs(loss) + np.abs(scores).max())
    assert check.passed, check.describe("scores")
    with pytest.raises(ValueError, match="mask selects no time step"):
        temporal_softmax_cross_entropy(scores, y, np.zeros((2, 5), dtype=bool))
    with pytest.raises(ValueError, match=r"mask has shape \(5,\); it must be \(N, T\) = \(2, 5\)"):
        temporal_softmax_cross_entropy(scores, y, np.ones(5, dtype=bool))


def test_mse_by_hand_and_gradient():
    pred = np.array([[[1.0, 2.0], [0.0, 0.0]]])  # (1, 2, 2)
    target = np.array([[[0.0, 0.0], [1.0, 1.0]]])
    loss, _ = temporal_mse(pred, target)
    assert abs(loss - (1 + 4 + 1 + 1) / 4) < 1e-15
    masked, d = temporal_mse(pred, target, mask=np.array([[True, False]]))
    assert abs(masked - (1 + 4) / 2) < 1e-15 and np.all(d[0, 1] == 0)
    rng = np.random.default_rng(3)
    p, t = rng.standard_normal((2, 3, 2)), rng.standard_normal((2, 3, 2))
    loss, dp = temporal_mse(p, t)
    check = gradient_check(dp, lambda: temporal_mse(p, t)[0], p,
                           f_scale=loss + np.abs(p).max() * np.abs(t).max())
    assert check.passed, check.describe("pred")


# ----------------------------------------------------------------------------- the model
def softmax_problem(N=3, T=5, V=4, seed=0):
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, V, size=(N, T))
    return one_hot(ids, V), rng.integers(0, V, size=(N, T))


@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize("use_h0, use_mask", [(False, False), (True, True)])
def test_softmax_model_gradients(fast, use_h0, use_mask):
    model = SequenceModel(4, 6, 4, seed=1, fast=fast, weight_scale=0.5)
    x, y = softmax_problem()
    h0 = np.random.default_rng(5).standard_normal((3, 6)) if use_h0 else None
    mask = np.random.default_rng(6).random((3, 5)) > 0.3 if use_mask else None
    loss, grads, h_last = model.loss(x, y, h0=h0, mask=mask)
    assert_gradients(lambda: model.loss(x, y, h0=h0, mask=mask)[0], model.params, grads,
                     loss_scale(model, x, y, loss, h0))
    assert h_last.shape == (3, 6)


@pytest.mark.parametrize("fast", [False, True])
def test_mse_model_gradients(fast):
    model = SequenceModel(2, 5, 3, loss="mse", seed=2, fast=fast)
    rng = np.random.default_rng(7)
    x, y = rng.standard_normal((2, 6, 2)), rng.standard_normal((2, 6, 3))
    loss, grads, _ = model.loss(x, y)
    assert_gradients(lambda: model.loss(x, y)[0], model.params, grads, loss_scale(model, x, y, loss))


def test_single_step_single_example_gradients():
    model = SequenceModel(3, 2, 3, seed=3)
    x, y = softmax_problem(N=1, T=1, V=3, seed=4)
    loss, grads, _ = model.loss(x, y)
    assert_gradients(lambda: model.loss(x, y)[0], model.params, grads, loss_scale(model, x, y, loss))


@pytest.mark.parametrize("k", [None, 1, 2, 5])
@pytest.mark.parametrize("loss", ["softmax", "mse"])
def test_fast_model_equals_teaching_model(k, loss):
    slow = SequenceModel(4, 7, 4, loss=loss, seed=4)
    fast = SequenceModel(4, 7, 4, loss=loss, seed=4, fast=True)
    x, y = softmax_problem(N=3, T=8, seed=8)
    if loss == "mse":
        y = np.random.default_rng(9).standard_normal((3, 8, 4))
    h0 = np.random.default_rng(10).standard_normal((3, 7))
    a = slow.loss(x, y, h0=h0, k=k)
    b = fast.loss(x, y, h0=h0, k=k)
    assert abs(a[0] - b[0]) <= 1e-12 * abs(a[0])
    for name in a[1]:
        assert rel_error(a[1][name], b[1][name]) <= 1e-10, name
    assert rel_error(a[2], b[2]) <= 1e-10


def test_truncated_model_gradient_is_the_detached_chunk_gradient():
    # with k < T only dWh, Wx, b change; each is the gradient with the boundary state held fixed
    model = SequenceModel(4, 5, 4, seed=5)
    x, y = softmax_problem(N=2, T=6, seed=11)
    k = 3
    loss, grads, _ = model.loss(x, y, k=k)
    p = model.params
    h_mid = rnn_forward(x[:, :k], np.zeros((2, 5)), p["Wx"], p["Wh"], p["b"])[0][:, -1].copy()

    def detached_loss():  # mean over N*T: each half is a mean over N*k, so average the two
        la = model.loss(x[:, :k], y[:, :k])[0]
        lb = model.loss(x[:, k:], y[:, k:], h0=h_mid)[0]
        return (la + lb) / 2

    assert_gradients(detached_loss, p, grads, loss_scale(model, x, y, loss))


def test_float32_model_keeps_float32():
    model = SequenceModel(4, 5, 4, dtype=np.float32, fast=True)
    x, y = softmax_problem()
    loss, grads, h_last = model.loss(x, y)
    assert all(p.dtype == np.float32 for p in model.params.values())
    assert all(g.dtype == np.float32 for g in grads.values())
    assert h_last.dtype == np.float32 and np.isfinite(loss)


def test_predict_scores_and_h_last_agree():
    model = SequenceModel(4, 5, 4, seed=6)
    x, y = softmax_problem()
    s = model.scores(x)
    assert s.shape == (3, 5, 4)
    np.testing.assert_array_equal(model.predict(x), s.argmax(axis=2))
    h = model.hidden_states(x)
    _, _, h_last = model.loss(x, y)
    np.testing.assert_array_equal(h_last, h[:, -1])
    # carrying h_last into the second half reproduces the states of the whole sequence
    h2 = model.hidden_states(x[:, 3:], h0=model.loss(x[:, :3], y[:, :3])[2])
    np.testing.assert_allclose(h2, h[:, 3:], rtol=1e-13)


def test_model_does_not_mutate_inputs():
    model = SequenceModel(4, 5, 4, seed=7)
    x, y = softmax_problem()
    h0, mask = np.ones((3, 5)) * 0.1, np.ones((3, 5), dtype=bool)
    before = [a.copy() for a in (x, y, h0, mask)]
    model.loss(x, y, h0=h0, k=2, mask=mask)
    for a, c in zip(before, (x, y, h0, mask)):
        np.testing.assert_array_equal(a, c)


def test_model_errors_say_what_to_do():
    model = SequenceModel(4, 5, 4)
    with pytest.raises(ValueError, match=r"x has shape \(3, 5\); this model expects \(N, T, 4\).*"
                                         r"one_hot\(ids, 4\)"):
        model.loss(np.zeros((3, 5)), np.zeros((3, 5), dtype=int))
    with pytest.raises(ValueError, match=r"h0 has shape \(2, 5\); expected \(N, H\) = \(3, 5\)"):
        model.loss(np.zeros((3, 5, 4)), np.zeros((3, 5), dtype=int), h0=np.zeros((2, 5)))
    with pytest.raises(ValueError, match=r"loss='ce' is not known; choose one of \['softmax', 'mse'\]"):
        SequenceModel(4, 5, 4, loss="ce")
    with pytest.raises(ValueError, match=r"hidden_size=0 must be a whole number >= 1"):
        SequenceModel(4, 0, 4)


# ----------------------------------------------------------------------------- sampling
def test_sample_is_seeded_and_in_range():
    model = SequenceModel(5, 8, 5, seed=8)
    a = sample(model, 0, 20, np.random.default_rng(3))
    b = sample(model, 0, 20, np.random.default_rng(3))
    assert a.shape == (20,) and a.dtype == np.int64
    np.testing.assert_array_equal(a, b)
    assert a.min() >= 0 and a.max() < 5


def test_cold_sampling_is_greedy_decoding():
    # temperature -> 0 picks the argmax at every step; decode greedily by hand with rnn_forward
    model = SequenceModel(5, 8, 5, seed=9, weight_scale=1.5)
    got = sample(model, 2, 6, np.random.default_rng(0), temperature=1e-6)
    ids, h = [2], np.zeros((1, 8))
    p = model.params
    for _ in range(6):
        hs, _ = rnn_forward(one_hot([[ids[-1]]], 5), h, p["Wx"], p["Wh"], p["b"])
        h = hs[:, -1]
        ids.append(int(np.argmax(h[0] @ p["Wy"] + p["by"])))
    assert got.tolist() == ids[1:]


def test_sample_rejects_bad_arguments():
    model = SequenceModel(5, 8, 5)
    with pytest.raises(ValueError, match=r"temperature=0 must be a positive number, e.g. 1.0"):
        sample(model, 0, 3, np.random.default_rng(0), temperature=0)
    with pytest.raises(ValueError, match=r"start_id=7 is outside the vocabulary 0..4"):
        sample(model, 7, 3, np.random.default_rng(0))
    with pytest.raises(ValueError, match="sample needs a softmax model"):
        sample(SequenceModel(5, 8, 5, loss="mse"), 0, 3, np.random.default_rng(0))


# ----------------------------------------------------------------------------- the LSTM cell
@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize("use_h0, use_mask", [(False, False), (True, True)])
def test_lstm_model_gradients(fast, use_h0, use_mask):
    model = SequenceModel(4, 5, 4, seed=1, fast=fast, cell="lstm", forget_bias=0.5, weight_scale=1.0)
    assert model.params["Wx"].shape == (4, 20) and model.params["Wh"].shape == (5, 20)
    x, y = softmax_problem()
    rng = np.random.default_rng(5)
    h0 = (rng.standard_normal((3, 5)), rng.standard_normal((3, 5))) if use_h0 else None
    mask = np.random.default_rng(6).random((3, 5)) > 0.3 if use_mask else None
    loss, grads, (h_last, c_last) = model.loss(x, y, h0=h0, mask=mask)
    assert_gradients(lambda: model.loss(x, y, h0=h0, mask=mask)[0], model.params, grads,
                     loss_scale(model, x, y, loss, h0))
    assert h_last.shape == c_last.shape == (3, 5)
    np.testing.assert_array_equal(h_last, model.hidden_states(x, h0=h0)[:, -1])


def test_lstm_forget_bias_initialises_only_the_forget_block():
    model = SequenceModel(3, 4, 2, cell="lstm", forget_bias=2.0)
    b = model.params["b"]
    assert np.all(b[4:8] == 2.0) and np.all(b[:4] == 0) and np.all(b[8:] == 0)
    assert np.all(SequenceModel(3, 4, 2, cell="lstm").params["b"][4:8] == 1.0)  # the default
    assert "cell='lstm'" in repr(model)


@pytest.mark.parametrize("k", [None, 3])
def test_fast_lstm_model_equals_teaching_lstm_model(k):
    x, y = softmax_problem(N=3, T=8, seed=8)
    fast = SequenceModel(4, 6, 4, seed=4, fast=True, cell="lstm").loss(x, y, k=k)
    if k is None:
        slow = SequenceModel(4, 6, 4, seed=4, cell="lstm").loss(x, y)
        assert abs(fast[0] - slow[0]) < 1e-12
        for name in fast[1]:
            assert np.max(np.abs(fast[1][name] - slow[1][name])) < 1e-10, name
    else:
        with pytest.raises(ValueError, match=r"k=3: truncated BPTT inside one loss call needs the "
                                             r"fast LSTM; use SequenceModel\(\.\.\., fast=True\)"):
            SequenceModel(4, 6, 4, seed=4, cell="lstm").loss(x, y, k=k)


def test_lstm_state_carries_h_and_c_across_chunks():
    """Two chunks with the carried (h, c) give the same states as one pass over both."""
    model = SequenceModel(4, 6, 4, seed=2, cell="lstm")
    x, _ = softmax_problem(N=2, T=8, seed=3)
    whole = model.hidden_states(x)
    state = model.final_state(x[:, :5])
    np.testing.assert_allclose(model.hidden_states(x[:, 5:], h0=state), whole[:, 5:], atol=1e-12)
    h_only = model.hidden_states(x[:, 5:], h0=state[0])  # c = 0: a different continuation
    assert not np.allclose(h_only, whole[:, 5:])


def test_lstm_model_trains_on_a_delayed_echo():
    from rnncourse.data import delayed_echo
    from rnncourse.optim import Adam
    from rnncourse.train import train
    model = SequenceModel(4, 16, 4, seed=0, fast=True, cell="lstm")
    history = train(model, lambda i: delayed_echo(16, 10, 2, seed=i), Adam(lr=0.03), steps=150,
                    k=5, progress=False)
    x, y, mask = delayed_echo(200, 10, 2, seed=99)
    assert np.mean(history.loss[-10:]) < 0.5 * np.mean(history.loss[:10])
    assert np.mean(model.predict(x)[mask] == y[mask]) > 0.9


def test_lstm_model_errors_say_what_to_do():
    with pytest.raises(ValueError, match=r"cell='gru' is not known; choose one of \['rnn', 'lstm'\]"):
        SequenceModel(3, 4, 2, cell="gru")
    with pytest.raises(ValueError, match=r"forget_bias=1.0 only applies to cell='lstm'"):
        SequenceModel(3, 4, 2, forget_bias=1.0)
    model = SequenceModel(3, 4, 2, cell="lstm")
    with pytest.raises(ValueError, match=r"pass h0=\(h, c\), both of shape \(N, H\) = \(2, 4\)"):
        model.hidden_states(np.zeros((2, 5, 3)), h0=(np.zeros((2, 4)), np.zeros((2, 3))))


def test_sample_works_with_an_lstm():
    model = SequenceModel(5, 8, 5, seed=0, cell="lstm")
    ids = sample(model, 1, 12, rng=0)
    assert ids.shape == (12,) and ids.min() >= 0 and ids.max() < 5
    np.testing.assert_array_equal(ids, sample(model, 1, 12, rng=0))
