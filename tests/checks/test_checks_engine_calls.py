"""checks.engine.running: the call step decides nothing, reports in-place changes, and keeps time."""

import threading
import time

import numpy as np

from rnncourse.checks import EXERCISES, check
from rnncourse.rnn import rnn_backward, rnn_step_backward


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


def test_call_decides_nothing_and_reports_mutation():
    ex = EXERCISES["rnn_step_backward"]
    case = ex.make_cases(0)[0]

    def mutating(dh_next, cache):
        out = rnn_step_backward(dh_next, cache)
        cache[0][0, 0] = 99.0
        return out

    outputs = ex.call(mutating, case)
    assert set(outputs) == {"status", "value", "mutated", "seconds", "shared", "fp_errors"}
    assert outputs["mutated"][0]["input"] == "cache[0]"
    assert np.all(case["inputs"]["cache"][0] != 99.0)  # the case itself is untouched
    verdict = ex.judge(case, outputs)
    assert not verdict.passed and "changed its input cache[0] in place" in verdict.message


# ----------------------------------------------------------------------------- what the call records
from rnncourse.checks.engine.calls import as_containers, call_cases, describe_exception, find_shared, invoke  # noqa: E402


def test_returned_arrays_that_are_inputs_are_recorded():
    a, b = np.zeros(3), np.ones(2)
    shared = find_shared(({"p": a, "q": b.copy()}, a[1:]), (a, b), ("grads", "other"))
    assert shared == [{"output": "[0]['p']", "input": "grads"},
                      {"output": "[1]", "input": "grads"}]
    assert find_shared(a * 1.0, (a,), ("x",)) == []


def test_floating_point_errors_are_recorded_not_shown():
    def divides(x):
        return x / np.float64(0.0), np.log(-x)

    out = invoke(divides, (np.ones(2),), (np.ones(2),), ("x",))
    assert out["status"] == "returned"
    assert out["fp_errors"] == ["divide by zero", "invalid value"]
    assert invoke(lambda x: x + 1, (np.ones(2),), (np.ones(2),), ("x",))["fp_errors"] == []


def test_caches_get_the_containers_the_docstrings_promise():
    plain_cache = [[np.zeros(1), np.ones(1)], [np.zeros(1), np.ones(1)]]
    seq = as_containers(plain_cache, ("list", "tuple"))
    assert type(seq) is list and all(type(step) is tuple for step in seq)
    one = as_containers(plain_cache[0], ("tuple",))
    assert type(one) is tuple and type(one[0]) is np.ndarray
    assert as_containers(plain_cache, ()) is plain_cache


def _outer():
    def inner():
        raise ValueError("inner failed")
    return inner


def test_exceptions_name_the_learners_code_only():
    try:
        _outer()()
    except ValueError as exc:
        desc = describe_exception(exc)
    assert desc["where"].endswith("in inner: raise ValueError(\"inner failed\")")
    assert desc["function"] == "inner" and "<locals>" not in desc["where"]
    assert desc["depth"] == 2  # _outer's caller (this test) and inner
    assert (desc["module"], desc["qualname"], desc["type"]) == ("builtins", "ValueError",
                                                                "ValueError")
    # the call itself failing never reaches the learner's code: no line of the checker is shown
    out = invoke(lambda: None, (1,), (1,), ("x",))
    assert out["error"]["where"] is None and out["error"]["function"] is None
    assert out["error"]["message"] == "lambda() takes 0 positional arguments but 1 was given"


def test_a_timeout_says_how_many_cases_returned_before_it_and_in_how_long():
    def call_one(case, left):
        return ({"status": "timeout", "mutated": []} if case == "c" else
                {"status": "returned", "mutated": [], "seconds": 0.25})

    outputs = call_cases(call_one, ["a", "b", "c", "d"], 1.0)
    assert outputs[2]["cases_before"] == 2 and outputs[2]["seconds_before"] == 0.5
    assert "cases_before" not in outputs[3]  # not called: nothing to tell
