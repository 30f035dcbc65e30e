"""checks.engine.runner: cases are judged up to the first timeout and folded all or nothing."""

from rnncourse.checks import EXERCISES
from rnncourse.checks.engine import Verdict, aggregate, judge_cases
from rnncourse.checks.engine.calls import call_cases


def _verdicts(*passed):
    return [Verdict(p, "correct" if p else "wrong values", label=f"case {i}")
            for i, p in enumerate(passed)]


def test_all_cases_passing_earns_every_point():
    r = aggregate(EXERCISES["rnn_backward"], _verdicts(True, True), 2)
    assert r.passed and (r.points, r.possible) == (3, 3)
    assert r.message == "All 2 test cases pass."


def test_the_first_failing_case_is_named():
    r = aggregate(EXERCISES["rnn_backward"], _verdicts(True, False, False), 3)
    assert not r.passed and r.points == 0
    assert r.message == "Case 2 of 3 (case 1): wrong values\n(1 of 3 cases pass.)"


def test_zero_cases_is_a_failure_not_full_points():
    r = aggregate(EXERCISES["rnn_backward"], [], 0)
    assert not r.passed and (r.points, r.possible) == (0, 3)
    assert r.message.startswith("no test cases were made for this exercise, so nothing was "
                                "checked")


def test_fewer_verdicts_than_cases_is_a_failure_not_an_index_error():
    r = aggregate(EXERCISES["rnn_backward"], _verdicts(True, True), 5)
    assert not r.passed and r.points == 0
    assert r.message == ("only 2 of 5 cases were judged: case 3 has no outputs, and every case "
                         "must pass.\n(2 of 5 cases pass.)")


def test_after_a_timeout_no_case_is_called_and_judging_stops():
    called = []

    def call_one(case, left):
        called.append(case)
        return {"status": "timeout" if case == "b" else "returned", "mutated": []}

    outputs = call_cases(call_one, ["a", "b", "c", "d"], 3.0)
    assert called == ["a", "b"]
    assert [o["status"] for o in outputs] == ["returned", "timeout", "timeout", "timeout"]
    assert outputs[1]["time_limit"] == outputs[3]["time_limit"] == 3.0
    ex = EXERCISES["warmup_sum_of_squares"]
    cases = ex.make_cases(0)[:4]
    judged = judge_cases(ex, cases, outputs)
    assert len(judged) == 2 and "did not finish within the time limit (3 s)" in judged[1].message


def test_notes_of_passing_cases_are_shown_once():
    verdicts = [Verdict(True, "correct", note="Note: fine."), Verdict(True, "correct"),
                Verdict(True, "correct", note="Note: fine.")]
    r = aggregate(EXERCISES["clip_gradients"], verdicts, 3)
    assert r.passed and r.message == "All 3 test cases pass.\nNote: fine."


def test_a_timeout_with_earlier_cases_done_is_called_slow_and_without_them_endless():
    ex = EXERCISES["rnn_backward"]
    case = ex.make_cases(0)[1]
    slow = ex.judge(case, {"status": "timeout", "mutated": [], "time_limit": 5.0,
                           "cases_before": 3, "seconds_before": 4.5})
    assert slow.message.startswith("took longer than 5 s, the time limit for all the cases "
                                   "together: the 3 cases before this one took 4.5 s (1.5 s "
                                   "each) and this one did not finish in the 500 ms left; the "
                                   "reference takes ")
    assert "your function is right but too slow" in slow.message
    endless = ex.judge(case, {"status": "timeout", "mutated": [], "time_limit": 5.0,
                              "cases_before": 0, "seconds_before": 0.0})
    assert endless.message.startswith("did not finish within the time limit (5 s); the "
                                      "reference takes ")
    assert "is there a loop that never ends" in endless.message
    garbage = ex.judge(case, {"status": "timeout", "mutated": [], "time_limit": "x",
                              "cases_before": "many"})  # the grader's outputs are untrusted
    assert garbage.message.startswith("did not finish within the time limit (5 s)")
