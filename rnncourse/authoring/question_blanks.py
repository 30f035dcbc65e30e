"""The release step for self-check questions: the solution's answer becomes ``...`` in the lesson.

In a solution notebook a question's graded check cell holds the answer,
``check("q04_total_vs_partial", "d")``; :func:`blank_question_answers` turns it into
``check("q04_total_vs_partial", ...)  # your answer in place of ...: the letter of one option,
in quotes``
so the lesson carries no key. ``check`` says "not answered yet" for ``...`` and never raises, so
Run All on an untouched lesson still reaches the end.
"""

from __future__ import annotations

import ast
import copy
import re

from rnncourse.authoring.markup import MarkupError, MarkupProblem, cell_source, exercise_id, is_check_cell

QUESTION_ID = re.compile(r"^q\d{2}_[a-z0-9_]+$")
HINTS = {"choice": "the letter of one option, in quotes",
         "choices": "a set of option letters, in quotes, in braces",
         "number": "a number"}


def blank_line(question_id, kind):
    """The lesson's check line of a question of ``kind``."""
    return f'check("{question_id}", ...)  # your answer in place of ...: {HINTS[kind]}'


def _kind(question_id):
    from rnncourse.checks import QUESTIONS

    question = QUESTIONS.get(question_id)
    return question.kind if question is not None else None


def blank_question_answers(nb, lesson_name):
    """Replace the answer of every question's graded check cell by ``...`` (see module docstring).

    Raises
    ------
    MarkupError
        for a question check cell that is not one ``check("<id>", <answer>)`` call, or whose id
        is not in the catalogue.
    """
    nb = copy.deepcopy(nb)
    problems = []
    for index, cell in enumerate(nb.cells):
        if not is_check_cell(cell) or not QUESTION_ID.match(exercise_id(cell)):
            continue
        qid = exercise_id(cell)
        summary = f'code cell "check("{qid}", ...)"'
        kind = _kind(qid)
        if kind is None:
            problems.append(MarkupProblem(f"{lesson_name}.ipynb", index, summary,
                                          f"{qid!r} is not a question of the catalogue",
                                          "add it to rnncourse/checks/catalogue/questions/ or fix "
                                          "the grade_id"))
            continue
        try:
            call = ast.parse(cell_source(cell).strip(), mode="eval").body
            ok = (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "check"
                  and len(call.args) == 2 and not call.keywords
                  and isinstance(call.args[0], ast.Constant) and call.args[0].value == qid)
        except SyntaxError:
            ok = False
        if not ok:
            problems.append(MarkupProblem(f"{lesson_name}.ipynb", index, summary,
                                          "a question's check cell must be one call "
                                          f'check("{qid}", <answer>)',
                                          f'write it as check("{qid}", "b") with the answer'))
            continue
        cell.source = blank_line(qid, kind)
    if problems:
        raise MarkupError(problems)
    return nb


__all__ = ["blank_question_answers", "blank_line", "QUESTION_ID", "HINTS"]
