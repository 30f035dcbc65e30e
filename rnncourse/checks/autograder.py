"""Graded cells the nbgrader way: a wrong answer raises, a right one does not.

``check(exercise_id, fn)`` never raises, so a learner's Run All always reaches the end; nbgrader,
however, gives full credit to a graded cell that does not raise. The nbgrader source folder that
``rnncourse release --nbgrader-source DIR`` writes (:mod:`rnncourse.authoring.nbgrader_source`)
therefore gives every exercise and self-check question a graded cell of its own whose hidden
test calls the functions below. nbgrader removes hidden tests from the copy students get and
puts them back when it autogrades, so these functions only ever run under nbgrader::

    ### BEGIN HIDDEN TESTS
    from rnncourse.checks.autograder import autograde as _rnncourse_autograde
    _rnncourse_autograde("rnn_backward", rnn_backward)
    ### END HIDDEN TESTS

Each function judges the answer as :func:`~rnncourse.checks.check` does in the notebook (so the
verdict and its words are the course's; through :func:`~rnncourse.checks.judge_answer`, which
records nothing in a progress file), shows its panel, and then:

- on a pass, returns None: the cell has no result, and nbgrader gives a graded cell that neither
  raises nor has a result its full points, whatever points the instructor gave the cell;
- on a fail, raises :class:`AssertionError` whose message is the check's headline and message:
  nbgrader scores a cell that raises 0 and shows the error in its feedback.

(nbgrader would also read a result that is one number as the cell's score; exercises are all or
nothing, so no number is needed, and none could go stale when the cell's points are edited.)

Anything the check writes to stderr (a warning from the learner's arithmetic) is kept out of the
cell, since nbgrader scores a graded cell with stderr output 0.
"""

from __future__ import annotations

import contextlib
import io
import secrets
import warnings

AUTOGRADE_TIME_LIMIT = 10.0
"""Seconds a function gets for all the cases of one exercise (as ``rnncourse grade`` gives it)."""


def autograde(exercise_id, fn, *, seed=None, time_limit=AUTOGRADE_TIME_LIMIT, knock_on="full"):
    """Judge the learner's function for an nbgrader graded cell.

    Parameters
    ----------
    exercise_id : str, an exercise of the catalogue, e.g. ``"rnn_backward"``
    fn : the learner's function (whatever the name is bound to when the graded cell runs)
    seed : int or None, seeds the test cases; None (the default) draws a fresh one, so the cases
        differ from the ones the notebook's own ``check`` cell uses (seed 0) and from run to run.
        The seed is named in the panel's message so a verdict can be reproduced
    time_limit : float, seconds for all the cases together
    knock_on : ``"full"`` (the default) or ``"none"``: whether an answer that fails only because
        an exercise it calls is wrong passes (written by ``release --nbgrader-source --course``
        from the course file's ``knock_on``)

    Returns
    -------
    None
        When the answer passes (nbgrader then gives the cell its points).

    Raises
    ------
    AssertionError
        When the answer fails, with the check's headline and message.
    ValueError
        When ``exercise_id`` is not an exercise of the catalogue (a question's id goes to
        :func:`autograde_question`).
    """
    from rnncourse.checks.catalogue import EXERCISES
    from rnncourse.checks.checking import judge_answer

    if not isinstance(exercise_id, str) or exercise_id not in EXERCISES:
        raise ValueError(f"autograde: {exercise_id!r} is not an exercise of the catalogue; for a "
                         "self-check question use autograde_question(question_id)")
    if seed is None:
        seed = secrets.randbelow(2**31)
    with _quiet():
        result = judge_answer(exercise_id, fn, seed=seed, time_limit=time_limit, knock_on=knock_on)
    result.message = f"{result.message}\n(nbgrader autograde: test cases from seed {seed})"
    return _verdict(result)


def autograde_question(question_id):
    """Judge a self-check question's answer for an nbgrader graded cell.

    The answer is the literal second argument of the last ``check(question_id, <answer>)`` in a
    cell that ran before this one (read with :func:`ast.literal_eval` from the kernel's input
    history, never run again), just as ``rnncourse grade`` reads it from the notebook.

    Parameters
    ----------
    question_id : str, a question of the catalogue, e.g. ``"q04_total_vs_partial"``

    Returns
    -------
    None
        When the answer is right.

    Raises
    ------
    AssertionError
        When the answer is wrong, not given (``...``), not a literal, or not found.
    ValueError
        When ``question_id`` is not a question of the catalogue.
    RuntimeError
        When not run in an IPython kernel (there is no input history to read the answer from).
    """
    from rnncourse.checks.catalogue import QUESTIONS
    from rnncourse.checks.checking import judge_answer

    if not isinstance(question_id, str) or question_id not in QUESTIONS:
        raise ValueError(f"autograde_question: {question_id!r} is not a self-check question of "
                         "the catalogue; for an exercise use autograde(exercise_id, fn)")
    answer, problem = answer_from_history(question_id, _input_history())
    if problem is not None:
        raise AssertionError(f"✗ FAILED  {question_id}  (0/{QUESTIONS[question_id].points} "
                             f"points)\n{problem}")
    with _quiet():
        result = judge_answer(question_id, answer)
    return _verdict(result)


def answer_from_history(question_id, sources):
    """``(answer, problem)``: the answer in the last of ``sources`` that calls ``check(question_id, ...)``.

    Parameters
    ----------
    question_id : str
    sources : list of str, the sources of the cells that ran, oldest first (the graded cell
        itself excluded)

    Returns
    -------
    (answer, problem) : ``problem`` is None when an answer (maybe ``...``) was read, else the
        reason none could be: no cell called ``check(question_id, ...)``, or its answer is not
        a literal.
    """
    from rnncourse.checks.engine.answers import answer_above

    found = answer_above(sources, question_id)
    if found is not None:
        return found
    return None, (f'no cell that ran before this one calls check("{question_id}", <answer>); '
                  f'answer in the question\'s cell, e.g. check("{question_id}", "b")')


def _input_history():
    """The sources of the cells this kernel ran before the current one, oldest first."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - ipykernel (a dependency) brings IPython
        get_ipython = None
    shell = get_ipython() if get_ipython is not None else None
    if shell is None:
        raise RuntimeError("autograde_question reads the answer from the kernel's input history, "
                           "so it runs only in a Jupyter kernel (nbgrader's autograde runs one)")
    history = list(shell.history_manager.input_hist_raw)
    return history[1:-1]  # entry 0 is empty; the last one is the graded cell running now


@contextlib.contextmanager
def _quiet():
    """Keep warnings and stderr writes of the check (and the learner's code) out of the cell."""
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        yield


def _verdict(result):
    """Show the panel; raise AssertionError for a fail, return None for a pass."""
    _show(result)
    if not result.passed:
        raise AssertionError(str(result))
    return None


def _show(result):
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover
        return
    display(result)


__all__ = ["autograde", "autograde_question", "answer_from_history", "AUTOGRADE_TIME_LIMIT"]
