"""Knock-on failures: an exercise that fails only because an exercise it calls is wrong.

``rnn_backward`` loops over ``rnn_step_backward``; a right ``rnn_backward`` calling a wrong
``rnn_step_backward`` fails every case, and its message ("dx is off at every time step") sends
the learner to debug the wrong function. An exercise therefore declares the exercises it calls,
``depends_on = ("rnn_step_backward",)``, and when it fails while one of those (of the same
lesson) fails too, it is judged again with the course's reference for those dependencies bound
in place of the learner's functions, in the namespace the learner's function resolves its
globals in (``fn.__globals__``; :func:`swapped_globals` restores it afterwards). If it then
passes, :func:`knock_on` turns the first result into one that says so — "your rnn_backward is
right and gets its points; its test cases fail only because the rnn_step_backward it calls
is wrong, and rnn_step_backward loses its own points for that" — with ``result.knock_on``
naming the dependencies and the points the policy gives:

- ``"full"`` (the default): full points, and the result passes as *credited* (the mistake is
  counted once, in the dependency);
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

    Its words never contradict its verdict: with ``"full"`` the exercise is *credited* (its
    headline says CREDITED, not PASSED) because the failures come from a dependency that loses
    its own points, and the cases that fail are counted "with your <dependency>"; with
    ``"none"`` it fails with 0 points and says so.

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
    one = len(dependency_ids) == 1
    verb, loses, its = ("is", "loses", "its") if one else ("are", "lose", "their")
    n_cases = len(rejudged.verdicts)
    full = policy == "full"
    if full:
        lines = [f"Credited: your {exercise.id} is right and gets its points. Its test cases "
                 f"fail only because the {deps} it calls {verb} wrong, and {deps} {loses} {its} "
                 f"own points for that: fix {deps} first."]
    else:
        lines = [f"Your {exercise.id} is right, but it scores 0 until it passes with your own "
                 f"{deps}: its test cases fail only because the {deps} it calls {verb} wrong. "
                 f"Fix {deps} first."]
    lines.append(f"(With the course's {deps} in place of yours, all {n_cases} test cases pass.)")
    body, count = _split_count(first.message)
    lines.append(f"With your {deps}: {body}")
    if count is not None:
        lines.append(f"({count[0]} of {count[1]} cases pass with your {deps}.)")
    return Result(exercise.id, full, "\n".join(lines), exercise.points if full else 0,
                  exercise.points, first.mistake, first.verdicts, knock_on=tuple(dependency_ids))


def _split_count(message):
    """``message`` without its last line ``"(n of m cases pass.)"``, and ``(n, m)`` (or None)."""
    head, _, last = str(message).rpartition("\n")
    words = last.strip().strip("().").split()
    if head and len(words) == 5 and words[1] == "of" and words[3:] == ["cases", "pass"] \
            and words[0].isdigit() and words[2].isdigit():
        return head, (int(words[0]), int(words[2]))
    return message, None


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
