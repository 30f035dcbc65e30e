"""Exercise checks: ``check(exercise_id, fn)`` judges a learner's function and names the mistake.

In a notebook the learner writes one line per exercise::

    from rnncourse.checks import check
    check("rnn_backward", rnn_backward)     # a green ✓ PASSED or red ✗ FAILED panel

The result has ``.passed`` (bool), ``.message`` (str), ``.points`` (earned, all or nothing) and
``.possible``; it renders as an HTML panel in Jupyter and as plain text elsewhere. An unknown id
gives a failing result that lists the closest known ids.

How it is built
---------------
- :mod:`rnncourse.checks.engine`: the exercise protocol (:class:`~rnncourse.checks.engine.Exercise`)
  and what runs it, independent of content: function exercises, the call step, comparison,
  verdicts and results, the plain-data format the grader ships cases and outputs in;
- :mod:`rnncourse.checks.catalogue`: the exercises, one module per topic, each declaring its
  lesson; the registry orders itself by lesson;
- :mod:`rnncourse.checks.checking`: :func:`check` itself; :mod:`rnncourse.checks.references`: the
  static detection of answers that call the course's reference implementation (the grader's).

Each exercise splits a check into three steps that may run in different processes; only plain
data passes between them (see docs/checks.md)::

    ex = EXERCISES["rnn_backward"]
    cases = ex.make_cases(seed)              # trusted: a list of plain dicts
    outputs = ex.call(fn, case, time_limit)  # anywhere, e.g. the learner's kernel: decides nothing
    verdict = ex.judge(case, outputs)        # trusted: recomputes the expected values itself
    result = aggregate(ex, verdicts, len(cases))

:func:`check` = ``make_cases`` + ``call`` (5 s in total by default) + ``judge`` for every case,
aggregated into one :class:`Result` whose message names the first failing case's shape.

Exercises and lessons
---------------------
(points are defined by the catalogue; a test keeps this table equal to it)

===========================  ==========================  ======  ==========================
id                           lesson                      points  reference
===========================  ==========================  ======  ==========================
warmup_sum_of_squares        00_welcome                  1       checks.catalogue.warmup
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
lstm_step_forward            06_gated_cells              2       rnn.lstm_step_forward
lstm_step_backward           06_gated_cells              3       rnn.lstm_step_backward
lstm_backward                06_gated_cells              3       rnn.lstm_backward
===========================  ==========================  ======  ==========================

The lesson-0 warm-up is ``warmup_sum_of_squares(x) -> float``, the sum of the squares of every
entry of the array ``x``.

nbgrader
--------
:func:`autograde` and :func:`autograde_question` (:mod:`rnncourse.checks.autograder`) are what the
graded cells of an nbgrader source folder run (``rnncourse release --nbgrader-source``): the same
check, but a wrong answer raises (and a right one does not), as nbgrader expects. Learners
never call them; ``check`` itself never raises.

Self-check questions
--------------------
:data:`QUESTIONS` holds the conceptual questions of lessons 1-5 (``q<lesson>_<name>``, 0.5
point each by default), answered with a plain value through the same :func:`check`
(``check(question_id, ...)`` says "not answered yet") or with the widget of :func:`ask`. Their
key is stored as salted digests (:mod:`rnncourse.checks.engine.question`; docs/checks.md).
"""

from __future__ import annotations

from rnncourse.checks.autograder import autograde, autograde_question
from rnncourse.checks.catalogue import (EXERCISES, LESSONS, QUESTIONS, exercises_for_lesson,
                                        graded_for_lesson, points_for_lesson, questions_for_lesson)
from rnncourse.checks.checking import check
from rnncourse.checks.engine import (Exercise, FunctionExercise, Mistake, Result, Verdict, aggregate,
                                     from_bytes, pack, run_check, to_bytes, unpack)
from rnncourse.checks.unfinished import skip_if_unfinished


def ask(question_id):
    """The answer widget of a self-check question (radio buttons, checkboxes or a number box, and
    a Check button that runs the same :func:`check`); see :mod:`rnncourse.checks.widgets`."""
    from rnncourse.checks.widgets import ask as _ask  # late: ipywidgets only when a widget is shown

    return _ask(question_id)


__all__ = ["check", "ask", "skip_if_unfinished", "autograde", "autograde_question", "EXERCISES", "QUESTIONS", "LESSONS",
           "exercises_for_lesson", "questions_for_lesson", "graded_for_lesson", "points_for_lesson",
           "Exercise", "FunctionExercise", "Mistake",
           "Result", "Verdict", "aggregate", "run_check", "pack", "unpack", "to_bytes",
           "from_bytes"]
