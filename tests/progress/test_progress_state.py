"""progress.state: the latest verdict per id is where a learner stands."""

from __future__ import annotations

from rnncourse.progress import latest_attempts, make_record


def rec(ex, passed, minute, mistake=None):
    return make_record(ex, "04_bptt", passed, mistake, 2 if passed else 0, 2,
                       time=f"2026-12-08T01:{minute:02d}:00Z")


def test_the_latest_verdict_wins_and_tries_and_past_passes_are_kept():
    attempts = latest_attempts([rec("rnn_step_backward", False, 1, "Wh_not_transposed"),
                                rec("rnn_backward", False, 2),
                                rec("rnn_step_backward", True, 3),
                                rec("rnn_backward", True, 4),
                                rec("rnn_backward", False, 5, "no_sum_over_time")])
    step, full = attempts["rnn_step_backward"], attempts["rnn_backward"]
    assert step.last.passed and step.tries == 2 and step.ever_passed
    assert not full.last.passed and full.last.mistake == "no_sum_over_time"
    assert full.tries == 3 and full.ever_passed
    assert list(attempts) == ["rnn_step_backward", "rnn_backward"]
    assert latest_attempts([]) == {}
