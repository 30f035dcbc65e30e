"""Lesson 6 exercises on the LSTM: lstm_step_forward, lstm_step_backward and lstm_backward
(references in :mod:`rnncourse.rnn.lstm`).

Every known mistake is a whole wrong implementation built from one of three variant factories
(:func:`step_forward_variant`, :func:`step_backward_variant`, :func:`backward_variant`), so the
judge can say "your outputs are exactly what this mistake gives". The step cache is
``(x, h_prev, c_prev, Wx, Wh, i, f, g, o, c_next)``.
"""

from __future__ import annotations

import numpy as np

from rnncourse.checks.engine import FunctionExercise, Mistake, label

LESSON = "06_gated_cells"

STEP_SIZES = [(2, 3, 3), (3, 4, 2), (1, 2, 3), (4, 3, 5)]  # (N, D, H); the first has D = H
SEQUENCE_SIZES = [(2, 4, 3, 3), (1, 3, 2, 4), (3, 1, 4, 3), (2, 6, 3, 2), (3, 5, 2, 4)]  # N, T, D, H
CACHE_NAMES = ("x", "h_prev", "c_prev", "Wx", "Wh", "i", "f", "g", "o", "c_next")


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def lstm_params(rng, N, T, D, H):
    """Seeded LSTM inputs: ``x`` (N, T, D), ``h0``/``c0`` (N, H), ``Wx`` (D, 4H), ``Wh`` (H, 4H), ``b``."""
    return {"x": rng.standard_normal((N, T, D)), "h0": 0.5 * rng.standard_normal((N, H)),
            "c0": rng.standard_normal((N, H)),
            "Wx": 0.5 * rng.standard_normal((D, 4 * H)), "Wh": 0.5 * rng.standard_normal((H, 4 * H)),
            "b": 0.3 * rng.standard_normal(4 * H)}


# ----------------------------------------------------------------------------- step forward
def step_forward_variant(order="ifgo", tanh_c=True, forget=True, gate_fn="sigmoid",
                         g_fn="tanh", o_fn=None, input_gate=True, cache_order="ifgo",
                         cache_tanh_c=False, swap_outputs=False):
    """An ``lstm_step_forward`` with chosen mistakes.

    order : the order in which the four blocks of ``a`` are read (the right one is ``"ifgo"``)
    tanh_c : False computes ``h = o * c`` (no tanh on the cell state)
    forget : False computes ``c = c_prev + i * g`` (no forget gate)
    gate_fn : ``"sigmoid"`` or ``"tanh"`` for the gates i, f, o
    g_fn : ``"tanh"`` or ``"sigmoid"`` for the candidate g; o_fn : the output gate's own
        function when it differs from ``gate_fn``
    input_gate : False computes ``c = f * c_prev + g`` (no input gate)
    cache_order : the order of the four gates in the cache (right: ``"ifgo"``)
    cache_tanh_c : the cache holds ``tanh(c_next)`` where ``c_next`` belongs
    swap_outputs : returns ``(c_next, h_next, cache)``
    """
    functions = {"sigmoid": _sigmoid, "tanh": np.tanh}

    def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
        H = h_prev.shape[1]
        a = x @ Wx + h_prev @ Wh + b  # (N, 4H)
        blocks = {name: a[:, k * H:(k + 1) * H] for k, name in enumerate(order)}
        gate = functions[gate_fn]
        i, f = gate(blocks["i"]), gate(blocks["f"])
        o = functions[o_fn or gate_fn](blocks["o"])
        g = functions[g_fn](blocks["g"])
        c_next = (f * c_prev if forget else c_prev) + (i * g if input_gate else g)
        h_next = o * (np.tanh(c_next) if tanh_c else c_next)
        gates = {"i": i, "f": f, "g": g, "o": o}
        cache = ((x, h_prev, c_prev, Wx, Wh) + tuple(gates[name] for name in cache_order)
                 + (np.tanh(c_next) if cache_tanh_c else c_next,))
        return (c_next, h_next, cache) if swap_outputs else (h_next, c_next, cache)
    return lstm_step_forward


def _step_forward_cases(rng):
    cases = []
    for N, D, H in STEP_SIZES:
        p = lstm_params(rng, N, 1, D, H)
        inputs = {"x": p["x"][:, 0], "h_prev": p["h0"], "c_prev": p["c0"], "Wx": p["Wx"],
                  "Wh": p["Wh"], "b": p["b"]}
        cases.append({"label": label(N=N, D=D, H=H), "dims": {"N": N, "D": D, "H": H},
                      "inputs": inputs})
    return cases


MSG_ORDER_FORWARD = ("the gate blocks are sliced in the wrong order: the columns of a are "
                     "i, f, g, o (as in torch.nn.LSTM), so i = a[:, :H], f = a[:, H:2H], "
                     "g = a[:, 2H:3H], o = a[:, 3H:].")

LSTM_STEP_FORWARD = FunctionExercise(
    id="lstm_step_forward",
    lesson=LESSON,
    section="lesson 6, section 2 (The LSTM cell: as a graph, then as code)",
    points=2,
    signature="lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b) -> (h_next, c_next, cache)",
    reference="rnncourse.rnn:lstm_step_forward",
    arg_names=("x", "h_prev", "c_prev", "Wx", "Wh", "b"),
    output_names=("h_next", "c_next", "cache"),
    cases=_step_forward_cases,
    shapes={"h_next": "(N, H)", "c_next": "(N, H)"},
    labels={"cache": CACHE_NAMES},
    mistakes=(
        Mistake("gate_order_ifog", MSG_ORDER_FORWARD, step_forward_variant(order="ifog")),
        Mistake("gate_order_fiog", MSG_ORDER_FORWARD, step_forward_variant(order="figo")),
        Mistake("h_without_tanh", "h_next = o * c_next is missing the tanh: the cell state is "
                "squashed before the output gate, h_next = o * tanh(c_next).",
                step_forward_variant(tanh_c=False)),
        Mistake("no_forget_gate", "c_prev is added without the forget gate: "
                "c_next = f * c_prev + i * g.", step_forward_variant(forget=False)),
        Mistake("tanh_gates", "the gates i, f, o use tanh: they are sigmoids, values in (0, 1) "
                "that scale what passes; only the candidate g uses tanh.",
                step_forward_variant(gate_fn="tanh")),
        Mistake("sigmoid_candidate", "the candidate g uses sigmoid: g = tanh(a_g), values in "
                "(-1, 1), so the cell state can be lowered as well as raised; only the gates "
                "i, f, o are sigmoids.", step_forward_variant(g_fn="sigmoid")),
        Mistake("tanh_output_gate", "the output gate o uses tanh: like i and f it is a sigmoid, "
                "o = sigmoid(a_o), a share in (0, 1) of tanh(c_next) that reaches h_next.",
                step_forward_variant(o_fn="tanh")),
        Mistake("no_input_gate", "the candidate is added without the input gate: "
                "c_next = f * c_prev + i * g; the input gate i decides how much of g is "
                "written.", step_forward_variant(input_gate=False)),
        Mistake("cache_gate_order_ifog", "the gates in the cache are in the order i, f, o, g "
                "(as in CS231n): this course's cache is (x, h_prev, c_prev, Wx, Wh, i, f, g, o, "
                "c_next), the gates in the order of a's blocks, i, f, g, o.",
                step_forward_variant(cache_order="ifog")),
        Mistake("cache_holds_tanh_c", "the cache holds tanh(c_next) where c_next belongs: its "
                "last item is the cell state c_next itself (the backward pass computes "
                "tanh(c_next) from it).", step_forward_variant(cache_tanh_c=True)),
        Mistake("h_c_swapped", "h_next and c_next are swapped: return them in the order "
                "(h_next, c_next, cache), with c_next = f * c_prev + i * g and "
                "h_next = o * tanh(c_next).", step_forward_variant(swap_outputs=True)),
    ),
)


# ----------------------------------------------------------------------------- step backward
def step_backward_variant(sigmoid_deriv="right", tanh_c_deriv=True, add_dc_next=True,
                          df_from="c_prev", dc_prev_rule="right", order="ifgo",
                          through_h="right", do_from="tanh_c", g_deriv="right"):
    """An ``lstm_step_backward`` with chosen mistakes.

    sigmoid_deriv : ``"right"`` (s (1 - s)), ``"tanh"`` (1 - s**2, the tanh rule) or ``"again"``
        (sigmoid(s) (1 - sigmoid(s)): the sigmoid applied once more to the stored gate output)
    tanh_c_deriv : False drops ``1 - tanh(c_next)**2`` on the path from h_next to c_next
    add_dc_next : False ignores the cell-state gradient arriving from the next step
    df_from : ``"c_prev"`` (right) or ``"c_next"`` (df = dc * c_next)
    dc_prev_rule : ``"right"`` (dc * f), ``"dc_next_times_f"`` (f applied to the incoming
        dc_next only, before the path through h is added), ``"no_f"`` (dc), ``"incoming"``
        (returns the argument dc_next unchanged)
    order : the order of the blocks of da (right: ``"ifgo"``)
    through_h : ``"right"``, ``"none"`` (dc = dc_next: the path from h_next through tanh(c_next)
        left out) or ``"c_squared"`` (its derivative written 1 - c_next**2)
    do_from : ``"tanh_c"`` (right, do = dh_next * tanh(c_next)) or ``"c"`` (dh_next * c_next)
    g_deriv : ``"right"`` (1 - g**2) or ``"tanh_again"`` (1 - tanh(g)**2)
    """
    def lstm_step_backward(dh_next, dc_next, cache):
        x, h_prev, c_prev, Wx, Wh, i, f, g, o, c_next = cache
        tanh_c = np.tanh(c_next)
        do = dh_next * (tanh_c if do_from == "tanh_c" else c_next)
        slope = {"right": 1.0 - tanh_c**2, "none": 0.0, "c_squared": 1.0 - c_next**2}[through_h]
        through_h_path = dh_next * o * (slope if tanh_c_deriv else 1.0)
        dc = (dc_next if add_dc_next else 0.0) + through_h_path
        grads = {"i": dc * g, "f": dc * (c_prev if df_from == "c_prev" else c_next),
                 "g": dc * i, "o": do}
        for name, s in (("i", i), ("f", f), ("o", o)):
            if sigmoid_deriv == "again":
                s = _sigmoid(s)
            grads[name] = grads[name] * (1.0 - s**2 if sigmoid_deriv == "tanh" else s * (1.0 - s))
        grads["g"] = grads["g"] * (1.0 - (np.tanh(g) if g_deriv == "tanh_again" else g) ** 2)
        da = np.concatenate([grads[name] for name in order], axis=1)  # (N, 4H)
        dc_prev = {"right": dc * f, "dc_next_times_f": dc_next * f, "no_f": dc,
                   "incoming": dc_next}[dc_prev_rule]
        return da @ Wx.T, da @ Wh.T, dc_prev, x.T @ da, h_prev.T @ da, da.sum(axis=0)
    return lstm_step_backward


def trusted_step(x, h_prev, c_prev, Wx, Wh, b):
    """The trusted step forward used to build cases: ``(h, c, [cache items])``."""
    h, c, cache = step_forward_variant()(x, h_prev, c_prev, Wx, Wh, b)
    return h, c, list(cache)


def _step_backward_cases(rng):
    cases = []
    for N, D, H in STEP_SIZES:
        p = lstm_params(rng, N, 1, D, H)
        _, _, cache = trusted_step(p["x"][:, 0], p["h0"], p["c0"], p["Wx"], p["Wh"], p["b"])
        inputs = {"dh_next": rng.standard_normal((N, H)), "dc_next": rng.standard_normal((N, H)),
                  "cache": cache}
        cases.append({"label": label(N=N, D=D, H=H), "dims": {"N": N, "D": D, "H": H},
                      "inputs": inputs})
    return cases


MSG_SIGMOID = ("the sigmoid derivative is written as for tanh (1 - s**2): for s = sigmoid(a), "
               "ds/da = s * (1 - s); only g uses 1 - g**2.")
MSG_TANH_C = ("the derivative of tanh(c_next) is missing on the path from h_next to c_next: "
              "h_next = o * tanh(c_next), so dc gets dh_next * o * (1 - tanh(c_next)**2).")
MSG_DC_NEXT = ("the cell-state gradient from the next step is not added: "
               "dc = dc_next + dh_next * o * (1 - tanh(c_next)**2), and every gate gradient uses it.")
MSG_DF_C_NEXT = ("df uses c_next where c_prev belongs: c_next = f * c_prev + i * g, so "
                 "df = dc * c_prev.")
MSG_FORGET_SIDE = ("the forget gate multiplies only the incoming dc_next: first add the path "
                   "through h_next to get the whole dc, then dc_prev = dc * f.")
MSG_NO_F = ("dc_prev is missing the forget gate: c_next = f * c_prev + ..., so "
            "dc_prev = dc * f, not dc.")
MSG_INCOMING = ("dc_prev returned as dc_next: the argument passed through unchanged. The "
                "gradient for the previous cell is dc_prev = dc * f.")
MSG_SIGMOID_AGAIN = ("the sigmoid is applied again to the stored gates: the cache holds the "
                     "gate outputs i, f, o themselves, so sigma'(a) = i * (1 - i) (and so on); "
                     "sigmoid(i) * (1 - sigmoid(i)) squashes them a second time.")
MSG_NO_PATH_H = ("the path from h_next to the cell state is left out: h_next = o * tanh(c_next), "
                 "so dc gets dh_next * o * (1 - tanh(c_next)**2) on top of dc_next.")
MSG_C_SQUARED = ("the derivative of tanh(c_next) is written 1 - c_next**2: it is "
                 "1 - tanh(c_next)**2, since the cache holds c_next itself, not its tanh.")
MSG_DO_WITHOUT_TANH = ("do is missing the tanh: h_next = o * tanh(c_next), so "
                       "do = dh_next * tanh(c_next), not dh_next * c_next.")
MSG_G_TANH_AGAIN = ("the candidate's derivative applies tanh again, 1 - tanh(g)**2: the cache "
                    "holds g = tanh(a_g) itself, so tanh'(a_g) = 1 - g**2.")
MSG_ORDER_BACKWARD = ("the gate blocks of da are stacked in the wrong order: they must follow "
                      "the forward pass's columns, i, f, g, o.")

STEP_MISTAKES = (
    ("sigmoid_derivative_as_tanh", MSG_SIGMOID, {"sigmoid_deriv": "tanh"}),
    ("no_tanh_c_derivative", MSG_TANH_C, {"tanh_c_deriv": False}),
    ("dc_next_not_added", MSG_DC_NEXT, {"add_dc_next": False}),
    ("df_uses_c_next", MSG_DF_C_NEXT, {"df_from": "c_next"}),
    ("forget_on_dc_next_only", MSG_FORGET_SIDE, {"dc_prev_rule": "dc_next_times_f"}),
    ("dc_prev_without_forget", MSG_NO_F, {"dc_prev_rule": "no_f"}),
    ("dc_prev_is_dc_next", MSG_INCOMING, {"dc_prev_rule": "incoming"}),
    ("gate_order_ifog", MSG_ORDER_BACKWARD, {"order": "ifog"}),
    ("sigmoid_applied_again", MSG_SIGMOID_AGAIN, {"sigmoid_deriv": "again"}),
    ("no_path_through_h", MSG_NO_PATH_H, {"through_h": "none"}),
    ("tanh_c_derivative_on_c", MSG_C_SQUARED, {"through_h": "c_squared"}),
    ("do_without_tanh", MSG_DO_WITHOUT_TANH, {"do_from": "c"}),
    ("candidate_tanh_again", MSG_G_TANH_AGAIN, {"g_deriv": "tanh_again"}),
)

STEP_SHAPES = {"dx": "(N, D)", "dh_prev": "(N, H)", "dc_prev": "(N, H)", "dWx": "(D, 4H)",
               "dWh": "(H, 4H)", "db": "(4H,)"}

LSTM_STEP_BACKWARD = FunctionExercise(
    id="lstm_step_backward",
    lesson=LESSON,
    section="lesson 6, section 2 (The LSTM cell: as a graph, then as code)",
    points=3,
    signature="lstm_step_backward(dh_next, dc_next, cache) -> (dx, dh_prev, dc_prev, dWx, dWh, db)",
    reference="rnncourse.rnn:lstm_step_backward",
    arg_names=("dh_next", "dc_next", "cache"),
    output_names=("dx", "dh_prev", "dc_prev", "dWx", "dWh", "db"),
    cases=_step_backward_cases,
    containers={"cache": ("tuple",)},
    shapes=STEP_SHAPES,
    mistakes=tuple(Mistake(name, msg, step_backward_variant(**kw)) for name, msg, kw in STEP_MISTAKES),
)


# ----------------------------------------------------------------------------- full BPTT
#: Step mistakes that, looped over a sequence, give exactly the outputs of a dc that never
#: arrives from the next step (at the last step dc_next is zero, so nothing ever flows back);
#: lstm_backward names them all ``dc_future_not_added``.
SAME_AS_DC_FUTURE = ("dc_next_not_added", "forget_on_dc_next_only", "dc_prev_is_dc_next")

def backward_variant(step_backward=None, add_dc_future=True, add_dh_future=True,
                     accumulate=True, forward=False, dc_as_dh0=False):
    """An ``lstm_backward`` that loops over ``step_backward``, with chosen mistakes
    (``dc_as_dh0``: returns the carried cell-state gradient where dh0 belongs)."""
    step_backward = step_backward or step_backward_variant()

    def lstm_backward(dh, cache):
        N, T, H = dh.shape
        D = cache[0][0].shape[1]
        dx = np.zeros((N, T, D))
        dWx, dWh, db = np.zeros((D, 4 * H)), np.zeros((H, 4 * H)), np.zeros(4 * H)
        dh_future, dc_future = np.zeros((N, H)), np.zeros((N, H))
        for t in (range(T) if forward else reversed(range(T))):
            dh_t = dh[:, t] + (dh_future if add_dh_future else 0.0)
            dc_t = dc_future if add_dc_future else np.zeros((N, H))
            dx[:, t], dh_future, dc_future, dWx_t, dWh_t, db_t = step_backward(dh_t, dc_t, cache[t])
            if accumulate:
                dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
            else:
                dWx, dWh, db = dWx_t, dWh_t, db_t
        return dx, (dc_future if dc_as_dh0 else dh_future), dWx, dWh, db
    return lstm_backward


def _sequence_cases(rng):
    cases = []
    for N, T, D, H in SEQUENCE_SIZES:
        p = lstm_params(rng, N, T, D, H)
        h, c, cache = p["h0"], np.zeros((N, H)), []  # c0 = 0, as in lstm_forward
        for t in range(T):
            h, c, step_cache = trusted_step(p["x"][:, t], h, c, p["Wx"], p["Wh"], p["b"])
            cache.append(step_cache)
        dims = {"N": N, "T": T, "D": D, "H": H}
        cases.append({"label": label(**dims), "dims": dims,
                      "inputs": {"dh": rng.standard_normal((N, T, H)), "cache": cache}})
    return cases


LSTM_BACKWARD = FunctionExercise(
    id="lstm_backward",
    lesson=LESSON,
    section="lesson 6, section 2 (The LSTM cell: as a graph, then as code)",
    points=3,
    depends_on=("lstm_step_backward",),
    signature="lstm_backward(dh, cache) -> (dx, dh0, dWx, dWh, db)",
    reference="rnncourse.rnn:lstm_backward",
    arg_names=("dh", "cache"),
    output_names=("dx", "dh0", "dWx", "dWh", "db"),
    cases=_sequence_cases,
    containers={"cache": ("list", "tuple")},
    shapes={"dx": "(N, T, D)", "dh0": "(N, H)", "dWx": "(D, 4H)", "dWh": "(H, 4H)",
            "db": "(4H,)"},
    time_axes={"dx": 1},
    mistakes=(
        Mistake("dc_future_not_added", "the cell-state gradient from the next step never "
                "arrives: feed the dc_prev returned by step t into step t-1 as its dc_next "
                "(zeros only at the last step), and inside the step add it: "
                "dc = dc_next + dh_next * o * (1 - tanh(c_next)**2); return dc_prev = dc * f.",
                backward_variant(add_dc_future=False)),
        Mistake("dh_future_not_added", "the hidden-state gradient from the next time step is "
                "not added: each step needs its upstream gradient plus the dh_prev returned by "
                "the step after it; in the loop for t in reversed(range(T)), dh[:, t] + dh_prev.",
                backward_variant(add_dh_future=False)),
        Mistake("overwrite_shared", "the shared-weight gradients are overwritten at every time "
                "step instead of summed: accumulate dWx += dWx_t, dWh += dWh_t, db += db_t.",
                backward_variant(accumulate=False)),
        Mistake("forward_loop", "the time loop runs forward: BPTT goes from step T down to step "
                "1 (for t in reversed(range(T)) in code) because each step needs the gradients "
                "from the step after it.", backward_variant(forward=True)),
        Mistake("dc_returned_as_dh0", "returned the carried cell-state gradient as dh0: dh0 is "
                "the dh_prev that step 1's backward pass returns. The dc_prev it returns goes to "
                "c0, which is fixed at zero, so it is not returned at all.",
                backward_variant(dc_as_dh0=True)),
    ) + tuple(Mistake(name, msg, backward_variant(step_backward_variant(**kw)))
              for name, msg, kw in STEP_MISTAKES if name not in SAME_AS_DC_FUTURE),
)

EXERCISES = (LSTM_STEP_FORWARD, LSTM_STEP_BACKWARD, LSTM_BACKWARD)
