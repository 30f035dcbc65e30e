"""Exercise checks: ``check(exercise_id, fn)`` judges a learner's function and names the mistake.

In a notebook the learner writes one line per exercise::

    from rnncourse.checks import check
    check("rnn_backward", rnn_backward)     # a green ✓ PASSED or red ✗ FAILED panel

The result has ``.passed`` (bool), ``.message`` (str), ``.points`` (earned, all or nothing) and
``.possible``; it renders as an HTML panel in Jupyter and as plain text elsewhere. An unknown id
gives a failing result that lists the closest known ids.

The three-step protocol (for the homework grader)
-------------------------------------------------
Each :class:`Exercise` in :data:`EXERCISES` splits a check into three steps that may run in
different processes; only plain data (numbers, strings, numpy arrays, and lists/dicts of those)
passes between them, so it can travel as ``.npz`` + JSON (:func:`serial.to_bytes` /
:func:`serial.from_bytes`, or :func:`serial.pack` / :func:`serial.unpack`)::

    ex = EXERCISES["rnn_backward"]
    cases = ex.make_cases(seed)              # trusted: a list of plain dicts
    outputs = ex.call(fn, case, time_limit)  # anywhere, e.g. the learner's kernel: decides nothing
    verdict = ex.judge(case, outputs)        # trusted: recomputes the expected values itself
    result = aggregate(ex, verdicts, len(cases))

- A *case* is ``{"label": "N=2, T=4, D=3, H=3", "dims": {...}, "inputs": {arg name: value}}``
  (plus flags such as ``"large"`` or ``"cyclic"``). ``numerical_gradient`` cases name their test
  function, ``{"f": {"family": "quadratic", "A": ..., "c": ...}, "x": ..., "h": 1e-5}``, and
  :meth:`Exercise.build_args` turns it into a callable with trusted code
  (:func:`exercises_gradcheck.make_test_function`).
- ``call`` builds private arguments from the case, calls ``fn`` with floating-point warnings
  silenced and an optional time limit (an alarm in the main thread, else an abandoned daemon
  thread), and returns ``{"status": "returned" | "raised" | "timeout", "value" | "error", "mutated",
  "seconds"}``: the returned value as plain data (tuples become lists, unknown objects become
  ``{"__opaque__": type, "repr": ...}``), or the exception's type, class names, text, the line
  of the learner's code and any ``.cycle``; ``mutated`` lists the inputs changed in place.
- ``judge`` never trusts the outputs: it rebuilds the arguments from the case, runs the
  reference on private copies, compares the number, type, shape, dtype and values of every
  output (float64 tolerance ``rtol=1e-7, atol=1e-9`` unless the exercise says otherwise), and
  when values differ runs each known :class:`Mistake` variant on the same case to name the
  likely error, which output and which time steps are off, and by how much.
- :func:`check` = ``make_cases`` + ``call`` (5 s in total by default) + ``judge`` for every case,
  aggregated into one :class:`Result` whose message names the first failing case's shape.

Exercises and lessons
---------------------
===========================  ==========================  ======  ==========================
id                           lesson                      points  reference
===========================  ==========================  ======  ==========================
warmup_sum_of_squares        00_welcome                  1       checks.exercises_warmup
affine_forward               01_feedforward_backprop     1       nn.affine_forward
affine_backward              01_feedforward_backprop     2       nn.affine_backward
tanh_backward                01_feedforward_backprop     1       nn.tanh_backward
softmax_cross_entropy        01_feedforward_backprop     2       nn.softmax_cross_entropy
numerical_gradient           01_feedforward_backprop     2       gradcheck.numerical_gradient
rnn_step_forward             02_recurrence_and_cycles    1       rnn.rnn_step_forward
topological_sort             02_recurrence_and_cycles    2       graph.topological_sort
rnn_forward                  03_unrolling                2       rnn.rnn_forward
rnn_step_backward            04_bptt                     2       rnn.rnn_step_backward
rnn_backward                 04_bptt                     3       rnn.rnn_backward
rnn_backward_truncated       05_training_in_practice     2       rnn.rnn_backward_truncated
clip_gradients               05_training_in_practice     1       optim.clip_gradients
===========================  ==========================  ======  ==========================

The lesson-0 warm-up is ``warmup_sum_of_squares(x) -> float``, the sum of the squares of every
entry of the array ``x``.
"""

from __future__ import annotations

import difflib

from rnncourse.checks import (exercises_bptt, exercises_gradcheck, exercises_graph, exercises_nn,
                              exercises_rnn, exercises_training, exercises_warmup)
from rnncourse.checks.core import (DEFAULT_TIME_LIMIT, Exercise, Mistake, Result, Verdict,
                                   aggregate, run_check)
from rnncourse.checks.serial import from_bytes, pack, to_bytes, unpack
from rnncourse.checks.unfinished import skip_if_unfinished

LESSONS = ("00_welcome", "01_feedforward_backprop", "02_recurrence_and_cycles", "03_unrolling",
           "04_bptt", "05_training_in_practice")

_ORDER = (exercises_warmup.EXERCISES + exercises_nn.EXERCISES + exercises_gradcheck.EXERCISES
          + exercises_rnn.EXERCISES[:1] + exercises_graph.EXERCISES + exercises_rnn.EXERCISES[1:]
          + exercises_bptt.EXERCISES + exercises_training.EXERCISES)

EXERCISES: dict[str, Exercise] = {ex.id: ex for ex in _ORDER}
"""Every exercise, by id, in lesson order."""


def exercises_for_lesson(stem):
    """The exercises of one lesson (e.g. ``"04_bptt"``), in order; ``[]`` for a lesson without any.

    Raises
    ------
    ValueError
        for an unknown lesson stem, listing the known ones.
    """
    if stem not in LESSONS:
        raise ValueError(f"unknown lesson {stem!r}; known lessons: {', '.join(LESSONS)}")
    return [ex for ex in EXERCISES.values() if ex.lesson == stem]


def check(exercise_id, fn, *, seed=0, time_limit=DEFAULT_TIME_LIMIT):
    """Check the learner's function ``fn`` for exercise ``exercise_id``.

    Parameters
    ----------
    exercise_id : str, e.g. ``"rnn_backward"`` (see :data:`EXERCISES`)
    fn : the learner's function, with the signature of the exercise
    seed : int, seeds the random test cases
    time_limit : float, seconds for all the cases together

    Returns
    -------
    Result
        ``.passed``, ``.message``, ``.points``, ``.possible``; never raises for a wrong, crashing,
        or endless ``fn``.
    """
    exercise = EXERCISES.get(exercise_id) if isinstance(exercise_id, str) else None
    if exercise is None:
        return _unknown(exercise_id)
    try:
        return run_check(exercise, fn, seed=seed, time_limit=time_limit)
    except Exception as exc:  # the checker itself failed: say so rather than crash the notebook
        return Result(exercise_id, False, f"internal error in the checker ({type(exc).__name__}: "
                                          f"{exc}); please report it to the course maintainers",
                      0, exercise.points)


def _unknown(exercise_id):
    close = difflib.get_close_matches(str(exercise_id), list(EXERCISES), n=3, cutoff=0.5)
    hint = (f"did you mean {', '.join(close)}?" if close
            else f"known ids: {', '.join(EXERCISES)}")
    return Result(str(exercise_id), False, f"unknown exercise id {exercise_id!r}: {hint}", 0, 0)


__all__ = ["check", "skip_if_unfinished", "EXERCISES", "LESSONS", "exercises_for_lesson", "Exercise", "Mistake",
           "Result", "Verdict", "aggregate", "run_check", "pack", "unpack", "to_bytes",
           "from_bytes"]
