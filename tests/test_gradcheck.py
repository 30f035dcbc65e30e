"""rnncourse.gradcheck: the checker is right, restores x, and catches a wrong gradient."""

import numpy as np
import pytest

from rnncourse.gradcheck import check_model_gradients, numerical_gradient, rel_error


def test_numerical_gradient_of_known_function():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    g = numerical_gradient(lambda: float(np.sum(np.sin(x))), x)
    np.testing.assert_allclose(g, np.cos(x), rtol=1e-9, atol=1e-10)


def test_numerical_gradient_restores_x_even_when_f_raises():
    x = np.array([1.0, 2.0, 3.0])
    before = x.copy()
    numerical_gradient(lambda: float(np.sum(x**3)), x)
    np.testing.assert_array_equal(x, before)
    calls = []

    def boom():
        calls.append(1)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        numerical_gradient(boom, x)
    np.testing.assert_array_equal(x, before)


def test_central_difference_is_second_order():
    # For f = x^3 at x=1 a one-sided difference has error ~3h; central has ~h^2.
    x = np.array([1.0])
    g = numerical_gradient(lambda: float(x[0] ** 3), x, h=1e-3)
    assert abs(g[0] - 3.0) < 2e-6


def test_numerical_gradient_rejects_int_arrays():
    with pytest.raises(TypeError, match="needs a float numpy array to nudge, got ndarray of dtype int64"):
        numerical_gradient(lambda: 0.0, np.array([1, 2]))


def test_rel_error_values():
    assert rel_error(np.ones(3), np.ones(3)) == 0.0
    assert rel_error(np.array([1.0]), np.array([3.0])) == pytest.approx(0.5)
    with pytest.raises(ValueError, match=r"shapes differ, \(2,\) vs \(3,\)"):
        rel_error(np.ones(2), np.ones(3))


def test_checker_flags_a_wrong_gradient():
    """Test the tester: a gradient with a transposed weight must be caught."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 3))
    W = rng.standard_normal((3, 3))
    dout = rng.standard_normal((4, 3))

    def loss():
        return float(np.sum((x @ W) * dout))

    right = x.T @ dout
    wrong = (x.T @ dout).T
    params = {"W": W}
    assert check_model_gradients(loss, params, {"W": right})["W"] < 1e-8
    assert check_model_gradients(loss, params, {"W": wrong})["W"] > 1e-2
    assert rel_error(numerical_gradient(loss, W), wrong) > 1e-2


def test_check_model_gradients_messages_and_sampling():
    W = np.ones((3, 3))
    with pytest.raises(KeyError, match=r"no analytic gradient for parameter\(s\) \['W'\]"):
        check_model_gradients(lambda: 0.0, {"W": W}, {})
    with pytest.raises(ValueError, match=r"gradient of 'W' has shape \(2,\), parameter has \(3, 3\)"):
        check_model_gradients(lambda: 0.0, {"W": W}, {"W": np.ones(2)})
    report = check_model_gradients(lambda: float(np.sum(W**2)), {"W": W}, {"W": 2 * W}, max_entries=4)
    assert report["W"] < 1e-8
    np.testing.assert_array_equal(W, np.ones((3, 3)))
