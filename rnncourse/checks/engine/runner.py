"""Run a check in this process: make the cases, call the answer on each, judge, fold into a Result.

:func:`run_check` is what ``check(exercise_id, answer)`` does; the grader runs the same steps
across processes (the call inside the learner's kernel) and shares :func:`judge_cases` and
:func:`aggregate` with it, so a check and a grade can never disagree on the rules: all cases
within one time limit, judging stops at the first timeout, all or nothing.
"""

from __future__ import annotations

from rnncourse.checks.engine.calls import call_cases
from rnncourse.checks.engine.protocol import DEFAULT_TIME_LIMIT
from rnncourse.checks.engine.result import Result


def run_check(exercise, answer, *, seed=0, time_limit=DEFAULT_TIME_LIMIT):
    """make_cases -> call (time-limited in total) -> judge every case -> one :class:`Result`."""
    problem = exercise.accepts(answer)
    if problem:
        return Result(exercise.id, False, problem, 0, exercise.points)
    cases = exercise.make_cases(seed)
    outputs = call_cases(lambda case, left: exercise.call(answer, case, time_limit=left), cases,
                         time_limit)
    return aggregate(exercise, judge_cases(exercise, cases, outputs), len(cases))


def judge_cases(exercise, cases, outputs):
    """One verdict per case, in order, up to and including the first case that timed out."""
    verdicts = []
    for case, out in zip(cases, outputs):
        verdicts.append(exercise.judge(case, out))
        if out.get("status") == "timeout":
            verdicts[-1].timed_out = True
            break
    return verdicts


def aggregate(exercise, verdicts, n_cases):
    """Fold per-case verdicts into one :class:`Result` (all or nothing).

    Passing needs one passing verdict for each of ``n_cases`` (> 0) cases: no cases, or fewer
    verdicts than cases, is a failure whose message says so. A passing result lists the notes of
    its verdicts (each once) after "All N test cases pass.". A question (``answer_kind ==
    "value"``) with its one case judged says just that verdict's message. A failing result
    reports its first failing case, or a later one that tells apart the known mistakes the first
    one's error fits alike.
    """
    failed = [(i, v) for i, v in enumerate(verdicts) if not v.passed]
    if exercise.answer_kind == "value" and n_cases == 1 and len(verdicts) == 1:
        only = verdicts[0]  # a question: its one verdict is the whole message, no case counts
        return Result(exercise.id, only.passed, only.message,
                      exercise.points if only.passed else 0, exercise.points,
                      None if only.passed else only.mistake, verdicts)
    if n_cases <= 0:
        return Result(exercise.id, False, "no test cases were made for this exercise, so "
                      "nothing was checked; please report it to the course maintainers", 0,
                      exercise.points, None, verdicts)
    if not failed and len(verdicts) == n_cases:
        notes = list(dict.fromkeys(v.note for v in verdicts if v.note))
        return Result(exercise.id, True, "\n".join([f"All {n_cases} test cases pass."] + notes),
                      exercise.points, exercise.points, None, verdicts)
    n_pass = sum(v.passed for v in verdicts)
    if not failed:
        return Result(exercise.id, False,
                      f"only {len(verdicts)} of {n_cases} cases were judged: case "
                      f"{len(verdicts) + 1} has no outputs, and every case must pass.\n"
                      f"({n_pass} of {n_cases} cases pass.)", 0, exercise.points, None, verdicts)
    i, first = _telling_failure(failed)
    message = (f"Case {i + 1} of {n_cases} ({first.label}): {first.message}\n"
               f"({n_pass} of {n_cases} cases pass.)")
    return Result(exercise.id, False, message, 0, exercise.points, first.mistake, verdicts)


def _telling_failure(failed):
    """The failing ``(index, verdict)`` to report: the first one, unless its error fits several
    known mistakes (``"A or B"``) and a later case names exactly one of them, which then tells
    the learner which it is."""
    i, first = failed[0]
    if first.mistake and " or " in first.mistake:
        candidates = set(first.mistake.split(" or "))
        for j, later in failed[1:]:
            if later.mistake in candidates:
                return j, later
    return i, first


__all__ = ["run_check", "judge_cases", "aggregate"]
