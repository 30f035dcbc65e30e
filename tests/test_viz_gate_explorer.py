"""rnncourse.viz.gate_explorer: the gradient-by-lag measurement against the pinned backward
passes and numerical gradients, what the forget bias changes, input checks, and the widget
reacting to its slider."""

import base64

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from rnncourse.data import delayed_echo
from rnncourse.gradcheck import gradient_check
from rnncourse.rnn import SequenceModel, lstm_forward, lstm_step_forward
from rnncourse.viz.gate_explorer import draw_gradient_by_lag, explorer_line, forget_bias_explorer, gradient_by_lag


def assert_norms_by_lag_match(norms, loss, x, f_scale):
    """The norms of dL/dx_t, last step first, against central differences within their bound:
    only the norms are known, and | |a| - |b| | <= |a - b|, so a norm errs at most by the norm
    of the entries' bounds."""
    central = gradient_check(np.zeros_like(x), loss, x, f_scale=f_scale)
    expected = np.linalg.norm(central.numerical, axis=(0, 2))[::-1]
    bound = np.linalg.norm(central.bound, axis=(0, 2))[::-1]
    assert np.all(np.abs(norms - expected) <= bound), (norms, expected, bound)
    assert np.all(expected > 10 * bound)  # the bound is tight enough to tell the norms apart


def test_gradient_by_lag_matches_numerical_gradients_of_the_inputs():
    T, H, n, seed = 6, 5, 2, 3
    norms = gradient_by_lag("lstm", T=T, H=H, seed=seed, forget_bias=1.0, n=n)
    p = SequenceModel(4, H, 4, seed=seed, cell="lstm", forget_bias=1.0).params
    x, _, _ = delayed_echo(n, T, 0, seed=seed)
    u = np.random.default_rng([seed, 2]).standard_normal((n, H))
    u /= np.linalg.norm(u, axis=1, keepdims=True)

    def last_states():
        return lstm_forward(x, np.zeros((n, H)), p["Wx"], p["Wh"], p["b"])[0][:, -1]

    def loss():
        return float(np.sum(last_states() * u))

    assert_norms_by_lag_match(norms, loss, x, f_scale=np.abs(last_states() * u).sum())


@pytest.mark.parametrize("carry", ["cell", "hidden"])
def test_one_carry_is_the_gradient_with_the_other_state_held_fixed_between_steps(carry):
    # reference: central differences of the loss of a forward pass in which the state that does
    # NOT carry is read from an unperturbed run at every step (a stop-gradient between steps)
    T, H, n, seed = 6, 5, 2, 3
    norms = gradient_by_lag("lstm", T=T, H=H, seed=seed, forget_bias=1.0, n=n, carry=carry)
    p = SequenceModel(4, H, 4, seed=seed, cell="lstm", forget_bias=1.0).params
    x, _, _ = delayed_echo(n, T, 0, seed=seed)
    u = np.random.default_rng([seed, 2]).standard_normal((n, H))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    base_h, base_c = [np.zeros((n, H))], [np.zeros((n, H))]
    for t in range(T):
        h, c, _ = lstm_step_forward(x[:, t], base_h[-1], base_c[-1], p["Wx"], p["Wh"], p["b"])
        base_h.append(h)
        base_c.append(c)

    def loss():
        h, c = np.zeros((n, H)), np.zeros((n, H))
        for t in range(T):
            h_in = h if carry == "hidden" else base_h[t]
            c_in = c if carry == "cell" else base_c[t]
            h, c, _ = lstm_step_forward(x[:, t], h_in, c_in, p["Wx"], p["Wh"], p["b"])
        return float(np.sum(h * u))

    assert_norms_by_lag_match(norms, loss, x, f_scale=np.abs(base_h[-1] * u).sum())
    both = gradient_by_lag("lstm", T=T, H=H, seed=seed, forget_bias=1.0, n=n)
    assert norms[0] == pytest.approx(both[0], rel=1e-12)  # the last step is the same
    assert np.all(np.abs(norms[2:] - both[2:]) > 1e-3 * both[2:])  # earlier steps are not


def test_carry_is_checked():
    with pytest.raises(ValueError, match=r"carry='cell' is not known for cell='rnn'; choose 'both'"):
        gradient_by_lag("rnn", carry="cell")
    with pytest.raises(ValueError, match=r"carry='c' is not known for cell='lstm'; choose 'both', "
                                         r"'cell' or 'hidden'"):
        gradient_by_lag("lstm", carry="c")


def test_a_larger_forget_bias_carries_the_gradient_further_than_the_rnn():
    rnn = gradient_by_lag("rnn", T=40, H=16)
    lstm0 = gradient_by_lag("lstm", T=40, H=16, forget_bias=0.0)
    lstm2 = gradient_by_lag("lstm", T=40, H=16, forget_bias=2.0)
    assert rnn.shape == lstm2.shape == (40,)
    assert lstm2[-1] > 1e4 * lstm0[-1] and lstm2[-1] > 10 * rnn[-1]


def test_gradient_by_lag_is_seeded_and_checks_its_arguments():
    np.testing.assert_array_equal(gradient_by_lag("rnn", T=8, H=4), gradient_by_lag("rnn", T=8, H=4))
    with pytest.raises(ValueError, match=r"cell='gru' is not known; choose 'rnn' or 'lstm'"):
        gradient_by_lag("gru")
    with pytest.raises(ValueError, match=r"T=0 must be a whole number >= 1, e.g. T=60"):
        gradient_by_lag("rnn", T=0)
    with pytest.raises(ValueError, match=r"forget_bias=nan must be a finite number"):
        gradient_by_lag("lstm", forget_bias=float("nan"))


def test_explorer_line_format():
    assert explorer_line(1.0, np.array([1.0, 0.5, 3.1e-8])) == (
        "forget bias 1.00: f = sigmoid(bias) = 0.73 without input, |dL/dx| at lag 2 = 3.1e-08")


def test_draw_leaves_global_state_alone():
    before = dict(matplotlib.rcParams)
    ax = Figure().add_subplot()
    lstm, rnn = gradient_by_lag("lstm", T=10, H=4), gradient_by_lag("rnn", T=10, H=4)
    assert draw_gradient_by_lag(1.0, lstm, rnn, ax) is ax
    assert len(ax.get_lines()) == 2 and ax.get_yscale() == "log"
    assert dict(matplotlib.rcParams) == before


def _text(output):
    return "".join(o["text"] for o in output.outputs if o["output_type"] == "stream")


def test_widget_slider_changes_the_output():
    box = forget_bias_explorer(T=20, H=8, seed=0)
    slider, output = box.children
    assert slider.description == "forget-gate bias"
    before = _text(output)
    assert before == explorer_line(1.0, gradient_by_lag("lstm", 20, 8, 0, 1.0)) + "\n"
    before_png = [o for o in output.outputs if o["output_type"] == "display_data"][0]
    slider.value = 3.0
    assert _text(output) == explorer_line(3.0, gradient_by_lag("lstm", 20, 8, 0, 3.0)) + "\n"
    after_png = [o for o in output.outputs if o["output_type"] == "display_data"]
    assert len(after_png) == 1
    assert after_png[0]["data"]["image/png"] != before_png["data"]["image/png"]
    assert base64.b64decode(after_png[0]["data"]["image/png"])[:4] == b"\x89PNG"


def test_widget_rejects_a_start_outside_the_slider():
    with pytest.raises(ValueError, match=r"forget_bias=9.0 is outside the slider's range -2 .. 6"):
        forget_bias_explorer(forget_bias=9.0)
