"""Tests for rnncourse.viz.training_explorer: the training run, the summary line, the PNG and the
slider widget (moved by setting slider values, no browser needed)."""

import base64

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pytest

from rnncourse.data import spirals
from rnncourse.nn import MLP
from rnncourse.viz.training_explorer import (
    describe_training,
    fit_mlp,
    render_training_png,
    training_accuracy,
    training_explorer,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def data():
    return spirals(30, n_classes=3, noise=0.2, seed=1)


def _texts(box):
    return [o["text"] for o in box.output.outputs if o["output_type"] == "stream"]


def _images(box):
    return [o["data"]["image/png"] for o in box.output.outputs if o["output_type"] == "display_data"]


def _hand_run(X, y, hidden, lr, steps, seed=0):
    """Independent reference: the gradient-descent loop written out with MLP.loss."""
    model = MLP((2, hidden, int(y.max()) + 1), seed=seed)
    losses = []
    for _ in range(steps):
        loss, grads = model.loss(X, y)
        losses.append(loss)
        for k in model.params:
            model.params[k] = model.params[k] - lr * grads[k]
    losses.append(model.loss(X, y)[0])
    acc = float(np.mean(model.scores(X).argmax(axis=1) == y))
    return model, losses, acc


# ----------------------------------------------------------------------------- fit_mlp
def test_fit_mlp_matches_a_hand_written_gradient_descent_loop(data):
    X, y = data
    model, losses = fit_mlp(X, y, hidden=5, lr=0.7, steps=12, seed=3)
    ref_model, ref_losses, _ = _hand_run(X, y, 5, 0.7, 12, seed=3)
    assert len(losses) == 13
    np.testing.assert_allclose(losses, ref_losses, rtol=1e-12, atol=0)
    for k in ref_model.params:
        np.testing.assert_allclose(model.params[k], ref_model.params[k], rtol=1e-12, atol=1e-14)


def test_fit_mlp_first_loss_is_near_chance_and_training_lowers_it(data):
    X, y = data
    _, losses = fit_mlp(X, y, hidden=16, lr=1.0, steps=200)
    assert abs(losses[0] - np.log(3)) < 0.3  # small initial weights: roughly uniform softmax
    assert losses[-1] < 0.8 * losses[0]


def test_fit_mlp_with_zero_steps_returns_the_initial_loss_only(data):
    X, y = data
    model, losses = fit_mlp(X, y, hidden=4, steps=0)
    assert losses == [MLP((2, 4, 3), seed=0).loss(X, y)[0]]


def test_fit_mlp_does_not_modify_its_inputs(data):
    X, y = data
    X0, y0 = X.copy(), y.copy()
    fit_mlp(X, y, hidden=3, steps=5)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"hidden": 0}, "hidden=0 must be a whole number >= 1, e.g. hidden=16"),
        ({"steps": 2.5}, "steps=2.5 must be a whole number >= 0"),
        ({"lr": -1.0}, "lr=-1.0 must be a positive number"),
        ({"activation": "swish"}, "activation='swish' is not known"),
    ],
)
def test_fit_mlp_rejects_bad_settings_with_advice(data, kwargs, words):
    X, y = data
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(".", r"\.")):
        fit_mlp(X, y, **kwargs)


def test_fit_mlp_rejects_labels_that_do_not_match_the_rows(data):
    X, y = data
    with pytest.raises(ValueError, match=r"y has shape \(89,\).*must be \(90,\) non-negative integer"):
        fit_mlp(X, y[:-1])


def test_fit_mlp_survives_a_diverging_learning_rate(data):
    X, y = data
    _, losses = fit_mlp(X, y, hidden=8, lr=1e6, steps=20)
    assert len(losses) == 21  # no exception, whatever the numbers became


# ----------------------------------------------------------------------------- small helpers
def test_training_accuracy_counts_matching_predictions():
    class Fixed:
        def predict(self, X):
            return np.array([0, 1, 1, 2])

    X = np.zeros((4, 2))
    assert training_accuracy(Fixed(), X, np.array([0, 1, 2, 2])) == 0.75


def test_describe_training_formats_every_number():
    assert describe_training(1.0, 16, 300, 0.19344, 0.9367) == (
        "learning rate 1, hidden units 16, 300 steps: final loss 0.1934, accuracy 93.7%")
    assert describe_training(0.03, 2, 50, float("nan"), 1 / 3) == (
        "learning rate 0.03, hidden units 2, 50 steps: diverged (loss not finite), accuracy 33.3%")


def test_render_training_png_is_a_png_and_leaves_pyplot_alone(data):
    X, y = data
    model, losses = fit_mlp(X, y, hidden=3, steps=5)
    before = plt.get_fignums()
    png = render_training_png(losses, model, X, y, resolution=20)
    assert png[:8] == PNG_MAGIC
    assert plt.get_fignums() == before


# ----------------------------------------------------------------------------- the widget
def test_explorer_is_two_labelled_sliders_above_an_output(data):
    X, y = data
    box = training_explorer(X, y, steps=20, resolution=20)
    lr_slider, hidden_slider, output = box.children
    assert isinstance(box, widgets.VBox)
    assert isinstance(lr_slider, widgets.SelectionSlider)
    assert isinstance(hidden_slider, widgets.SelectionSlider)
    assert isinstance(output, widgets.Output)
    assert (box.lr_slider, box.hidden_slider, box.output) == (lr_slider, hidden_slider, output)
    assert lr_slider.description == "learning rate" and hidden_slider.description == "hidden units"
    assert (lr_slider.value, hidden_slider.value) == (1.0, 16)


def test_explorer_shows_the_run_of_its_starting_settings(data):
    X, y = data
    box = training_explorer(X, y, lr=0.3, hidden=4, steps=25, resolution=20)
    _, losses, acc = _hand_run(X, y, 4, 0.3, 25)
    line = f"learning rate 0.3, hidden units 4, 25 steps: final loss {losses[-1]:.4f}, accuracy {100 * acc:.1f}%"
    assert _texts(box) == [line + "\n"]
    assert box.summary == line
    (png,) = _images(box)
    assert base64.b64decode(png)[:8] == PNG_MAGIC


def test_moving_the_learning_rate_slider_retrains_and_redraws(data):
    X, y = data
    box = training_explorer(X, y, lr=1.0, hidden=8, steps=25, resolution=20)
    text0, png0 = _texts(box), _images(box)
    box.lr_slider.value = 0.03
    _, losses, acc = _hand_run(X, y, 8, 0.03, 25)
    assert _texts(box) == [f"learning rate 0.03, hidden units 8, 25 steps: final loss "
                           f"{losses[-1]:.4f}, accuracy {100 * acc:.1f}%\n"]
    assert _texts(box) != text0
    assert _images(box) != png0
    assert len(box.output.outputs) == 2  # replaced, not appended


def test_moving_the_hidden_slider_retrains_and_redraws(data):
    X, y = data
    box = training_explorer(X, y, lr=1.0, hidden=8, steps=25, resolution=20)
    png0 = _images(box)
    box.hidden_slider.value = 1
    _, losses, _ = _hand_run(X, y, 1, 1.0, 25)
    (text,) = _texts(box)
    assert text.startswith("learning rate 1, hidden units 1, 25 steps: ")
    assert f"final loss {losses[-1]:.4f}" in text
    assert _images(box) != png0


def test_explorer_leaves_data_and_pyplot_alone(data):
    X, y = data
    X0, y0 = X.copy(), y.copy()
    before = plt.get_fignums()
    box = training_explorer(X, y, steps=10, resolution=20)
    box.hidden_slider.value = 2
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    assert plt.get_fignums() == before


def test_explorer_rejects_a_start_value_that_is_not_an_option(data):
    X, y = data
    with pytest.raises(ValueError,
                       match=r"lr=0\.5 is not one of the slider's options \(0\.03, 0\.1, 0\.3, 1\.0, 3\.0\)"):
        training_explorer(X, y, lr=0.5)
    with pytest.raises(ValueError, match=r"hidden=5 is not one of the slider's options"):
        training_explorer(X, y, hidden=5)


def test_explorer_needs_two_dimensional_points():
    X = np.zeros((6, 3))
    y = np.array([0, 1, 0, 1, 0, 1])
    with pytest.raises(ValueError, match=r"X has shape \(6, 3\); the explorer draws 2-D points"):
        training_explorer(X, y)
