"""Grade self-check questions: judge the statically read answers outside the kernel.

:func:`grade_questions` takes each answer :func:`~rnncourse.checks.engine.answers.read_answers`
read from the graded cell and judges it with the question's hashed key through the same
``judge_cases`` and ``aggregate`` as ``check`` (via
:func:`~rnncourse.grading.judging.evaluate.judge_exercise`), so the notebook's check and the grade
say the same words and give the same points.
"""

from __future__ import annotations

from rnncourse.checks import questions_for_lesson
from rnncourse.checks.engine.answers import read_answers
from rnncourse.checks.engine.question import UNANSWERED
from rnncourse.grading.judging.evaluate import judge_exercise


def answer_text(answer) -> str:
    """``repr(answer)``, with a set's members in sorted order: the same text in every process
    (a set's own order depends on the process's string hashing)."""
    if isinstance(answer, (set, frozenset)) and answer:
        return "{" + ", ".join(sorted(repr(member) for member in answer)) + "}"
    return repr(answer)


def grade_questions(notebook, lesson, seed=0):
    """``{question id: report entry}`` for the questions of ``lesson`` (as exercises' entries,
    plus ``answer``: the repr of what was read, or None). An answer read without its graded
    cell's metadata is graded, and its message says where it was read from."""
    questions = questions_for_lesson(lesson) if lesson else []
    notes = {}
    answers = read_answers(notebook, questions, notes)
    judged = {}
    for q in questions:
        answer, problem = answers[q.id]
        cases = q.make_cases(seed)
        report = None if problem else {"outputs": [q.call(answer, case) for case in cases]}
        entry = judge_exercise(q, cases, report, problem)
        unanswered = problem is None and any(answer is u for u in UNANSWERED)
        entry["answer"] = None if problem or unanswered else answer_text(answer)
        entry["function"] = ("not answered" if problem or unanswered
                             else f"answered {entry['answer']}")
        if q.id in notes:  # read without the cell's metadata: the feedback says so
            entry["message"] = f"{notes[q.id]}\n{entry['message']}"
        judged[q.id] = entry
    return judged


__all__ = ["grade_questions", "answer_text"]
