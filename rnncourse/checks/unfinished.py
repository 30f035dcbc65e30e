"""Unfinished exercises: the placeholder every lesson starts with, and cells that wait for it.

A generated lesson replaces each answer by one line,
``raise NotImplementedError("Exercise <id>: write your code here, ...")`` (:func:`placeholder`).
Cells further down that call the learner's function are wrapped in
``with skip_if_unfinished():``. While an exercise is still a placeholder, such a cell prints
which exercise to finish and is skipped, so Run All on an untouched lesson reaches the last cell
instead of stopping at the first exercise; once the function is written, the cell runs as usual
(any other error, including one from a half-written function, is shown as it is).

Example::

    with skip_if_unfinished():
        print(affine_forward(x, W, b)[0])
    # before exercise 1 is written, prints:
    # finish `affine_forward` first (exercise 1 of this lesson); this cell is skipped until then.
"""

from __future__ import annotations

import re

PLACEHOLDER_TEXT = ("Exercise {exercise_id}: write your code here, then run the check cell below. "
                    "See the exercise description above.")
_PLACEHOLDER = re.compile(r"^Exercise ([A-Za-z_][A-Za-z0-9_]*): write your code here")


def placeholder(exercise_id):
    """The line that stands for an unwritten answer in a lesson (without indentation)."""
    return f'raise NotImplementedError("{PLACEHOLDER_TEXT.format(exercise_id=exercise_id)}")'


def unfinished_exercise(exc):
    """The exercise id if ``exc`` was raised by a lesson's placeholder, else None."""
    if not isinstance(exc, NotImplementedError) or not exc.args:
        return None
    match = _PLACEHOLDER.match(str(exc.args[0]))
    return match.group(1) if match else None


def _position(exercise_id):
    """'exercise N of this lesson' for a catalogue exercise, or '' for an unknown id."""
    from rnncourse.checks.catalogue import EXERCISES, exercises_for_lesson  # late: only for a message

    exercise = EXERCISES.get(exercise_id)
    if exercise is None:
        return ""
    ids = [ex.id for ex in exercises_for_lesson(exercise.lesson)]
    return f" (exercise {ids.index(exercise_id) + 1} of this lesson)"


class skip_if_unfinished:  # noqa: N801 - used as a statement: ``with skip_if_unfinished():``
    """Context manager: skip the rest of the block when a lesson placeholder raises inside it.

    Prints ``finish `<id>` first (exercise N of this lesson); this cell is skipped until then.``
    and swallows only that placeholder's ``NotImplementedError``; every other exception passes.
    ``.skipped`` is the unfinished exercise's id after a skip, else None.
    """

    def __init__(self):
        self.skipped = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        exercise_id = unfinished_exercise(exc) if exc is not None else None
        if exercise_id is None:
            return False
        self.skipped = exercise_id
        print(f"finish `{exercise_id}` first{_position(exercise_id)}; this cell is skipped until then.")
        return True
