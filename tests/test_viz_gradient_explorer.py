"""rnncourse.viz.gradient_explorer: Jacobian norms against finite differences and matrix powers,
the random RNN's spectral radius, input checks, and the widget reacting to its slider."""

import base64

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

from rnncourse.rnn import rnn_forward, rnn_step_forward
from rnncourse.viz.gradient_explorer import (
    draw_gradient_norms,
    explorer_line,
    gradient_explorer,
    gradient_norms_by_lag,
    jacobian_norms,
    random_rnn_states,
    recurrent_matrix,
    spectral_norm,
    spectral_radius,
)


def small_rnn(seed=0, N=1, T=5, D=3, H=4, scale=0.8):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((N, T, D)), scale * rng.standard_normal((N, H)),
            scale * rng.standard_normal((D, H)), scale * rng.standard_normal((H, H)),
            0.1 * rng.standard_normal(H))


def numerical_jacobian(x, h_start, start, Wx, Wh, b, eps=1e-6):
    """d h_T / d h_start by central differences, rerunning the steps start+1 .. T by hand."""
    T = x.shape[1]

    def run(h):
        for t in range(start, T):  # step t turns h_t (0-based: h_start) into the next state
            h, _ = rnn_step_forward(x[:, t], h, Wx, Wh, b)
        return h[0]

    H = h_start.shape[1]
    J = np.empty((H, H))
    for j in range(H):
        e = np.zeros((1, H))
        e[0, j] = eps
        J[:, j] = (run(h_start + e) - run(h_start - e)) / (2 * eps)
    return J


def test_jacobian_norms_match_finite_differences_at_every_lag():
    x, h0, Wx, Wh, b = small_rnn()
    h, _ = rnn_forward(x, h0, Wx, Wh, b)  # (1, T, H)
    T = x.shape[1]
    norms = jacobian_norms(Wh, h[0])
    assert norms.shape == (T + 1,)
    states = [h0] + [h[:, t] for t in range(T)]  # states[s] = h_s, s = 0..T
    for lag in range(T + 1):
        J = numerical_jacobian(x, states[T - lag], T - lag, Wx, Wh, b)
        expected = np.linalg.svd(J, compute_uv=False)[0]
        assert norms[lag] == pytest.approx(expected, rel=1e-7), lag


def test_lag_zero_is_the_identity_and_linear_is_a_matrix_power():
    x, h0, Wx, Wh, b = small_rnn(seed=3)
    h, _ = rnn_forward(x, h0, Wx, Wh, b)
    norms = jacobian_norms(Wh, h[0], linear=True)
    assert norms[0] == 1.0
    for lag in range(1, x.shape[1] + 1):
        expected = np.linalg.svd(np.linalg.matrix_power(Wh.T, lag), compute_uv=False)[0]
        assert norms[lag] == pytest.approx(expected, rel=1e-10)


def test_the_tanh_derivative_can_only_shrink_the_first_factor():
    x, h0, Wx, Wh, b = small_rnn(seed=5)
    h, _ = rnn_forward(x, h0, Wx, Wh, b)
    assert jacobian_norms(Wh, h[0])[1] <= jacobian_norms(Wh, h[0], linear=True)[1] + 1e-12


def test_jacobian_norms_leave_inputs_alone():
    x, h0, Wx, Wh, b = small_rnn(seed=1)
    h, _ = rnn_forward(x, h0, Wx, Wh, b)
    h1, Wh_copy, h_copy = h[0], Wh.copy(), h[0].copy()
    jacobian_norms(Wh, h1)
    np.testing.assert_array_equal(Wh, Wh_copy)
    np.testing.assert_array_equal(h1, h_copy)


def test_jacobian_norms_reject_bad_shapes_with_a_hint():
    Wh = np.eye(3)
    with pytest.raises(ValueError, match=r"pass one sequence, h\[0\]"):
        jacobian_norms(Wh, np.zeros((2, 4, 3)))
    with pytest.raises(ValueError, match=r"Wh has shape \(3, 2\); it must be square"):
        jacobian_norms(np.zeros((3, 2)), np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"h has shape \(4, 5\); it must be \(T, H\) = \(T, 3\)"):
        jacobian_norms(Wh, np.zeros((4, 5)))


@pytest.mark.parametrize("radius", [0.5, 1.0, 2.5])
def test_recurrent_matrix_has_the_requested_spectral_radius(radius):
    W = recurrent_matrix(16, radius, seed=2)
    assert W.shape == (16, 16)
    assert np.max(np.abs(np.linalg.eigvals(W))) == pytest.approx(radius, rel=1e-10)
    np.testing.assert_allclose(W / radius, recurrent_matrix(16, 1.0, seed=2), rtol=1e-12)


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), "1", True])
def test_recurrent_matrix_rejects_a_bad_radius(bad):
    with pytest.raises(ValueError, match=r"must be a positive number, e.g. radius=1.0"):
        recurrent_matrix(4, bad)


def test_gradient_norms_vanish_below_radius_one_and_grow_above():
    small, small_linear = gradient_norms_by_lag(0.5, H=16, T=30, seed=0)
    large, large_linear = gradient_norms_by_lag(3.0, H=16, T=30, seed=0)
    assert small.shape == small_linear.shape == (31,)
    assert small[-1] < 1e-6 and large[-1] > 1e3
    # without tanh the norm after many steps follows the radius: ||W^k||^(1/k) -> radius
    assert small_linear[-1] ** (1 / 30) == pytest.approx(0.5, rel=0.1)
    assert large_linear[-1] ** (1 / 30) == pytest.approx(3.0, rel=0.1)
    assert np.all(large <= large_linear * (1 + 1e-9))  # tanh' <= 1 never helps it grow here


def test_gradient_norms_by_lag_are_seeded():
    a = gradient_norms_by_lag(1.2, H=8, T=10, seed=4)
    b = gradient_norms_by_lag(1.2, H=8, T=10, seed=4)
    c = gradient_norms_by_lag(1.2, H=8, T=10, seed=5)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.allclose(a[0], c[0])


def test_gradient_norms_by_lag_rejects_bad_sizes():
    with pytest.raises(ValueError, match=r"T=0 must be a whole number >= 1, e.g. T=40"):
        gradient_norms_by_lag(1.0, T=0)
    with pytest.raises(ValueError, match=r"input_scale=-0.1 must be a positive number"):
        gradient_norms_by_lag(1.0, input_scale=-0.1)


def test_explorer_line_format():
    assert explorer_line(1.5, np.array([1.0, 3.2e4])) == "radius 1.50: |dh_T/dh_0| = 3.2e+04"
    assert (explorer_line(1.5, np.array([1.0, 3.2e4]), norm=2.5166)
            == "radius 1.50, spectral norm 2.52: |dh_T/dh_0| = 3.2e+04")


def test_spectral_norm_and_radius_of_a_non_normal_matrix():
    W = np.array([[0.5, 3.0], [0.0, 0.5]])  # triangular: eigenvalues 0.5, 0.5
    assert spectral_radius(W) == pytest.approx(0.5)
    assert spectral_norm(W) == pytest.approx(np.linalg.svd(W, compute_uv=False)[0])
    assert spectral_norm(W) > 3.0
    S = np.array([[2.0, 1.0], [1.0, 3.0]])  # symmetric (normal): the two numbers agree
    assert spectral_norm(S) == pytest.approx(spectral_radius(S))
    with pytest.raises(ValueError, match=r"W has shape \(2, 3\); it must be a square matrix"):
        spectral_norm(np.zeros((2, 3)))


def test_the_spectral_norm_bounds_every_lag_and_the_radius_is_the_linear_rate():
    Wh = recurrent_matrix(16, 0.9, seed=1)
    h = random_rnn_states(Wh, T=30, seed=1)
    norm = spectral_norm(Wh)
    assert norm > 1.2  # a random matrix is far from normal: norm well above the radius 0.9
    lag = np.arange(31)
    assert np.all(jacobian_norms(Wh, h) <= norm**lag * (1 + 1e-9))
    assert np.all(jacobian_norms(Wh, h, linear=True) <= norm**lag * (1 + 1e-9))
    powers = [np.linalg.norm(np.linalg.matrix_power(Wh, k), 2) ** (1 / k) for k in (1, 40, 400)]
    assert powers[0] == pytest.approx(norm)
    assert abs(powers[2] - 0.9) < abs(powers[1] - 0.9) < abs(powers[0] - 0.9)
    assert powers[2] == pytest.approx(0.9, abs=0.01)


def test_a_nilpotent_matrix_lets_the_gradient_grow_and_then_cuts_it_to_zero():
    H = 16
    Wh = 1.25 * np.eye(H, k=1)  # strictly upper triangular: every eigenvalue is 0
    h = random_rnn_states(Wh, T=24, seed=0)
    norms, linear = jacobian_norms(Wh, h), jacobian_norms(Wh, h, linear=True)
    assert np.all(norms[H:] == 0) and np.all(linear[H:] == 0)
    np.testing.assert_allclose(linear[:H], 1.25 ** np.arange(H), rtol=1e-12)
    assert norms.max() > 1.5


def test_random_rnn_states_are_the_states_gradient_norms_by_lag_measures():
    Wh = recurrent_matrix(8, 1.3, seed=2)
    h = random_rnn_states(Wh, T=12, seed=2)
    assert h.shape == (12, 8) and np.all(np.abs(h) < 1)
    tanh_norms, _ = gradient_norms_by_lag(1.3, H=8, T=12, seed=2)
    np.testing.assert_array_equal(tanh_norms, jacobian_norms(Wh, h))
    assert np.mean(1 - random_rnn_states(Wh, T=12, seed=2, input_scale=5.0) ** 2) < np.mean(1 - h**2)
    with pytest.raises(ValueError, match=r"Wh has shape \(2, 3\); it must be square"):
        random_rnn_states(np.zeros((2, 3)))


def test_draw_leaves_global_state_alone():
    before = dict(matplotlib.rcParams)
    ax = Figure().add_subplot()
    t, lin = gradient_norms_by_lag(1.0, H=8, T=10)
    assert draw_gradient_norms(1.0, t, lin, ax) is ax
    assert len(ax.get_lines()) == 3  # two curves and the reference line at 1
    assert ax.get_yscale() == "log"
    ax2 = Figure().add_subplot()
    draw_gradient_norms(1.0, t, lin, ax2, norm=1.7)
    labels = [line.get_label() for line in ax2.get_lines()]
    assert "bound ||Wh||_2^lag" in labels and "radius^lag" in labels
    assert ax2.get_title() == "Wh: spectral radius 1.00, spectral norm 1.70"
    assert dict(matplotlib.rcParams) == before


def _text(output):
    return "".join(o["text"] for o in output.outputs if o["output_type"] == "stream")


def test_widget_slider_changes_the_output():
    box = gradient_explorer(H=16, T=20, seed=0)
    slider, output = box.children
    assert slider.description == "spectral radius of Wh"
    before_text = _text(output)
    before_png = [o for o in output.outputs if o["output_type"] == "display_data"][0]
    norm = spectral_norm(recurrent_matrix(16, 1.0, seed=0))
    expected = explorer_line(1.0, gradient_norms_by_lag(1.0, 16, 20, 0)[0], norm)
    assert before_text == expected + "\n"
    assert f"spectral norm {norm:.2f}" in before_text
    slider.value = 2.0
    after_text = _text(output)
    assert after_text != before_text
    assert after_text == explorer_line(2.0, gradient_norms_by_lag(2.0, 16, 20, 0)[0],
                                       2 * norm) + "\n"
    after_png = [o for o in output.outputs if o["output_type"] == "display_data"]
    assert len(after_png) == 1  # the old figure is replaced, not appended to
    assert after_png[0]["data"]["image/png"] != before_png["data"]["image/png"]
    assert base64.b64decode(after_png[0]["data"]["image/png"])[:4] == b"\x89PNG"


def test_widget_rejects_a_start_outside_the_slider():
    with pytest.raises(ValueError, match=r"radius=5.0 is outside the slider's range 0.25 .. 3.0"):
        gradient_explorer(radius=5.0)
