"""The checks engine: the exercise protocol and everything that runs it, independent of content.

- :mod:`~rnncourse.checks.engine.protocol`: :class:`Exercise`, the protocol every kind of
  exercise implements; seeds derived from ``(seed, exercise id)``
- :mod:`~rnncourse.checks.engine.function`: :class:`FunctionExercise` (the learner writes a
  function), :class:`Mistake`, :class:`Alternative`, :class:`ArgBuilder`
- :mod:`~rnncourse.checks.engine.result`: :class:`Verdict` (one case) and :class:`Result`
  (what ``check`` returns)
- :mod:`~rnncourse.checks.engine.runner`: :func:`run_check`, :func:`judge_cases`, :func:`aggregate`
- :mod:`~rnncourse.checks.engine.dependencies`: knock-on failures (an exercise judged again with
  the reference for the exercises it calls)
- :mod:`~rnncourse.checks.engine.calls`: the call step (private copies, time limit, what came
  back, what was changed in place); its source also runs inside the grader's kernel
- :mod:`~rnncourse.checks.engine.compare`: compare outputs and say in words what differs
- :mod:`~rnncourse.checks.engine.plaindata`: plain data and its ``.npz`` + JSON format
- :mod:`~rnncourse.checks.engine.question`: self-check questions judged by salted digest
- :mod:`~rnncourse.checks.engine.answers`: a question's answer read statically from a cell's
  ``check(id, answer)`` call (the grader and nbgrader's graded cells read it the same way)

The exercises themselves live in :mod:`rnncourse.checks.catalogue`.
"""

from rnncourse.checks.engine.dependencies import (
                                                  KNOCK_ON_POLICIES,
                                                  check_with_dependencies,
                                                  knock_on,
                                                  same_lesson_dependencies,
                                                  swapped_globals,
)
from rnncourse.checks.engine.function import (
                                                  Alternative,
                                                  ArgBuilder,
                                                  FunctionExercise,
                                                  Mistake,
                                                  exception_message,
                                                  label,
                                                  load_function,
)
from rnncourse.checks.engine.plaindata import from_bytes, pack, to_bytes, unpack
from rnncourse.checks.engine.protocol import DEFAULT_TIME_LIMIT, Exercise, derive_seed, lesson_number
from rnncourse.checks.engine.result import Result, Verdict, verdict_mark
from rnncourse.checks.engine.runner import aggregate, judge_cases, run_check

__all__ = ["Exercise", "FunctionExercise", "Mistake", "Alternative", "ArgBuilder", "Result", "Verdict",
           "run_check", "judge_cases", "aggregate", "exception_message", "label",
           "load_function", "derive_seed", "lesson_number", "DEFAULT_TIME_LIMIT", "pack",
           "unpack", "to_bytes", "from_bytes", "KNOCK_ON_POLICIES", "check_with_dependencies",
           "knock_on", "same_lesson_dependencies", "swapped_globals", "verdict_mark"]
