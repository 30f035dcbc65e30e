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
