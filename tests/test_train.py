"""The training loop: it learns a delayed echo, records its history, clips, chunks and carries state."""

import math

import numpy as np
import pytest

from rnncourse import train as train_module
from rnncourse.optim import SGD, Adam
from rnncourse.rnn import SequenceModel, one_hot
from rnncourse.train import History, global_norm, in_jupyter_kernel, train


def echo_batch(n, T, delay, V, seed):
    """Delayed echo written out here: the target at t is the input at t - delay (0 = blank)."""
    rng = np.random.default_rng(seed)
    symbols = rng.integers(1, V, size=(n, T))
    y = np.zeros((n, T), dtype=np.int64)
    y[:, delay:] = symbols[:, : T - delay]
    return one_hot(symbols, V), y


class RecordingModel:
    """A stand-in model with one parameter whose loss and gradients are fixed by the test."""

    def __init__(self, grad, loss=1.0, H=2):
        self.params = {"w": np.zeros(3)}
        self.grad, self.value, self.H = np.asarray(grad, dtype=float), loss, H
        self.calls = []  # (x, y, h0, mask) of every loss call

    def loss(self, x, y, h0=None, mask=None):
        self.calls.append((x, y, h0, mask))
        h_last = np.full((x.shape[0], self.H), float(len(self.calls)))  # tells the calls apart
        return self.value, {"w": self.grad.copy()}, h_last

    def hidden_states(self, x, h0=None):
        return np.full((x.shape[0], x.shape[1], self.H), -1.0)


# ----------------------------------------------------------------------------- it learns
@pytest.mark.parametrize("fast", [False, True])
def test_learns_delayed_echo_well_below_chance(fast):
    V = 4
    model = SequenceModel(V, 16, V, seed=0, fast=fast)
    history = train(model, lambda i: echo_batch(32, 12, 2, V, seed=i), Adam(lr=0.03),
                    steps=60, clip=5.0, progress=False)
    chance = math.log(V)
    assert np.mean(history.loss[:3]) > 0.8 * chance  # it starts near chance ...
    assert np.mean(history.loss[-5:]) < 0.25 * chance  # ... and ends far below it
    x, y = echo_batch(100, 12, 2, V, seed=10_000)  # unseen sequences
    assert (model.predict(x)[:, 2:] == y[:, 2:]).mean() > 0.95


def test_truncated_training_with_carried_state_learns_too():
    model = SequenceModel(4, 16, 4, seed=1)
    batches = [echo_batch(32, 24, 2, 4, seed=i) for i in range(4)]
    history = train(model, batches, Adam(lr=0.03), epochs=8, k=6, clip=5.0, progress=False)
    assert len(history) == 8 * 4 * 4  # epochs * batches * chunks per batch
    assert np.mean(history.loss[-8:]) < 0.25 * math.log(4)


# ----------------------------------------------------------------------------- history
def test_history_has_one_entry_per_step():
    model = SequenceModel(4, 5, 4, seed=2)
    batches = [echo_batch(4, 10, 2, 4, seed=i) for i in range(3)]
    h = train(model, batches, SGD(lr=0.1), epochs=2, k=3, progress=False,
              every=5, eval_fn=lambda m: 0.5)
    steps = 2 * 3 * 4  # chunks [0,3) [3,6) [6,9) [9,10) per batch
    assert len(h) == len(h.loss) == len(h.grad_norm) == len(h.clipped) == steps
    assert h.eval_steps == [5, 10, 15, 20, 24] and h.eval_values == [0.5] * 5
    assert not any(h.clipped)
    assert isinstance(h, History)


def test_steps_stop_in_the_middle_of_a_batch():
    model = RecordingModel([1.0, 0.0, 0.0])
    h = train(model, [(np.zeros((2, 10, 1)), np.zeros((2, 10)))], SGD(lr=0.1), steps=7, k=3,
              progress=False)
    assert len(h) == 7 and len(model.calls) == 7


def test_smoothed_loss_of_a_constant_is_that_constant():
    h = History(loss=[2.0] * 5)
    np.testing.assert_allclose(h.smoothed_loss(0.9), 2.0, rtol=1e-12)


# ----------------------------------------------------------------------------- clipping
def test_clipping_records_the_norm_before_clipping():
    model = RecordingModel([6.0, 8.0, 0.0])  # norm 10
    h = train(model, [(np.zeros((1, 4, 1)), np.zeros((1, 4)))], SGD(lr=1.0), steps=2, clip=1.0,
              progress=False)
    assert h.grad_norm == [10.0, 10.0] and h.clipped == [True, True]
    # each update moved w by the clipped gradient: direction kept, length 1
    np.testing.assert_allclose(model.params["w"], -2 * np.array([0.6, 0.8, 0.0]), rtol=1e-12)


def test_no_clipping_below_the_threshold():
    model = RecordingModel([0.3, 0.4, 0.0])  # norm 0.5
    h = train(model, [(np.zeros((1, 4, 1)), np.zeros((1, 4)))], SGD(lr=1.0), steps=1, clip=1.0,
              progress=False)
    assert h.grad_norm == [0.5] and h.clipped == [False]
    np.testing.assert_allclose(model.params["w"], [-0.3, -0.4, 0.0], rtol=1e-12)


def test_global_norm_by_hand():
    assert global_norm({"a": np.array([3.0]), "b": np.array([[4.0, 12.0]])}) == 13.0


# ----------------------------------------------------------------------------- chunks and state
def test_chunks_carry_the_state_and_each_batch_starts_from_zero():
    model = RecordingModel([0.0, 0.0, 0.0])
    x = np.arange(2 * 7).reshape(2, 7, 1).astype(float)
    y = np.zeros((2, 7))
    train(model, [(x, y), (x, y)], SGD(lr=0.1), epochs=1, k=3, progress=False)
    assert [c[0].shape[1] for c in model.calls] == [3, 3, 1, 3, 3, 1]
    np.testing.assert_array_equal(model.calls[1][0], x[:, 3:6])
    h0s = [c[2] for c in model.calls]
    assert h0s[0] is None and h0s[3] is None  # a new batch: zero state
    np.testing.assert_array_equal(h0s[1], np.full((2, 2), 1.0))  # h_last of call 1
    np.testing.assert_array_equal(h0s[2], np.full((2, 2), 2.0))


def test_carry_state_false_starts_every_chunk_from_zero():
    model = RecordingModel([0.0, 0.0, 0.0])
    train(model, [(np.zeros((2, 7, 1)), np.zeros((2, 7)))], SGD(lr=0.1), epochs=1, k=3,
          carry_state=False, progress=False)
    assert all(c[2] is None for c in model.calls)


def test_chunks_with_an_empty_mask_are_skipped_but_the_state_moves_on():
    model = RecordingModel([0.0, 0.0, 0.0])
    mask = np.ones((2, 6), dtype=bool)
    mask[:, :2] = False  # the first chunk (k=2) has nothing to learn
    h = train(model, [(np.zeros((2, 6, 1)), np.zeros((2, 6)), mask)], SGD(lr=0.1), epochs=1, k=2,
              progress=False)
    assert len(h) == 2 and len(model.calls) == 2
    np.testing.assert_array_equal(model.calls[0][2], np.full((2, 2), -1.0))  # via hidden_states
    np.testing.assert_array_equal(model.calls[0][3], mask[:, 2:4])


def test_training_does_not_mutate_the_data():
    x, y = echo_batch(4, 8, 2, 4, seed=0)
    before = (x.copy(), y.copy())
    train(SequenceModel(4, 5, 4), [(x, y)], SGD(lr=0.1), steps=3, k=3, progress=False)
    np.testing.assert_array_equal(x, before[0])
    np.testing.assert_array_equal(y, before[1])


# ----------------------------------------------------------------------------- progress
def test_text_progress_is_deterministic_and_silent_when_off(capsys):
    assert not in_jupyter_kernel()
    batch = echo_batch(4, 6, 2, 4, seed=0)
    train(SequenceModel(4, 5, 4), [batch], SGD(lr=0.1), steps=4, every=2)
    first = capsys.readouterr().out
    train(SequenceModel(4, 5, 4), [batch], SGD(lr=0.1), steps=4, every=2)
    assert capsys.readouterr().out == first
    lines = first.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("step 2/4  loss ") and "grad norm" in lines[0]
    assert lines[1].startswith("step 4/4  loss ")
    assert lines[2].startswith("done: 4 steps, final loss ")
    train(SequenceModel(4, 5, 4), [batch], SGD(lr=0.1), steps=4, progress=False)
    assert capsys.readouterr().out == ""


def test_widget_progress_is_used_in_a_kernel(monkeypatch, capsys):
    monkeypatch.setattr(train_module, "in_jupyter_kernel", lambda: True)
    made = []
    original = train_module._WidgetProgress

    class Spy(original):
        def __init__(self, total):
            super().__init__(total)
            made.append(self)

    monkeypatch.setattr(train_module, "_WidgetProgress", Spy)
    train(SequenceModel(4, 5, 4), [echo_batch(4, 6, 2, 4, seed=0)], SGD(lr=0.1), steps=5)
    assert len(made) == 1
    assert made[0].bar.value == made[0].bar.max == 5
    assert made[0].label.value.startswith("done: 5 steps, final loss ")
    assert "done: 5 steps" in capsys.readouterr().out


# ----------------------------------------------------------------------------- errors
def test_errors_say_what_to_do():
    model, batch = SequenceModel(4, 5, 4), echo_batch(2, 4, 1, 4, seed=0)
    with pytest.raises(ValueError, match=r"give exactly one of steps or epochs \(got steps=None, "
                                         r"epochs=None\), e.g. steps=500"):
        train(model, [batch], SGD())
    with pytest.raises(ValueError, match=r"clip=-1 must be a positive number"):
        train(model, [batch], SGD(), steps=1, clip=-1)
    with pytest.raises(ValueError, match=r"k=0 must be a whole number >= 1, e.g. k=10"):
        train(model, [batch], SGD(), steps=1, k=0)
    with pytest.raises(ValueError, match=r"epochs needs a list of batches"):
        train(model, lambda i: batch, SGD(), epochs=1)
    with pytest.raises(TypeError, match=r"has no step\(params, grads\) method"):
        train(model, [batch], "adam", steps=1)
    with pytest.raises(ValueError, match=r"a batch must be a tuple \(x, y\) or \(x, y, mask\)"):
        train(model, [batch[0]], SGD(), steps=1)


def test_a_diverging_loss_stops_with_advice():
    model = RecordingModel([1.0, 0.0, 0.0], loss=float("nan"))
    with pytest.raises(FloatingPointError, match=r"the loss became nan at step 1; lower the "
                                                 r"learning rate or clip the gradients"):
        train(model, [(np.zeros((1, 3, 1)), np.zeros((1, 3)))], SGD(), steps=3, progress=False)
