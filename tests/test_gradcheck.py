"""rnncourse.gradcheck: the checker is right, restores x, and catches a wrong gradient."""

import numpy as np
import pytest

from rnncourse.gradcheck import check_model_gradients, gradient_check, numerical_gradient, rel_error


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
    scale = float(np.abs((x @ W) * dout).sum())
    assert gradient_check(right, loss, W, f_scale=scale).passed
    assert not gradient_check(wrong, loss, W, f_scale=scale).passed
    # check_model_gradients reports the largest entrywise relative error of each parameter
    num = numerical_gradient(loss, W)
    assert check_model_gradients(loss, params, {"W": right})["W"] == rel_error(num, right)
    assert check_model_gradients(loss, params, {"W": wrong})["W"] == rel_error(num, wrong) > 1e-2


def test_check_model_gradients_messages_and_sampling():
    W = np.ones((3, 3))
    with pytest.raises(KeyError, match=r"no analytic gradient for parameter\(s\) \['W'\]"):
        check_model_gradients(lambda: 0.0, {"W": W}, {})
    with pytest.raises(ValueError, match=r"gradient of 'W' has shape \(2,\), parameter has \(3, 3\)"):
        check_model_gradients(lambda: 0.0, {"W": W}, {"W": np.ones(2)})
    report = check_model_gradients(lambda: float(np.sum(W**2)), {"W": W}, {"W": 2 * W}, max_entries=4)
    assert report["W"] == rel_error(numerical_gradient(lambda: float(np.sum(W**2)), W), 2 * W)
    np.testing.assert_array_equal(W, np.ones((3, 3)))


# ----------------------------------------------------------------------------- gradient_check
def _tanh_problem(seed, shape=(3, 4), dtype=np.float64):
    """L = sum(tanh(x * w) * G): its exact gradient, the loss, and the size of its terms."""
    rng = np.random.default_rng(seed)
    x, w, G = (rng.standard_normal(shape).astype(dtype) for _ in range(3))

    def loss():
        return float(np.sum(np.tanh(x * w) * G))

    exact = (1 - np.tanh(x * w) ** 2) * w * G
    return x, loss, exact, float(np.abs(np.tanh(x * w) * G).sum())


@pytest.mark.parametrize("seed", range(20))
def test_gradient_check_passes_exact_gradients(seed):
    x, loss, exact, scale = _tanh_problem(seed)
    check = gradient_check(exact, loss, x, f_scale=scale)
    assert check.passed, check.describe()
    assert check.worst <= 1.0


def test_gradient_check_bound_follows_the_dtype():
    """In float32 the rounding term grows by eps32/eps64 ~ 5e8: the bound says so, and a step
    suited to float32 still tells a right gradient from one off by 1 %."""
    x, loss, exact, scale = _tanh_problem(1, dtype=np.float32)
    coarse = gradient_check(exact, loss, x, f_scale=scale, h=1e-2)
    assert coarse.passed, coarse.describe()
    x64, loss64, exact64, scale64 = _tanh_problem(1)
    fine = gradient_check(exact64, loss64, x64, f_scale=scale64, h=1e-2)
    assert coarse.bound.min() > fine.bound.min()
    assert not gradient_check(1.01 * exact, loss, x, f_scale=scale, h=1e-2).passed


@pytest.mark.parametrize("factor", [1.01, 0.99, 1.001])
def test_gradient_check_fails_a_gradient_off_by_a_factor(factor):
    x, loss, exact, scale = _tanh_problem(2)
    check = gradient_check(factor * exact, loss, x, f_scale=scale)
    assert not check.passed
    assert check.worst > 1.0 and "times the bound" in check.describe("dx")


def test_gradient_check_fails_a_gradient_missing_a_term():
    """d/dx of sum(x**2 * y + x) without the + 1 of the second term."""
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal(5), rng.standard_normal(5)

    def loss():
        return float(np.sum(x**2 * y + x))

    scale = float(np.abs(x**2 * y).sum() + np.abs(x).sum())
    assert gradient_check(2 * x * y + 1, loss, x, f_scale=scale).passed
    assert not gradient_check(2 * x * y, loss, x, f_scale=scale).passed


def test_gradient_check_holds_when_the_loss_cancels_to_nearly_zero():
    """A sum whose terms cancel still rounds like its terms: f_scale carries them."""
    x = np.array([1.0, 2.0, 3.0])
    G = np.array([1.0, 1.0, -1.0])

    def loss():
        return float(np.sum(x**3 * G)) - 9.0 + 1e-12  # about 1e-12 at x

    check = gradient_check(3 * x**2 * G, loss, x, f_scale=float(np.sum(x**3)) + 9.0)
    assert check.passed, check.describe()


def test_gradient_check_explains_bad_input():
    x = np.ones(3)
    with pytest.raises(ValueError, match=r"the gradient has shape \(2,\), x has \(3,\); give one entry"):
        gradient_check(np.ones(2), lambda: 0.0, x, f_scale=1.0)
    with pytest.raises(ValueError, match="f_scale must be a size >= 0, got -1.0"):
        gradient_check(np.ones(3), lambda: 0.0, x, f_scale=-1.0)
    with pytest.raises(ValueError, match="f_scale must be a size >= 0, got nan"):
        gradient_check(np.ones(3), lambda: 0.0, x, f_scale=float("nan"))


def test_gradient_check_restores_x_and_reports_the_numerical_gradient():
    x, loss, exact, scale = _tanh_problem(4)
    before = x.copy()
    check = gradient_check(exact, loss, x, f_scale=scale)
    np.testing.assert_array_equal(x, before)
    np.testing.assert_array_equal(check.numerical, numerical_gradient(loss, x))
    assert check.error.shape == check.bound.shape == x.shape
