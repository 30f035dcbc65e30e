"""What the catalogue says about a recorded verdict: whether its ids are real, and in which words.

A progress record (:mod:`rnncourse.progress`) carries only ids: the exercise or question, its
lesson and the named mistake. Whoever shows it (``rnncourse progress``, a workshop's dashboard)
asks here whether those ids are the catalogue's and takes the words from the catalogue, never from
the file: a hand-edited record can only name mistakes that exist, in the course's own wording.

A question's misconception texts are sealed with the wrong answer they explain (see
:mod:`rnncourse.checks.engine.question`), and records never hold the answer, so a question's
mistake is described by its name and the lesson section that resolves it.
"""

from __future__ import annotations

from rnncourse.checks.catalogue import EXERCISES, LESSONS, QUESTIONS, graded_for_lesson

NO_NAMED_MISTAKE = "wrong, and no known mistake matches"
QUESTION_GENERIC = {"unrecognised": "a wrong answer the course has no note for",
                    "unanswered": "an answer the question does not accept (not one of its options, "
                                  "or not a number)"}


def course_order() -> list:
    """Every exercise and question id, lesson by lesson (a lesson's exercises, then its questions)."""
    return [item.id for lesson in LESSONS for item in graded_for_lesson(lesson)]


def item(item_id: str):
    """The exercise or question with this id, or None."""
    return EXERCISES.get(item_id) or QUESTIONS.get(item_id)


def mistake_names(item_id: str) -> dict:
    """``{mistake id: message}`` of every mistake the check of ``item_id`` can name."""
    found = item(item_id)
    if found is None:
        return {}
    if getattr(found, "answer_kind", "function") == "value":
        names = {m.name: f"{_words(m.name)} (see {m.section})" for m in found.wrong.values()}
        return {**{k: f"{v} (see {found.section})" for k, v in QUESTION_GENERIC.items()}, **names}
    return {m.name: m.message for m in getattr(found, "mistakes", ())}


def mistake_message(item_id: str, mistake) -> str | None:
    """The catalogue's words for ``mistake`` (``"A or B"`` gives both), or None if it is not one
    of ``item_id``'s mistakes."""
    if mistake is None:
        return None
    known = mistake_names(item_id)
    parts = str(mistake).split(" or ")
    if not all(part in known for part in parts):
        return None
    return " Or: ".join(dict.fromkeys(known[part] for part in parts))


def is_known(rec) -> bool:
    """Whether a progress record names a real item of its real lesson, with possible points and a
    mistake that item can have."""
    found = item(rec.id)
    if found is None or found.lesson != rec.lesson:
        return False
    if rec.possible != found.points or rec.points not in (0, found.points):
        return False
    if rec.passed != (rec.points == found.points) and found.points:
        return False
    if rec.knock_on and not all(dep in EXERCISES for dep in rec.knock_on):
        return False
    return rec.mistake is None or mistake_message(rec.id, rec.mistake) is not None


def state_of(rec) -> tuple:
    """``(state, message)`` of a known record: ``"passed"`` or ``"failing"``, in the catalogue's
    words (the named mistake's message, or what a knock-on pass depends on)."""
    if rec.passed:
        if rec.knock_on:
            deps = ", ".join(rec.knock_on)
            return "passed", f"passes with the course's {deps}; your {deps} fails: fix it first"
        return "passed", "passed"
    if rec.mistake is None:
        return "failing", NO_NAMED_MISTAKE
    return "failing", mistake_message(rec.id, rec.mistake) or NO_NAMED_MISTAKE


def _words(name):
    return name.replace("_", " ")


__all__ = ["course_order", "item", "mistake_names", "mistake_message", "is_known", "state_of",
           "NO_NAMED_MISTAKE"]
