"""The exercise catalogue: the course's content, registered in lesson order.

Each module here declares its ``LESSON`` (a stem of :data:`LESSONS`) and ``EXERCISES``, the
exercises it defines, in the order the lesson asks for them. :data:`EXERCISES` orders itself by
lesson number and then by declaration order (the order of :data:`MODULES`, then of each module's
``EXERCISES``), so adding an exercise or a module never means splicing a list by hand; a module
whose exercises name another lesson is refused at import.

To add an exercise family, write one module (see docs/checks.md) and add it to :data:`MODULES`.
"""

from __future__ import annotations

from rnncourse.checks.catalogue import bptt, gradcheck, graph, lstm, nn, rnn_forward, rnn_step, training, warmup
from rnncourse.checks.engine.protocol import lesson_number

LESSONS = ("00_welcome", "01_feedforward_backprop", "02_recurrence_and_cycles", "03_unrolling",
           "04_bptt", "05_training_in_practice", "06_gated_cells")
"""Every lesson stem, in order (a lesson and its notebooks share the stem)."""

MODULES = (warmup, nn, gradcheck, rnn_step, graph, rnn_forward, bptt, training, lstm)
"""The exercise modules; only the order of modules of the same lesson matters."""


def build_registry(modules, lessons=LESSONS):
    """``{exercise id: exercise}`` of every module's exercises, by lesson number then declaration.

    Raises
    ------
    ValueError
        for a module without ``LESSON``, a lesson not in ``lessons``, an exercise whose lesson
        is not its module's, or an id used twice.
    """
    declared = []
    for module in modules:
        lesson = getattr(module, "LESSON", None)
        if lesson not in lessons:
            raise ValueError(f"exercise module {module.__name__} declares LESSON = {lesson!r}; "
                             f"set it to one of {', '.join(lessons)}")
        for ex in module.EXERCISES:
            if ex.lesson != lesson:
                raise ValueError(f"{ex.id} in {module.__name__} says lesson {ex.lesson!r} but the "
                                 f"module declares {lesson!r}; move it to a module of its lesson")
            declared.append(ex)
    registry = {}
    for ex in sorted(declared, key=lambda e: lesson_number(e.lesson)):  # stable: keeps declaration
        if ex.id in registry:
            raise ValueError(f"exercise id {ex.id!r} is used twice; give each exercise its own id")
        registry[ex.id] = ex
    return registry


EXERCISES = build_registry(MODULES)
"""Every exercise, by id, in lesson order."""

from rnncourse.checks.catalogue.questions import QUESTION_MODULES  # noqa: E402

QUESTIONS = build_registry(QUESTION_MODULES)
"""Every self-check question (``q<lesson>_<name>``), by id, in lesson order."""

if set(QUESTIONS) & set(EXERCISES):
    raise ValueError(f"ids used both by an exercise and a question: "
                     f"{sorted(set(QUESTIONS) & set(EXERCISES))}; give each its own id")


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


def questions_for_lesson(stem):
    """The self-check questions of one lesson, in order; ``[]`` for a lesson without any.

    Raises
    ------
    ValueError
        for an unknown lesson stem, listing the known ones.
    """
    exercises_for_lesson(stem)  # validates the stem
    return [q for q in QUESTIONS.values() if q.lesson == stem]


def graded_for_lesson(stem):
    """Everything the grader scores for a lesson: its exercises, then its questions."""
    return exercises_for_lesson(stem) + questions_for_lesson(stem)


def points_for_lesson(stem):
    """Total points of a lesson's exercises and questions (the gradebook's ``possible``): an int
    when whole, else a float (questions are worth half a point by default)."""
    total = sum(ex.points for ex in graded_for_lesson(stem))
    return int(total) if float(total).is_integer() else total


__all__ = ["EXERCISES", "QUESTIONS", "LESSONS", "MODULES", "build_registry",
           "exercises_for_lesson", "questions_for_lesson", "graded_for_lesson", "points_for_lesson"]
