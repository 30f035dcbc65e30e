"""rnncourse.nn: every backward against central differences, stability, MLP, no mutation."""

import numpy as np
import pytest

from rnncourse import nn
from rnncourse.gradcheck import gradient_check

SHAPES = [(1, 3, 2), (4, 5, 7), (3, 1, 1)]  # (N, D, M)


def _check_layer(forward, backward, x, rng):
    """dL/dx of L = sum(forward(x) * w) by backward vs by central differences."""
    out, cache = forward(x)
    w = rng.standard_normal(out.shape)
    dx = backward(w, cache)
    return gradient_check(dx, lambda: float(np.sum(forward(x)[0] * w)), x,
                          f_scale=np.abs(out * w).sum())


@pytest.mark.parametrize("N,D,M", SHAPES)
def test_affine_backward_matches_numerical(N, D, M):
    rng = np.random.default_rng(N * 100 + D * 10 + M)
    x, W, b = rng.standard_normal((N, D)), rng.standard_normal((D, M)), rng.standard_normal(M)
    dout = rng.standard_normal((N, M))
    dx, dW, db = nn.affine_backward(dout, nn.affine_forward(x, W, b)[1])

    def loss():
        return float(np.sum(nn.affine_forward(x, W, b)[0] * dout))

    scale = np.abs(nn.affine_forward(x, W, b)[0] * dout).sum()
    for name, analytic, arr in [("x", dx, x), ("W", dW, W), ("b", db, b)]:
        check = gradient_check(analytic, loss, arr, f_scale=scale)
        assert check.passed, check.describe(name)


def test_affine_forward_by_hand():
    x = np.array([[1.0, 2.0]])
    W = np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 1.0]])
    b = np.array([0.1, 0.2, 0.3])
    out, cache = nn.affine_forward(x, W, b)
    np.testing.assert_allclose(out, [[2.1, 4.2, 1.3]])
    assert cache[0] is x and cache[1] is W and cache[2] is b


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "relu"])
def test_activation_backward_matches_numerical(name):
    rng = np.random.default_rng(3)
    fwd, bwd = nn.ACTIVATIONS[name]
    x = rng.standard_normal((4, 5))
    x[np.abs(x) < 1e-3] = 0.5  # keep ReLU away from its kink
    check = _check_layer(fwd, bwd, x, rng)
    assert check.passed, check.describe(name)


def test_tanh_cache_is_output():
    x = np.array([[0.0, 1.0, -2.0]])
    out, cache = nn.tanh_forward(x)
    assert cache is out
    np.testing.assert_allclose(out, np.tanh(x))


def test_sigmoid_stable_for_large_inputs():
    out, _ = nn.sigmoid_forward(np.array([[-1000.0, 0.0, 1000.0]]))
    np.testing.assert_allclose(out, [[0.0, 0.5, 1.0]])


def test_softmax_cross_entropy_value_by_hand():
    scores = np.array([[0.0, 0.0], [np.log(3.0), 0.0]])
    y = np.array([0, 1])
    loss, _ = nn.softmax_cross_entropy(scores, y)
    expected = (np.log(2.0) + np.log(4.0)) / 2  # p = 1/2 and p = 1/4
    assert loss == pytest.approx(expected, rel=1e-12)


def test_softmax_cross_entropy_gradient():
    rng = np.random.default_rng(7)
    scores = rng.standard_normal((5, 4)) * 3
    y = rng.integers(0, 4, size=5)
    _, dscores = nn.softmax_cross_entropy(scores, y)
    # the mean over N of log-sum-exp terms, each of the size of the largest |score| or so
    scale = np.abs(scores).max(axis=1).mean() + np.log(scores.shape[1])
    check = gradient_check(dscores, lambda: nn.softmax_cross_entropy(scores, y)[0], scores, f_scale=scale)
    assert check.passed, check.describe("scores")


def test_softmax_cross_entropy_large_scores_finite():
    scores = np.array([[1000.0, 0.0, -1000.0], [-500.0, 800.0, 799.0]])
    y = np.array([0, 2])
    loss, dscores = nn.softmax_cross_entropy(scores, y)
    assert np.isfinite(loss) and np.all(np.isfinite(dscores))
    # second row: log(1 + e^{-1}) - (-1) = 1 + log(1 + e^-1)
    assert loss == pytest.approx((0.0 + 1.0 + np.log1p(np.exp(-1.0))) / 2, rel=1e-10)


def test_layers_do_not_mutate_inputs():
    rng = np.random.default_rng(0)
    x, W, b = rng.standard_normal((3, 4)), rng.standard_normal((4, 2)), rng.standard_normal(2)
    dout = rng.standard_normal((3, 2))
    copies = [a.copy() for a in (x, W, b, dout)]
    nn.affine_backward(dout, nn.affine_forward(x, W, b)[1])
    nn.softmax_cross_entropy(dout, np.array([0, 1, 1]))
    for fwd, bwd in nn.ACTIVATIONS.values():
        out, cache = fwd(x)
        bwd(x, cache)
    for a, c in zip((x, W, b, dout), copies):
        np.testing.assert_array_equal(a, c)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_mlp_gradients(activation):
    rng = np.random.default_rng(1)
    model = nn.MLP((3, 6, 5, 4), activation=activation, seed=2)
    x = rng.standard_normal((7, 3))
    y = rng.integers(0, 4, size=7)
    loss, grads = model.loss(x, y)
    assert set(grads) == set(model.params) == {"W1", "b1", "W2", "b2", "W3", "b3"}
    scale = loss + np.abs(model.scores(x)).max(axis=1).mean()  # log-sum-exp cancels scores
    for name, param in model.params.items():
        # a ReLU kink within 2h of an entry widens that entry's bound (Richardson sees it)
        check = gradient_check(grads[name], lambda: model.loss(x, y)[0], param, f_scale=scale)
        assert check.passed, check.describe(name)


def test_mlp_learns_xor_like_data():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(200, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    model = nn.MLP((2, 16, 2), seed=0)
    first = model.loss(X, y)[0]
    for _ in range(500):
        loss, grads = model.loss(X, y)
        for k in model.params:
            model.params[k] -= 0.5 * grads[k]
    assert first > 0.6 and loss < 0.25
    assert (model.predict(X) == y).mean() > 0.9


def test_mlp_bad_arguments_messages():
    with pytest.raises(ValueError, match=r"activation='softplus' is not known; choose one of"):
        nn.MLP((2, 3), activation="softplus")
    with pytest.raises(ValueError, match=r"sizes=\(2,\): give at least an input and an output"):
        nn.MLP((2,))
