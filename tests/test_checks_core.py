"""The check machinery: results, unknown ids, every way a learner's function can misbehave,
time limits, mutation, and the three-step protocol across a serialisation round trip."""

import io
import json
import threading
import time

import numpy as np
import pytest

from rnncourse.checks import (EXERCISES, LESSONS, Result, check, exercises_for_lesson,
                              from_bytes, pack, to_bytes, unpack)
from rnncourse.checks.engine import aggregate
from rnncourse.rnn import rnn_backward, rnn_step_backward


# ----------------------------------------------------------------------------- result object
def test_result_renders_text_and_html_with_words_not_only_colour():
    good = Result("demo", True, "All 3 test cases pass.", 2, 2)
    bad = Result("demo", False, "x < y & z", 0, 2)
    assert "✓ PASSED" in str(good) and "2/2 points" in repr(good)
    assert "✗ FAILED" in str(bad) and "0/2 points" in str(bad)
    html_good, html_bad = good._repr_html_(), bad._repr_html_()
    assert "✓ PASSED" in html_good and "#1a7f37" in html_good
    assert "✗ FAILED" in html_bad and "#b42318" in html_bad
    assert "x &lt; y &amp; z" in html_bad  # the message is escaped


def test_unknown_id_fails_and_suggests_closest_ids():
    r = check("rnn_backwrd", rnn_backward)
    assert not r.passed and r.points == 0
    assert "unknown exercise id 'rnn_backwrd'" in r.message
    assert "did you mean rnn_backward" in r.message
    r = check("zzzz", rnn_backward)
    assert "known ids: warmup_sum_of_squares, affine_forward" in r.message


def test_not_a_function():
    r = check("rnn_backward", 3)
    assert not r.passed
    assert "expected a function, got a int (3)" in r.message
    assert "check('rnn_backward', rnn_backward)" in r.message


def test_registry_and_lessons():
    assert len(EXERCISES) == 13
    assert [ex.id for ex in exercises_for_lesson("04_bptt")] == ["rnn_step_backward",
                                                                 "rnn_backward"]
    assert [ex.id for ex in exercises_for_lesson("00_welcome")] == ["warmup_sum_of_squares"]
    assert {ex.lesson for ex in EXERCISES.values()} == set(LESSONS)
    assert EXERCISES["rnn_backward"].points == 3
    with pytest.raises(ValueError, match="unknown lesson '04_bptt.ipynb'; known lessons: "
                                         "00_welcome"):
        exercises_for_lesson("04_bptt.ipynb")
    mistakes = sum(len(ex.mistakes) for ex in EXERCISES.values())
    assert mistakes >= 10
    for ex in EXERCISES.values():
        names = [m.name for m in ex.mistakes]
        assert len(names) == len(set(names)), ex.id


# ----------------------------------------------------------------------------- misbehaviour
def _raises(dh, cache):
    x = cache[0][0]
    raise ValueError(f"boom {x.shape}")


def _not_written(dh, cache):
    raise NotImplementedError("write rnn_backward")


def _forgot_return(dh, cache):
    rnn_backward(dh, cache)


def _four_values(dh, cache):
    return rnn_backward(dh, cache)[:4]


def _wrong_shape(dh, cache):
    dx, dh0, dWx, dWh, db = rnn_backward(dh, cache)
    return dx[:, :, :1], dh0, dWx, dWh, db


def _nan(dh, cache):
    dx, dh0, dWx, dWh, db = rnn_backward(dh, cache)
    dx = dx.copy()
    dx[0, -1, 0] = np.nan
    return dx, dh0, dWx, dWh, db


def _mutates(dh, cache):
    out = rnn_backward(dh, cache)
    dh *= 2.0  # changes the caller's array
    return out


def _float32(dh, cache):
    dx, dh0, dWx, dWh, db = rnn_backward(dh, cache)
    return dx.astype(np.float32), dh0, dWx, dWh, db


def _as_list(dh, cache):
    dx, dh0, dWx, dWh, db = rnn_backward(dh, cache)
    return dx, dh0, dWx.tolist(), dWh, db


@pytest.mark.parametrize("fn, wording", [
    (_raises, "raised ValueError: boom (2, 3) (line "),
    (_not_written, "not written yet: replace the raise NotImplementedError line in rnn_backward"),
    (_forgot_return, "returned None: did you forget return? It should return "
                     "(dx, dh0, dWx, dWh, db)."),
    (_four_values, "returned 4 values, expected 5: (dx, dh0, dWx, dWh, db)"),
    (_wrong_shape, "dx has shape (2, 4, 1), expected (2, 4, 3) = (N, T, D)"),
    (_nan, "dx contains 1 NaN of 24 entries at time step t = 3 (of T = 4)"),
    (_mutates, "It changed its input dh in place (24 entries of dh changed"),
    (_float32, "dx has dtype float32, expected float64: keep full precision"),
    (_as_list, "dWx is 3 values; expected a numpy array of shape (3, 3) (convert with np.asarray)"),
    (lambda dh: None, "raised TypeError: "),
])
def test_misbehaving_functions_fail_with_a_clear_message(fn, wording):
    r = check("rnn_backward", fn)
    assert not r.passed and r.points == 0 and r.possible == 3
    assert r.message.startswith("Case 1 of 5 (N=2, T=4, D=3, H=3): ")
    assert wording in r.message


def test_exception_message_points_at_the_learners_line():
    r = check("rnn_backward", _raises)
    assert "in _raises: raise ValueError(f\"boom {x.shape}\")" in r.message


def test_wrong_values_without_a_known_mistake_say_which_outputs_are_off():
    def off(dh, cache):
        dx, dh0, dWx, dWh, db = rnn_backward(dh, cache)
        return dx, dh0, dWx, dWh + 1e-3, db

    r = check("rnn_backward", off)
    assert r.mistake is None
    assert "Wrong values: dWh is off by up to 0.001" in r.message
    assert "dx, dh0, dWx, db are right" in r.message
    assert "No known mistake matches" in r.message


def test_tiny_wrong_gradient_cannot_pass():
    def slightly_off(dh, cache):
        dx, dh0, dWx, dWh, db = rnn_backward(dh, cache)
        return dx, dh0, dWx * (1 + 1e-6), dWh, db

    assert not check("rnn_backward", slightly_off).passed


def test_endless_loop_times_out_in_the_main_thread():
    def endless(dh, cache):
        while True:
            pass

    start = time.perf_counter()
    r = check("rnn_backward", endless, time_limit=0.3)
    assert time.perf_counter() - start < 2.0
    assert not r.passed
    assert "did not finish within the time limit (0.3 s)" in r.message
    assert "loop that never ends" in r.message


def test_time_limit_also_works_off_the_main_thread():
    def slow(dh, cache):
        time.sleep(0.8)
        return rnn_backward(dh, cache)

    box = {}
    worker = threading.Thread(target=lambda: box.update(r=check("rnn_backward", slow,
                                                                 time_limit=0.2)))
    worker.start()
    worker.join(5)
    assert "did not finish within the time limit (0.2 s)" in box["r"].message


def test_opaque_return_value_is_named():
    r = check("tanh_backward", lambda dout, cache: object())
    assert "dx is a object (<object object at" in r.message


def test_single_output_returned_in_a_tuple():
    r = check("tanh_backward", lambda dout, cache: (dout * (1 - cache**2),))
    assert "returned 1 values; return just dx (not in a tuple or list)" in r.message


def test_integer_dtype_is_reported():
    r = check("tanh_backward", lambda dout, cache: np.zeros(dout.shape, dtype=int))
    assert "dx has dtype int64, expected floating point numbers (float64)" in r.message


def test_internal_judge_error_is_a_failing_verdict_not_an_exception():
    ex = EXERCISES["rnn_step_backward"]
    case = ex.make_cases(0)[0]
    verdict = ex.judge(case, {"status": "returned", "value": "nonsense", "mutated": []})
    assert not verdict.passed and "returned a str" in verdict.message
    verdict = ex.judge({"label": "broken", "inputs": {}}, {"status": "returned",
                                                           "value": [1, 2, 3, 4, 5]})
    assert not verdict.passed and verdict.message.startswith("internal error in the checker")
    assert "KeyError('dh_next')" in verdict.message


# ----------------------------------------------------------------------------- the protocol
def _through_npz_and_json(value):
    """What the grader does: arrays into an .npz (no pickles), the rest as JSON text."""
    tree, arrays = pack(value)
    text = json.dumps(tree)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    buf.seek(0)
    with np.load(buf, allow_pickle=False) as z:
        loaded = {k: z[k] for k in z.files}
    return unpack(json.loads(text), loaded)


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_three_steps_across_a_serialisation_round_trip(exercise_id):
    ex = EXERCISES[exercise_id]
    fn = ex.reference_function
    wrong = next(m.variant for m in ex.mistakes if m.variant is not None)
    verdicts, wrong_verdicts = [], []
    for case in ex.make_cases(3):
        shipped = _through_npz_and_json(case)  # trusted -> learner's kernel
        outputs = _through_npz_and_json(ex.call(fn, shipped, time_limit=2.0))  # and back
        verdicts.append(ex.judge(case, outputs))
        bad = from_bytes(to_bytes(ex.call(wrong, from_bytes(to_bytes(case)))))
        wrong_verdicts.append(ex.judge(case, bad))
    assert all(v.passed for v in verdicts), [v.message for v in verdicts if not v.passed]
    assert aggregate(ex, verdicts, len(verdicts)).passed
    result = aggregate(ex, wrong_verdicts, len(wrong_verdicts))
    assert not result.passed and result.mistake is not None


def test_pack_keeps_types_that_json_alone_would_lose():
    value = {"edges": {1: [2, 3], 2: []}, "x": np.arange(4.0).reshape(2, 2), "y": np.arange(3),
             "loss": float("nan"), "big": float("inf"), "flag": True, "k": 3, "t": (1, "a")}
    back = from_bytes(to_bytes(value))
    assert back["edges"] == {1: [2, 3], 2: []}
    assert back["x"].dtype == np.float64 and back["y"].dtype.kind == "i"
    assert np.isnan(back["loss"]) and back["big"] == float("inf")
    assert back["flag"] is True and back["k"] == 3 and back["t"] == [1, "a"]
    with pytest.raises(TypeError, match="cannot pack a function"):
        pack({"f": test_pack_keeps_types_that_json_alone_would_lose})


def test_call_decides_nothing_and_reports_mutation():
    ex = EXERCISES["rnn_step_backward"]
    case = ex.make_cases(0)[0]

    def mutating(dh_next, cache):
        out = rnn_step_backward(dh_next, cache)
        cache[0][0, 0] = 99.0
        return out

    outputs = ex.call(mutating, case)
    assert set(outputs) == {"status", "value", "mutated", "seconds"}
    assert outputs["mutated"][0]["input"] == "cache[0]"
    assert np.all(case["inputs"]["cache"][0] != 99.0)  # the case itself is untouched
    verdict = ex.judge(case, outputs)
    assert not verdict.passed and "changed its input cache[0] in place" in verdict.message
