"""grading.results: a typed result per submission, and the gradebook status derived from it."""

from __future__ import annotations

import pytest

from rnncourse.grading.judging.results import Status, SubmissionResult


def _entry(points, flag=None):
    return {"points": points, "possible": 1, "passed": bool(points) and not flag, "flag": flag,
            "message": ""}


@pytest.mark.parametrize("result, text", [
    (SubmissionResult(), "ok"),
    (SubmissionResult(status=Status.TIMEOUT), "timeout"),
    (SubmissionResult(status=Status.MEMORY), "memory"),
    (SubmissionResult(status=Status.KERNEL_DIED), "kernel died"),
    (SubmissionResult.invalid("empty file"), "invalid notebook: empty file"),
    (SubmissionResult(exercises={"a": _entry(0, "a calls x"), "b": _entry(1),
                                 "c": _entry(0, "c is y")}),
     "flagged: a: a calls x; c: c is y"),
    (SubmissionResult(status=Status.TIMEOUT, exercises={"a": _entry(0, "a calls x")}),
     "timeout; flagged: a: a calls x"),
    (SubmissionResult(course_files_changed=True), "ok; course files changed during grading"),
    (SubmissionResult(without_sandbox=True), "ok; graded without a sandbox"),
    (SubmissionResult.invalid("empty file", without_sandbox=True, course_files_changed=True),
     "invalid notebook: empty file; course files changed during grading; graded without a sandbox"),
    (SubmissionResult(status=Status.MEMORY, course_files_changed=True,
                      exercises={"a": _entry(0, "f")}),
     "memory; flagged: a: f; course files changed during grading"),
])
def test_the_status_text_is_derived_with_todays_wording(result, text):
    assert result.status_text == text


def test_scoring_counts_the_lessons_exercises_and_names_what_was_not_graded():
    r = SubmissionResult(status=Status.KERNEL_DIED, lesson="04_bptt", exercises={
        "rnn_step_backward": {"points": 2, "possible": 2, "passed": True, "flag": None,
                              "message": "All 4 test cases pass."}}).score()
    assert (r.total, r.possible) == (2, 7)  # 5 for the exercises, 4 questions x 0.5
    assert r.exercises["rnn_backward"]["message"] == "not graded: kernel died"
    assert SubmissionResult.invalid("empty file").score().possible == 0


def test_a_result_survives_the_workers_json_round_trip():
    r = SubmissionResult(name="a.ipynb", seed=3, lesson="00_welcome", status=Status.TIMEOUT,
                         problems=["cell 2 did not finish"], isolation="same user",
                         without_sandbox=True, details={"timing": {"kernel_start": 1.0}},
                         exercises={"warmup_sum_of_squares": _entry(0, "f")}).score()
    data = r.to_dict()
    assert data["status"] == ("timeout; flagged: warmup_sum_of_squares: f; graded without a "
                              "sandbox")
    assert data["without_sandbox"] is True
    assert data["outcome"] == "timeout" and data["isolation"] == "same user"
    back = SubmissionResult.from_dict(data)
    assert back == r
    with pytest.raises(ValueError):
        SubmissionResult.from_dict({"outcome": "fine, honestly"})


def test_a_wrong_lesson_row_is_derived_scores_zero_and_round_trips():
    result = SubmissionResult.wrong_lesson("02_recurrence_and_cycles", "04_bptt",
                                           name="a.ipynb").score()
    assert result.status_text == "wrong lesson: 02_recurrence_and_cycles"
    assert (result.lesson, result.total, result.possible) == ("04_bptt", 0, 7)
    assert result.exercises["rnn_backward"]["message"] == (
        "not graded: wrong lesson: 02_recurrence_and_cycles")
    back = SubmissionResult.from_dict(result.to_dict())
    assert (back.status, back.reason, back.status_text) == (
        Status.WRONG_LESSON, "02_recurrence_and_cycles", "wrong lesson: 02_recurrence_and_cycles")
