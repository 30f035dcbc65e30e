"""rnncourse.optim: update rules against hand-computed steps, and global-norm clipping."""

import numpy as np
import pytest

from rnncourse import optim


def test_sgd_step():
    p = {"w": np.array([1.0, 2.0])}
    optim.SGD(lr=0.5).step(p, {"w": np.array([2.0, -2.0])})
    np.testing.assert_allclose(p["w"], [0.0, 3.0])


def test_momentum_two_steps_by_hand():
    p = {"w": np.array([0.0])}
    opt = optim.Momentum(lr=0.1, momentum=0.5)
    opt.step(p, {"w": np.array([1.0])})  # v = -0.1
    opt.step(p, {"w": np.array([1.0])})  # v = -0.05 - 0.1 = -0.15
    np.testing.assert_allclose(p["w"], [-0.25])


def test_adagrad_by_hand():
    p = {"w": np.array([0.0])}
    opt = optim.Adagrad(lr=1.0, eps=0.0)
    opt.step(p, {"w": np.array([2.0])})  # -1 * 2 / 2
    opt.step(p, {"w": np.array([2.0])})  # -1 * 2 / sqrt(8)
    np.testing.assert_allclose(p["w"], [-1.0 - 2.0 / np.sqrt(8.0)])


def test_adam_first_step_is_lr_times_sign():
    p = {"w": np.array([0.0, 0.0])}
    optim.Adam(lr=0.01).step(p, {"w": np.array([3.0, -0.2])})
    np.testing.assert_allclose(p["w"], [-0.01, 0.01], rtol=1e-6)


@pytest.mark.parametrize(
    "cls,lr", [(optim.SGD, 0.1), (optim.Momentum, 0.1), (optim.Adagrad, 1.0), (optim.Adam, 0.1)]
)
def test_optimisers_minimise_a_quadratic(cls, lr):
    p = {"w": np.array([3.0, -2.0])}
    opt = cls(lr=lr)
    for _ in range(300):
        opt.step(p, {"w": 2 * p["w"]})
    assert np.linalg.norm(p["w"]) < 0.2


def test_bad_learning_rate_message():
    with pytest.raises(ValueError, match=r"learning rate lr=-1 must be a positive number"):
        optim.SGD(lr=-1)


def test_clip_gradients_global_norm():
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([[0.0], [4.0]])}  # global norm 5
    before = {k: v.copy() for k, v in grads.items()}
    clipped, total = optim.clip_gradients(grads, max_norm=1.0)
    assert total == pytest.approx(5.0)
    np.testing.assert_allclose(clipped["a"], [0.6, 0.0])
    np.testing.assert_allclose(clipped["b"], [[0.0], [0.8]])
    for k in grads:  # not modified
        np.testing.assert_array_equal(grads[k], before[k])
    # norm after clipping equals max_norm; direction kept
    new_norm = np.sqrt(sum(np.sum(v**2) for v in clipped.values()))
    assert new_norm == pytest.approx(1.0)


def test_clip_gradients_below_threshold_returns_copies():
    grads = {"a": np.array([0.3, 0.4])}
    clipped, total = optim.clip_gradients(grads, max_norm=1.0)
    assert total == pytest.approx(0.5)
    np.testing.assert_array_equal(clipped["a"], grads["a"])
    assert clipped["a"] is not grads["a"]


def test_clip_gradients_is_not_per_tensor():
    grads = {"a": np.array([3.0]), "b": np.array([4.0])}
    clipped, _ = optim.clip_gradients(grads, max_norm=2.5)
    # global: both scaled by 0.5; per-tensor clipping would leave a = 2.5, b = 2.5
    np.testing.assert_allclose([clipped["a"][0], clipped["b"][0]], [1.5, 2.0])


def test_clip_gradients_bad_max_norm():
    with pytest.raises(ValueError, match=r"max_norm=0 must be a positive number"):
        optim.clip_gradients({"a": np.ones(2)}, 0)
