"""The lessons' qualitative demonstrations hold for every seed of a small set, not by luck.

A solution notebook runs each demonstration once, with ``SEED = 0``, and prints only the claims
its prose makes (the exact numbers of a long or chaotic training run differ from machine to
machine). These tests re-run the same settings for several seeds, also with one-ulp noise in
``tanh``/``exp``/``log`` (a stand-in for another CPU), and assert the same claims, so the claims
rest on the setting rather than on one trajectory. The constants mirror the notebook cells named
in each test; change them together.
"""

from __future__ import annotations

import contextlib
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from rnncourse.data import delayed_echo, spirals
from rnncourse.optim import SGD, Adam
from rnncourse.rnn import SequenceModel
from rnncourse.train import train
from rnncourse.viz.gradient_explorer import recurrent_matrix
from rnncourse.viz.training_explorer import fit_mlp

SEEDS = range(6)
CHANCE_3 = np.log(3)


def _load_noise_module():
    spec = importlib.util.spec_from_file_location(
        "ulp_noise", Path(__file__).parent / "portability" / "ulp_noise_startup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


NOISE = _load_noise_module()


@contextlib.contextmanager
def last_bit_noise(seed):
    """Move ~30% of every float64 tanh/exp/log result by one ulp (as the portability test does)."""
    NOISE.install(seed)
    try:
        yield
    finally:
        NOISE.uninstall()


NUMERICS = {"exact": contextlib.nullcontext, "last-bit noise": lambda: last_bit_noise(7)}


def test_the_noise_helper_changes_results_and_restores_numpy():
    plain = np.tanh(np.linspace(-2, 2, 1000))
    with last_bit_noise(0):
        noisy = np.tanh(np.linspace(-2, 2, 1000))
    assert np.any(noisy != plain) and np.max(np.abs(noisy - plain)) < 1e-15
    assert np.array_equal(np.tanh(np.linspace(-2, 2, 1000)), plain)


# ---- lesson 01, "What the learning rate changes" (fit_mlp, H = 32, 300 steps, lr 0.1 / 1 / 3)
@pytest.mark.parametrize("numerics", list(NUMERICS))
@pytest.mark.parametrize("seed", SEEDS)
def test_lesson01_learning_rate_claims_hold_for_every_seed(seed, numerics):
    X, y = spirals(100, seed=0)
    final, accuracy = {}, {}
    with NUMERICS[numerics]():
        for lr in (0.1, 1.0, 3.0):
            model, losses = fit_mlp(X, y, hidden=32, lr=lr, steps=300, seed=seed)
            final[lr], accuracy[lr] = losses[-1], np.mean(model.predict(X) == y)
    assert final[0.1] > 0.5, "eta = 0.1 should still be on the plateau after 300 steps"
    assert final[1.0] < 0.3 and accuracy[1.0] > 0.9, "eta = 1 should get through the plateau"
    assert final[3.0] > 2 * final[1.0], "eta = 3 should end well above eta = 1"


# ---- lesson 05, "What clipping fixes" (radius-2 W_h, SGD lr 3, clip 1/3, delayed echo)
H_C, T_C, DELAY_C, STEPS_C, RADIUS_C, LR_C = 32, 20, 3, 200, 2.0, 3.0
CLIP_C = 1 / LR_C


def _clip_runs(seed):
    batches = [delayed_echo(32, T_C, DELAY_C, seed=s) for s in range(20)]
    x_test, y_test, mask = delayed_echo(500, T_C, DELAY_C, seed=1000)
    runs = {}
    for clip in (None, CLIP_C):
        model = SequenceModel(4, H_C, 4, seed=seed, fast=True)
        model.params["Wh"] = recurrent_matrix(H_C, RADIUS_C, seed=seed)
        with np.errstate(all="ignore"):
            history = train(model, batches, SGD(lr=LR_C), steps=STEPS_C, clip=clip, progress=False)
            accuracy = np.mean(model.predict(x_test)[mask] == y_test[mask])
        runs[clip] = (history, accuracy)
    return runs


@pytest.mark.parametrize("numerics", list(NUMERICS))
@pytest.mark.parametrize("seed", SEEDS)
def test_lesson05_clipping_claims_hold_for_every_seed(seed, numerics):
    with NUMERICS[numerics]():
        runs = _clip_runs(seed)
    (plain, plain_acc), (clipped, clipped_acc) = runs[None], runs[CLIP_C]
    assert max(plain.loss) > 5 * CHANCE_3, "without clipping the loss should jump far above chance"
    assert plain_acc < 0.5, "without clipping the model should end near chance (1/3)"
    assert max(clipped.loss) < 2 * CHANCE_3, "with clipping the loss should never jump"
    assert clipped_acc > 0.9, "with clipping the echo should be learned"
    clipped_steps = np.flatnonzero(clipped.clipped)
    assert clipped_steps.size > 0 and clipped_steps.max() < STEPS_C // 4, (
        "clipping should act only early on, while the gradient is large"
    )


# ---- lesson 05, "What truncation cannot learn" (delayed echo, Adam 0.02, 200 updates, k / delay)
T_ECHO, N_ECHO, H_ECHO, STEPS_ECHO = 24, 32, 32, 200


def _echo_accuracy(k, delay, seed):
    batches = [delayed_echo(N_ECHO, T_ECHO, delay, seed=s) for s in range(20)]
    model = SequenceModel(4, H_ECHO, 4, seed=seed, fast=True)
    train(model, batches, Adam(lr=0.02), steps=STEPS_ECHO, k=k, progress=False)
    x_test, y_test, mask = delayed_echo(500, T_ECHO, delay, seed=1000)
    correct = model.predict(x_test) == y_test
    steps = np.arange(T_ECHO)
    earlier_chunk = (steps >= delay) & (steps % k < delay)
    return correct[mask].mean(), correct[:, earlier_chunk].mean()


@pytest.mark.parametrize("numerics", list(NUMERICS))
@pytest.mark.parametrize("seed", SEEDS)
def test_lesson05_truncation_claims_hold_for_every_seed(seed, numerics):
    with NUMERICS[numerics]():
        short, _ = _echo_accuracy(4, 2, seed)
        cut, _ = _echo_accuracy(4, 6, seed)
        wide, wide_earlier = _echo_accuracy(8, 6, seed)
    assert short > 0.95, "k = 4 should learn a delay of 2"
    assert abs(cut - 1 / 3) < 0.05, "k = 4 should stay at chance on a delay of 6"
    assert wide > 0.8 and wide_earlier > 0.75, "k = 8 should learn a delay of 6, across chunks too"
