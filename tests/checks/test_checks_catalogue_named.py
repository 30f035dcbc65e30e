"""Every function exercise names the mistakes learners make, and tells them apart.

- Each known mistake's own implementation, run through ``check``, fails with exactly its own
  message (a mistake whose error several known mistakes raise alike is told apart by a later
  case), and every exercise's reference passes.
- Each exercise names at least the five mistakes a learner is most likely to make.
- The wrong answers learners really wrote (issue 23), written here as they wrote them, fail with
  their message word for word, never "No known mistake matches" or a bare error.
"""

import numpy as np
import pytest

from rnncourse import rnn
from rnncourse.checks import EXERCISES, check
from rnncourse.checks.engine import load_function
from tests.checks.named_mistakes import assert_fails_as, assert_no_internal_names

FUNCTION_EXERCISES = [ex_id for ex_id, ex in EXERCISES.items() if ex.answer_kind == "function"]
MISTAKES = [(ex_id, m.name) for ex_id in FUNCTION_EXERCISES for m in EXERCISES[ex_id].mistakes
            if m.variant is not None]


def _mistake(ex_id, name):
    return next(m for m in EXERCISES[ex_id].mistakes if m.name == name)


@pytest.mark.parametrize("ex_id", FUNCTION_EXERCISES)
def test_the_reference_passes(ex_id):
    ex = EXERCISES[ex_id]
    r = check(ex_id, load_function(ex.reference))
    assert r.passed and r.points == ex.points, r.message


@pytest.mark.parametrize("ex_id", FUNCTION_EXERCISES)
def test_every_exercise_names_at_least_five_likely_mistakes(ex_id):
    assert len(EXERCISES[ex_id].mistakes) >= 5


@pytest.mark.parametrize("ex_id, name", MISTAKES, ids=[f"{e}-{n}" for e, n in MISTAKES])
def test_each_mistake_gets_exactly_its_own_message(ex_id, name):
    """Not "A or B", not another mistake's words: the learner reads the one that fits.
    (Two mistakes may share one message on purpose, e.g. two wrong slicing orders.)"""
    mine = _mistake(ex_id, name)
    r = check(ex_id, mine.variant)
    assert not r.passed and r.points == 0, r.message
    assert r.mistake is not None and " or " not in r.mistake, r.message
    assert _mistake(ex_id, r.mistake).message == mine.message, (r.mistake, r.message)
    assert r.message.count("Likely mistake: ") == 1 and " Or: " not in r.message
    assert "Likely mistake: " + mine.message in r.message
    assert "No known mistake matches" not in r.message
    assert_no_internal_names(r.message)


# ----------------------------------------------------------------------------- learners' answers
def warmup_mean(x):
    return np.mean(x**2)


def warmup_norm(x):
    return np.sqrt(np.sum(x**2))


def tanh_backward_square_outside(dout, cache):
    h = cache
    return dout * (1 - h) ** 2


def numerical_gradient_first_axis(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in range(len(x)):
        old = x[i]
        x[i] = old + h
        fp = f()
        x[i] = old - h
        fm = f()
        x[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad


def numerical_gradient_first_axis_copy(f, x, h=1e-5):
    grad = np.zeros_like(x)
    for i in range(len(x)):
        old = x[i].copy()
        x[i] = old + h
        fp = f()
        x[i] = old - h
        fm = f()
        x[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad


def affine_forward_W_x(x, W, b):
    out = W @ x + b
    return out, (x, W, b)


def rnn_step_forward_sigmoid(x, h_prev, Wx, Wh, b):
    a = x @ Wx + h_prev @ Wh + b
    h_next = 1 / (1 + np.exp(-a))
    return h_next, (x, h_prev, Wx, Wh, h_next)


def rnn_step_forward_caches_a(x, h_prev, Wx, Wh, b):
    a = x @ Wx + h_prev @ Wh + b
    return np.tanh(a), (x, h_prev, Wx, Wh, a)


def rnn_forward_front_insert(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    cache, h_prev = [], h0
    for t in range(T):
        h_prev, step_cache = rnn.rnn_step_forward(x[:, t, :], h_prev, Wx, Wh, b)
        h[:, t, :] = h_prev
        cache.insert(0, step_cache)
    return h, cache


def rnn_forward_x_t(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    cache, h_prev = [], h0
    for t in range(T):
        h_prev, step_cache = rnn.rnn_step_forward(x[t], h_prev, Wx, Wh, b)
        h[:, t, :] = h_prev
        cache.append(step_cache)
    return h, cache


def rnn_step_backward_db_mean(dh_next, cache):
    x, h_prev, Wx, Wh, h_next = cache
    da = dh_next * (1 - h_next**2)
    return da @ Wx.T, da @ Wh.T, x.T @ da, h_prev.T @ da, np.mean(da, axis=0)


def rnn_backward_cache_t_minus_1(dh, cache):
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dx, dnext = np.zeros((N, T, D)), np.zeros((N, H))
    dWx, dWh, db = 0, 0, 0
    for t in reversed(range(T)):
        dx[:, t], dnext, dWx_t, dWh_t, db_t = rnn.rnn_step_backward(dh[:, t] + dnext,
                                                                   cache[t - 1])
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return dx, dnext, dWx, dWh, db


def truncated_last_chunk_only(dh, cache, k):
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dx = np.zeros((N, T, D))
    dWx, dWh, db = np.zeros((D, H)), np.zeros((H, H)), np.zeros(H)
    dnext = np.zeros((N, H))
    start = (T - 1) // k * k  # the last chunk: [start, T)
    for t in range(T - 1, start - 1, -1):
        dx[:, t], dnext, dWx_t, dWh_t, db_t = rnn.rnn_step_backward(dh[:, t] + dnext, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dnext, dWx, dWh, db


def truncated_zeroes_upstream_too(dh, cache, k):
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dx = np.zeros((N, T, D))
    dWx, dWh, db = np.zeros((D, H)), np.zeros((H, H)), np.zeros(H)
    dnext = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        if (t + 1) % k == 0 and t + 1 < T:  # entering a new chunk: forget everything
            total = np.zeros((N, H))
        else:
            total = dh[:, t] + dnext
        dx[:, t], dnext, dWx_t, dWh_t, db_t = rnn.rnn_step_backward(total, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dnext, dWx, dWh, db


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def _blocks(x, h_prev, Wx, Wh, b):
    H = h_prev.shape[1]
    a = x @ Wx + h_prev @ Wh + b
    return a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]


def lstm_step_forward_sigmoid_g(x, h_prev, c_prev, Wx, Wh, b):
    ai, af, ag, ao = _blocks(x, h_prev, Wx, Wh, b)
    i, f, g, o = _sigmoid(ai), _sigmoid(af), _sigmoid(ag), _sigmoid(ao)
    c = f * c_prev + i * g
    h = o * np.tanh(c)
    return h, c, (x, h_prev, c_prev, Wx, Wh, i, f, g, o, c)


def lstm_step_forward_tanh_o(x, h_prev, c_prev, Wx, Wh, b):
    ai, af, ag, ao = _blocks(x, h_prev, Wx, Wh, b)
    i, f, g, o = _sigmoid(ai), _sigmoid(af), np.tanh(ag), np.tanh(ao)
    c = f * c_prev + i * g
    h = o * np.tanh(c)
    return h, c, (x, h_prev, c_prev, Wx, Wh, i, f, g, o, c)


def lstm_step_forward_no_input_gate(x, h_prev, c_prev, Wx, Wh, b):
    ai, af, ag, ao = _blocks(x, h_prev, Wx, Wh, b)
    i, f, g, o = _sigmoid(ai), _sigmoid(af), np.tanh(ag), _sigmoid(ao)
    c = f * c_prev + g
    h = o * np.tanh(c)
    return h, c, (x, h_prev, c_prev, Wx, Wh, i, f, g, o, c)


def lstm_step_forward_cs231n_cache(x, h_prev, c_prev, Wx, Wh, b):
    ai, af, ag, ao = _blocks(x, h_prev, Wx, Wh, b)
    i, f, g, o = _sigmoid(ai), _sigmoid(af), np.tanh(ag), _sigmoid(ao)
    c = f * c_prev + i * g
    h = o * np.tanh(c)
    return h, c, (x, h_prev, c_prev, Wx, Wh, i, f, o, g, c)


def lstm_step_forward_caches_tanh_c(x, h_prev, c_prev, Wx, Wh, b):
    ai, af, ag, ao = _blocks(x, h_prev, Wx, Wh, b)
    i, f, g, o = _sigmoid(ai), _sigmoid(af), np.tanh(ag), _sigmoid(ao)
    c = f * c_prev + i * g
    tc = np.tanh(c)
    return o * tc, c, (x, h_prev, c_prev, Wx, Wh, i, f, g, o, tc)


def lstm_step_forward_c_h(x, h_prev, c_prev, Wx, Wh, b):
    ai, af, ag, ao = _blocks(x, h_prev, Wx, Wh, b)
    i, f, g, o = _sigmoid(ai), _sigmoid(af), np.tanh(ag), _sigmoid(ao)
    c = f * c_prev + i * g
    h = o * np.tanh(c)
    return c, h, (x, h_prev, c_prev, Wx, Wh, i, f, g, o, c)


def _lstm_step_backward(dh_next, dc_next, cache, fault=None):
    """A learner's lstm_step_backward; ``fault`` picks the one line written wrongly."""
    x, h_prev, c_prev, Wx, Wh, i, f, g, o, c = cache
    tc = np.tanh(c)
    do = dh_next * (c if fault == "do_c" else tc)
    if fault == "no_h_path":
        dc = dc_next
    elif fault == "c_squared":
        dc = dc_next + dh_next * o * (1 - c**2)
    else:
        dc = dc_next + dh_next * o * (1 - tc**2)
    di, df, dg = dc * g, dc * c_prev, dc * i
    if fault == "sigmoid_again":
        si, sf, so = _sigmoid(i), _sigmoid(f), _sigmoid(o)
        dai, daf, dao = di * si * (1 - si), df * sf * (1 - sf), do * so * (1 - so)
    else:
        dai, daf, dao = di * i * (1 - i), df * f * (1 - f), do * o * (1 - o)
    dag = dg * (1 - (np.tanh(g) if fault == "tanh_g" else g) ** 2)
    da = np.concatenate([dai, daf, dag, dao], axis=1)
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, h_prev.T @ da, da.sum(axis=0)


def lstm_backward_dc_as_dh0(dh, cache):
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dx = np.zeros((N, T, D))
    dWx, dWh, db = np.zeros((D, 4 * H)), np.zeros((H, 4 * H)), np.zeros(4 * H)
    dh_next, dc_next = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        dx[:, t], dh_next, dc_next, dWx_t, dWh_t, db_t = rnn.lstm_step_backward(
            dh[:, t] + dh_next, dc_next, cache[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dc_next, dWx, dWh, db


class CycleError(ValueError):
    """A learner's CycleError that stores the cycle but never passes a message on."""

    def __init__(self, cycle):
        self.cycle = cycle


def topological_sort_silent_error(edges):
    nodes = list(dict.fromkeys([*edges, *(v for vs in edges.values() for v in vs)]))
    indegree = {n: 0 for n in nodes}
    for vs in edges.values():
        for v in vs:
            indegree[v] += 1
    ready = [n for n in nodes if indegree[n] == 0]
    order = []
    while ready:
        u = ready.pop(0)
        order.append(u)
        for v in edges.get(u, []):
            indegree[v] -= 1
            if indegree[v] == 0:
                ready.append(v)
    if len(order) < len(nodes):
        left = [n for n in nodes if n not in order]
        feeder = {v: u for u in left for v in edges.get(u, []) if v in left}
        walk = [left[0]]
        while feeder[walk[-1]] not in walk:
            walk.append(feeder[walk[-1]])
        raise CycleError(walk[walk.index(feeder[walk[-1]]):][::-1])
    return order


def _step_backward(fault):
    def lstm_step_backward(dh_next, dc_next, cache):
        return _lstm_step_backward(dh_next, dc_next, cache, fault)
    return lstm_step_backward


WRONG_ANSWERS = [
    ("warmup_sum_of_squares", warmup_mean, "mean_not_sum",
     "took the mean of the squares (np.mean) instead of their sum: S(x) adds up every x_i ** 2 "
     "without dividing by the number of entries; use np.sum(x ** 2)."),
    ("warmup_sum_of_squares", warmup_norm, "square_root",
     "took the square root of the sum of squares (the length of x, as np.linalg.norm(x) gives "
     "it): S(x) is the sum of the squares itself, np.sum(x ** 2), with no square root."),
    ("tanh_backward", tanh_backward_square_outside, "squared_the_difference",
     "wrong tanh derivative: (1 - h)**2 squares the difference; the square belongs on h alone, "
     "1 - h**2, so dx = dout * (1 - cache**2)."),
    ("numerical_gradient", numerical_gradient_first_axis, "first_axis_only",
     "the loop runs over range(len(x)), the first axis only: when x has two or more axes, x[i] "
     "is a whole row, so each nudge moves a whole row at once and every entry of a row gets the "
     "same number. Visit every entry: for i in np.ndindex(x.shape), then x[i] is one number."),
    ("numerical_gradient", numerical_gradient_first_axis_copy, "first_axis_only",
     "the loop runs over range(len(x)), the first axis only"),
    ("affine_forward", affine_forward_W_x, "W_before_x",
     "multiplied in the wrong order, W @ x: the examples are the rows of x, so out = x @ W + b, "
     "(N, D) @ (D, M) -> (N, M)."),
    ("rnn_step_forward", rnn_step_forward_sigmoid, "sigmoid_not_tanh",
     "squashed with the sigmoid 1 / (1 + exp(-a)) where the vanilla RNN uses tanh: "
     "h_next = np.tanh(x @ Wx + h_prev @ Wh + b), with values in (-1, 1)."),
    ("rnn_step_forward", rnn_step_forward_caches_a, "cached_preactivation",
     "the cache holds the pre-activation a = x @ Wx + h_prev @ Wh + b where h_next belongs: the "
     "cache is (x, h_prev, Wx, Wh, h_next), because the backward pass needs tanh's output, "
     "1 - h_next**2."),
    ("rnn_forward", rnn_forward_front_insert, "caches_reversed",
     "the step caches are in reverse order: cache must be in time order, cache[t-1] is step t's "
     "(cache[0] is step 1's, cache[-1] step T's). Append each step's cache as you go, without "
     "reversing the list or inserting at its front."),
    ("rnn_forward", rnn_forward_x_t, "x_batch_axis",
     "took the input of a step as x[t], which is example t of the batch (all its time steps, "
     "shape (T, D)): x has shape (N, T, D), so step t's input is x[:, t-1, :], shape (N, D); in "
     "a loop for t in range(T), x[:, t, :]."),
    ("rnn_step_backward", rnn_step_backward_db_mean, "mean_batch_db",
     "db is the mean over the batch instead of the sum: every example adds its own "
     "contribution, so db = da.sum(axis=0), with no division by N (dWx and dWh are right)."),
    ("rnn_backward", rnn_backward_cache_t_minus_1, "cache_off_by_one",
     "off by one in the cache: in the loop for t in reversed(range(T)), t is the code index, so "
     "the step that gets dh[:, t] uses cache[t]. The lesson's cache[t-1] is step t's cache with "
     "t counted from 1, as in the maths; cache[t - 1] in the loop pairs each gradient with the "
     "step before (and index 0 with cache[-1], the last step)."),
    ("rnn_backward_truncated", truncated_last_chunk_only, "only_last_chunk",
     "only the last chunk was backpropagated: truncation cuts the gradient between chunks, it "
     "does not skip them. Run the backward loop over every code index t = T-1, ..., 0, so every "
     "chunk's steps get dx and add to dWx, dWh and db, and cut only the gradient passed back "
     "across a chunk start."),
    ("rnn_backward_truncated", truncated_zeroes_upstream_too, "upstream_zeroed_at_cut",
     "at a chunk boundary the step's own upstream gradient was zeroed as well: the cut drops "
     "only the gradient carried across the boundary (the dh_prev of the chunk's first step); "
     "the last step of the chunk before still gets its dh[:, t], so it runs on dh[:, t] + "
     "zeros."),
    ("lstm_step_forward", lstm_step_forward_sigmoid_g, "sigmoid_candidate",
     "the candidate g uses sigmoid: g = tanh(a_g), values in (-1, 1), so the cell state can be "
     "lowered as well as raised; only the gates i, f, o are sigmoids."),
    ("lstm_step_forward", lstm_step_forward_tanh_o, "tanh_output_gate",
     "the output gate o uses tanh: like i and f it is a sigmoid, o = sigmoid(a_o), a share in "
     "(0, 1) of tanh(c_next) that reaches h_next."),
    ("lstm_step_forward", lstm_step_forward_no_input_gate, "no_input_gate",
     "the candidate is added without the input gate: c_next = f * c_prev + i * g; the input "
     "gate i decides how much of g is written."),
    ("lstm_step_forward", lstm_step_forward_cs231n_cache, "cache_gate_order_ifog",
     "the gates in the cache are in the order i, f, o, g (as in CS231n): this course's cache is "
     "(x, h_prev, c_prev, Wx, Wh, i, f, g, o, c_next), the gates in the order of a's blocks, "
     "i, f, g, o."),
    ("lstm_step_forward", lstm_step_forward_caches_tanh_c, "cache_holds_tanh_c",
     "the cache holds tanh(c_next) where c_next belongs: its last item is the cell state c_next "
     "itself (the backward pass computes tanh(c_next) from it)."),
    ("lstm_step_forward", lstm_step_forward_c_h, "h_c_swapped",
     "h_next and c_next are swapped: return them in the order (h_next, c_next, cache), with "
     "c_next = f * c_prev + i * g and h_next = o * tanh(c_next)."),
    ("lstm_step_backward", _step_backward("sigmoid_again"), "sigmoid_applied_again",
     "the sigmoid is applied again to the stored gates: the cache holds the gate outputs i, f, "
     "o themselves, so sigma'(a) = i * (1 - i) (and so on); sigmoid(i) * (1 - sigmoid(i)) "
     "squashes them a second time."),
    ("lstm_step_backward", _step_backward("no_h_path"), "no_path_through_h",
     "the path from h_next to the cell state is left out: h_next = o * tanh(c_next), so dc gets "
     "dh_next * o * (1 - tanh(c_next)**2) on top of dc_next."),
    ("lstm_step_backward", _step_backward("c_squared"), "tanh_c_derivative_on_c",
     "the derivative of tanh(c_next) is written 1 - c_next**2: it is 1 - tanh(c_next)**2, since "
     "the cache holds c_next itself, not its tanh."),
    ("lstm_step_backward", _step_backward("do_c"), "do_without_tanh",
     "do is missing the tanh: h_next = o * tanh(c_next), so do = dh_next * tanh(c_next), not "
     "dh_next * c_next."),
    ("lstm_step_backward", _step_backward("tanh_g"), "candidate_tanh_again",
     "the candidate's derivative applies tanh again, 1 - tanh(g)**2: the cache holds "
     "g = tanh(a_g) itself, so tanh'(a_g) = 1 - g**2."),
    ("lstm_backward", lstm_backward_dc_as_dh0, "dc_returned_as_dh0",
     "returned the carried cell-state gradient as dh0: dh0 is the dh_prev that step 1's "
     "backward pass returns. The dc_prev it returns goes to c0, which is fixed at zero, so it "
     "is not returned at all."),
    ("topological_sort", topological_sort_silent_error, "no_message",
     "the CycleError has no message of its own: its __init__ stores .cycle but never passes a "
     "message on to ValueError, so the error shows only the bare list (or nothing). Call "
     "super().__init__ with a message naming the cycle, e.g. super().__init__(f\"the graph has "
     "a cycle: {' -> '.join(map(str, cycle))}\"), as the lesson shows."),
]
"""(exercise id, a learner's wrong answer as written, the mistake it must be named as, the
mistake's message word for word)."""


@pytest.mark.parametrize("ex_id, fn, name, words", WRONG_ANSWERS,
                         ids=[f"{w[0]}-{w[2]}-{w[1].__name__}" for w in WRONG_ANSWERS])
def test_learners_wrong_answers_are_named_word_for_word(ex_id, fn, name, words):
    r = assert_fails_as(ex_id, fn, name, "Likely mistake: " + words)
    assert "No known mistake matches" not in r.message


def test_a_step_from_the_wrong_axis_is_named_though_numpy_only_says_broadcast():
    r = check("rnn_forward", rnn_forward_x_t)
    assert "raised ValueError: operands could not be broadcast together" in r.message


def test_returned_none_names_what_the_lesson_asks_for():
    r = check("warmup_sum_of_squares", lambda x: None)
    assert ("returned None: did you forget return? It should return S(x), the sum of the squares "
            "of every entry of x, as a float.") in r.message
    assert "total" not in r.message


def test_every_float32_output_is_listed():
    def rnn_backward_float32(dh, cache):
        return tuple(np.asarray(v, dtype=np.float32) for v in rnn.rnn_backward(dh, cache))

    r = check("rnn_backward", rnn_backward_float32)
    assert ("dx, dh0, dWx, dWh and db have dtype float32, expected float64: keep full precision "
            "(don't cast to a smaller float).") in r.message


# ----------------------------------------------------------------------------- list / 0-d array
def test_a_list_where_a_tuple_is_asked_is_accepted():
    """Decided for every exercise: the caller unpacks a list as it unpacks a tuple."""
    r = check("affine_forward", lambda x, W, b: [x @ W + b, [x, W, b]])
    assert r.passed, r.message
    r = check("rnn_step_backward", lambda dh, cache: list(rnn.rnn_step_backward(dh, cache)))
    assert r.passed, r.message


def test_a_0d_array_for_the_warmups_float_is_named_but_accepted_for_a_loss_and_a_norm():
    """The warm-up asks for a Python float and says so: a 0-d array is named there. A loss or a
    norm held in a 0-d array works wherever a float does and is accepted (the lessons say so)."""
    r = check("warmup_sum_of_squares", lambda x: np.array(np.sum(x**2)))
    assert not r.passed and r.mistake == "zero_d_array", r.message
    assert check("warmup_sum_of_squares", lambda x: np.sum(x**2)).passed  # a numpy float is a float

    def softmax_0d(scores, y):
        loss, d = __import__("rnncourse.nn", fromlist=["nn"]).softmax_cross_entropy(scores, y)
        return np.array(loss), d

    assert check("softmax_cross_entropy", softmax_0d).passed

    def clip_0d(grads, max_norm):
        from rnncourse.optim import clip_gradients
        clipped, total = clip_gradients(grads, max_norm)
        return clipped, np.array(total)

    assert check("clip_gradients", clip_0d).passed


# ----------------------------------------------------------------------------- questions
def test_forget_product_with_f_rounded_first_is_named():
    r = check("q06_forget_product", 0.046)
    assert not r.passed and r.mistake == "rounded_f_first", r.message
    assert r.message == ("Not quite: That is 0.95^60: f was rounded to 0.95 before the power, "
                         "and 60 multiplications magnify the 0.0026 dropped (0.9526^60 = 0.054 "
                         "but 0.95^60 = 0.046). Keep every digit of f until the end. See section "
                         "1 (from a product of Jacobians to a sum).")


def test_a_choices_answer_names_each_section_once():
    r = check("q02_consumers_of_h_t", "c")  # +c, -a, -b: three notes, all from section 6
    assert not r.passed
    assert r.message.count("See section 6") == 1, r.message
    assert r.message.endswith("See section 6 (what a time index changes).")
