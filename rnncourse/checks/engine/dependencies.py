"""Knock-on failures: an exercise that fails only because an exercise it calls is wrong.

``rnn_backward`` loops over ``rnn_step_backward``; a right ``rnn_backward`` calling a wrong
``rnn_step_backward`` fails every case, and its message ("dx is off at every time step") sends
the learner to debug the wrong function. An exercise therefore declares the exercises it calls,
``depends_on = ("rnn_step_backward",)``, and when it fails while one of those (of the same
lesson) fails too, it is judged again with the course's reference for those dependencies bound
in place of the learner's functions, in the namespace the learner's function resolves its
globals in (``fn.__globals__``; :func:`swapped_globals` restores it afterwards). If it then
passes, :func:`knock_on` turns the first result into one that says so — "your rnn_backward is
right; it fails only because rnn_step_backward is wrong — fix rnn_step_backward first" — with
``result.knock_on`` naming the dependencies and the points the policy gives:

- ``"full"`` (the default): full points, and the result passes (the mistake is counted once,
  in the dependency);
- ``"none"``: 0 points; the result still fails, but the message says where the mistake is.

The same steps run in ``check`` (the dependencies are the learner's globals of those names,
checked with the same seed) and in the grader (the dependencies are the exercises it judged;
the swap happens inside the kernel, whose harness carries :func:`swapped_globals`' source, so
keep this module free of imports from the course package other than the engine's own, which
the harness namespace does not need).
"""

from __future__ import annotations

from contextlib import contextmanager

from rnncourse.checks.engine.result import Result

KNOCK_ON_POLICIES = ("full", "none")
"""What a knock-on failure scores: ``"full"`` points, or ``"none"``."""

_UNBOUND = object()


def same_lesson_dependencies(exercise, registry):
    """The exercises ``exercise`` declares it calls that belong to its own lesson, in order.

    Parameters
    ----------
    exercise : :class:`~rnncourse.checks.engine.Exercise`
    registry : dict exercise id -> exercise (e.g. :data:`rnncourse.checks.EXERCISES`)
    """
    found = []
    for dep_id in getattr(exercise, "depends_on", ()) or ():
        dep = registry.get(dep_id)
        if dep is not None and dep.lesson == exercise.lesson:
            found.append(dep)
    return found


@contextmanager
def swapped_globals(fn, replacements):
    """Bind ``replacements`` (``{name: object}``) in ``fn.__globals__`` for the ``with`` block,
    then restore every name as it was (removing the ones that were not bound).

    Yields False, changing nothing, when ``fn`` has no ``__globals__`` dict (a builtin, a
    callable object).
    """
    namespace = getattr(fn, "__globals__", None)
    if not isinstance(namespace, dict):
        yield False
        return
    saved = {name: namespace.get(name, _UNBOUND) for name in replacements}
    namespace.update(replacements)
    try:
        yield True
    finally:
        for name, old in saved.items():
            if old is _UNBOUND:
                namespace.pop(name, None)
            else:
                namespace[name] = old


def _names(ids):
    return " and ".join(ids)


def knock_on(exercise, first, rejudged, dependency_ids, policy="full"):
    """The result of an exercise that failed (``first``) but passes (``rejudged``) with the
    course's reference for ``dependency_ids`` in place of the learner's; ``first`` itself when
    ``rejudged`` did not pass.

    Raises
    ------
    ValueError
        for a ``policy`` not in :data:`KNOCK_ON_POLICIES`.
    """
    if policy not in KNOCK_ON_POLICIES:
        raise ValueError(f"unknown knock-on policy {policy!r}; use one of: "
                         f"{', '.join(KNOCK_ON_POLICIES)}")
    if first.passed or not rejudged.passed or not dependency_ids:
        return first
    deps = _names(dependency_ids)
    verb = "is" if len(dependency_ids) == 1 else "are"
    n_cases = len(rejudged.verdicts)
    lines = [f"Your {exercise.id} is right; it fails only because {deps} {verb} wrong — fix "
             f"{deps} first. (With the course's {deps} in place of yours, all {n_cases} test "
             "cases pass.)"]
    if policy == "none":
        lines.append(f"No points for {exercise.id} until it passes with your own {deps}.")
    lines.append(f"With your {deps}: {first.message}")
    full = policy == "full"
    return Result(exercise.id, full, "\n".join(lines), exercise.points if full else 0,
                  exercise.points, first.mistake, first.verdicts, knock_on=tuple(dependency_ids))


def check_with_dependencies(exercise, fn, registry, run, policy="full"):
    """``run(exercise, fn)``, and when it fails, the knock-on re-judge of the module docstring.

    The dependencies are the functions bound to their ids in ``fn.__globals__`` (the learner's
    notebook); each is checked with ``run`` too, and only the failing ones (or the missing ones)
    are replaced by the course's reference for the re-judge. An answer that ran out of time is
    not judged again (as in the grader).
    """
    first = run(exercise, fn)
    if first.passed or any(v.timed_out for v in first.verdicts):
        return first  # a function that ran out of time is not called again
    namespace = getattr(fn, "__globals__", None)
    if not isinstance(namespace, dict):
        return first
    failing = []
    for dep in same_lesson_dependencies(exercise, registry):
        mine = namespace.get(dep.id)
        if mine is None or not run(dep, mine).passed:
            failing.append(dep)
    if not failing:
        return first
    with swapped_globals(fn, {dep.id: dep.reference_function for dep in failing}):
        rejudged = run(exercise, fn)
    return knock_on(exercise, first, rejudged, [dep.id for dep in failing], policy)


__all__ = ["KNOCK_ON_POLICIES", "same_lesson_dependencies", "swapped_globals", "knock_on",
           "check_with_dependencies"]
