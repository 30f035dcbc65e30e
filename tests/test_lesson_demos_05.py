"""Lesson 05, section 3 ("Vanishing and exploding gradients") and section 4 ("What clipping
preserves"): the claims the notebook prints for ``SEED = 0`` hold for seeds 0-5, also with one-ulp
noise in ``tanh``/``exp``/``log`` (a stand-in for another CPU).

The settings mirror the notebook cells named in each test; change them together. The noise
helpers come from ``tests/test_lesson_demos.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

from rnncourse.optim import SGD, Adam, clip_gradients
from rnncourse.viz.gradient_explorer import (
    gradient_norms_by_lag,
    jacobian_norms,
    random_rnn_states,
    recurrent_matrix,
    spectral_norm,
    spectral_radius,
)
from tests.test_lesson_demos import NUMERICS, SEEDS


# ---- "The linear RNN follows rho^tau -- eventually" (the radius-0.9 matrix, H = 32)
@pytest.mark.parametrize("seed", SEEDS)
def test_lesson05_powers_start_at_the_norm_and_approach_the_radius(seed):
    Wh = recurrent_matrix(32, 0.9, seed=seed)
    rho, norm = spectral_radius(Wh), spectral_norm(Wh)
    assert norm > 1.4, "the random radius-0.9 matrix should be far from normal"
    roots = [np.linalg.norm(np.linalg.matrix_power(Wh, tau), 2) ** (1 / tau)
             for tau in (1, 5, 10, 40, 160, 640)]
    assert roots[0] == pytest.approx(norm)
    assert all(a > b for a, b in zip(roots, roots[1:])), "the tau-th root should creep down"
    assert abs(roots[-1] - rho) < 0.01


# ---- the table of radii (gradient_norms_by_lag, H = 32, T = 40)
@pytest.mark.parametrize("numerics", list(NUMERICS))
@pytest.mark.parametrize("seed", SEEDS)
def test_lesson05_radius_table_claims_hold_for_every_seed(seed, numerics):
    radii = [0.5, 0.9, 1.0, 1.5, 2.0, 3.0]
    lag = np.arange(41)
    with NUMERICS[numerics]():
        flow = {r: gradient_norms_by_lag(r, H=32, T=40, seed=seed) for r in radii}
    for r in radii:
        norm = spectral_norm(recurrent_matrix(32, r, seed=seed))
        for curve in flow[r]:
            assert np.all(curve <= norm**lag * (1 + 1e-9)), "the spectral norm bounds every lag"
    assert flow[0.9][0][1] > 1 and flow[1.0][0][1] > 1, (
        "radius 0.9 and 1.0: the gradient should grow on its first step back")


# ---- "Radius 0, and the gradient still grows" (shift matrix 1.25, H = 32, T = 40)
@pytest.mark.parametrize("numerics", list(NUMERICS))
@pytest.mark.parametrize("seed", SEEDS)
def test_lesson05_shift_matrix_grows_then_dies_for_every_seed(seed, numerics):
    W = 1.25 * np.eye(32, k=1)
    with NUMERICS[numerics]():
        h = random_rnn_states(W, T=40, seed=seed)
    tanh_norms, linear_norms = jacobian_norms(W, h), jacobian_norms(W, h, linear=True)
    assert tanh_norms.max() > 2, "the tanh RNN's gradient should grow above 2 although rho = 0"
    assert np.all(tanh_norms[32:] == 0) and np.all(linear_norms[32:] == 0)
    np.testing.assert_allclose(linear_norms[:32], 1.25 ** np.arange(32), rtol=1e-12)
    assert np.all(tanh_norms <= linear_norms * (1 + 1e-12))


# ---- "Radius 2, and the gradient still vanishes" (recurrent_matrix(32, 2.0), input scale 0.3 / 3)
@pytest.mark.parametrize("numerics", list(NUMERICS))
@pytest.mark.parametrize("seed", SEEDS)
def test_lesson05_saturation_claims_hold_for_every_seed(seed, numerics):
    W = recurrent_matrix(32, 2.0, seed=seed)
    with NUMERICS[numerics]():
        weak = random_rnn_states(W, T=40, seed=seed, input_scale=0.3)
        strong = random_rnn_states(W, T=40, seed=seed, input_scale=3.0)
    assert jacobian_norms(W, weak)[40] > 10, "with weak inputs the gradient should grow"
    assert jacobian_norms(W, strong)[40] < 1e-3, "with strong inputs it should vanish"
    assert np.mean(1 - strong**2) < np.mean(1 - weak**2)
    assert jacobian_norms(W, strong, linear=True)[40] > 1e9


# ---- "What clipping preserves" (a 4x4 gradient and a tiny bias gradient, clip at 1)
@pytest.mark.parametrize("seed", SEEDS)
def test_lesson05_clipping_keeps_the_gradient_direction_not_adams(seed):
    rng = np.random.default_rng(seed)
    g = {"Wh": rng.standard_normal((4, 4)), "b": 0.01 * rng.standard_normal(4)}
    clipped, total = clip_gradients(g, max_norm=1.0)
    flat = lambda d: np.concatenate([a.ravel() for a in d.values()])  # noqa: E731
    cos = lambda a, b: a @ b / (np.linalg.norm(a) * np.linalg.norm(b))  # noqa: E731
    assert total > 1 and cos(flat(clipped), flat(g)) == pytest.approx(1.0)
    updates = {}
    for name, make in (("SGD", lambda: SGD(lr=0.1)), ("Adam", lambda: Adam(lr=0.1))):
        for clip in (False, True):
            params = {k: np.zeros_like(a) for k, a in g.items()}
            make().step(params, clipped if clip else g)
            updates[name, clip] = flat(params)
    assert cos(updates["SGD", True], -flat(g)) == pytest.approx(1.0)
    assert np.linalg.norm(updates["SGD", True]) < np.linalg.norm(updates["SGD", False])
    assert cos(updates["Adam", True], -flat(g)) < 0.9, "Adam's update should turn away"
    assert np.linalg.norm(updates["Adam", True]) == pytest.approx(
        np.linalg.norm(updates["Adam", False]), rel=1e-4), "clipping should not shorten Adam's step"
