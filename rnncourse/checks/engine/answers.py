"""Read a self-check question's answer statically: the literal in its ``check(id, answer)`` call.

A question's graded check cell is one line such as ``check("q04_total_vs_partial", "d")``.
:func:`read_answers` parses the submitted cell's source with :mod:`ast` (it never runs it) and
takes the second argument with :func:`ast.literal_eval` (a string, a number, a set/list/tuple of
strings; ``...`` means "not answered yet"). The grader judges what is read here
(:mod:`rnncourse.grading.judging.question_grades`); what the kernel did with the cell is
irrelevant: a student who re-binds ``check`` or edits the answer in another cell is graded on the
literal in the graded cell.

In a notebook released from an nbgrader source folder (``rnncourse release --nbgrader-source``)
the graded cell holds nbgrader's hidden test instead, and the student answers in the ungraded
cell above it; there, when the graded cell does not call ``check(id, ...)``, the answer is read
from the last code cell above the graded cell that does (:func:`answer_above`, which the hidden
test also uses when nbgrader autogrades, :func:`rnncourse.checks.autograder.autograde_question`).
"""

from __future__ import annotations

import ast


MAX_SOURCE_CHARS = 10_000
"""A graded question cell longer than this is not parsed (an answer is one short line)."""

NOT_A_LITERAL = ("the answer in the graded cell is not a plain value; write it as a literal, e.g. "
                 'check("{id}", "b"), check("{id}", {{"a", "c"}}) or check("{id}", 0.25)')
_NO_CALL = 'the graded cell does not call check("{id}", <answer>)'


def _source(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _graded_sources(notebook):
    """``{grade id: (source, sources of the code cells above it)}`` of the graded code cells
    (the last one wins if an id repeats)."""
    sources = {}
    above = []
    for cell in notebook.get("cells", []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        meta = cell.get("metadata", {}).get("nbgrader")
        if (isinstance(meta, dict) and meta.get("grade") is True
                and isinstance(meta.get("grade_id"), str)):
            sources[meta["grade_id"]] = (_source(cell), list(above))
        above.append(_source(cell))
    return sources


def answer_above(sources_above, question_id):
    """``(answer, problem)`` from the last of ``sources_above`` (cell sources, oldest first) that
    calls ``check(question_id, ...)``, or None when none does. Sources that mention the id
    without calling ``check`` with it (the ``ask`` widget's cell) or do not parse are skipped."""
    for source in reversed(sources_above):
        if question_id not in source:
            continue
        answer, problem = read_answer(source, question_id)
        if problem is None or problem == NOT_A_LITERAL.format(id=question_id):
            return answer, problem
    return None


def read_answer(source, question_id):
    """``(answer, problem)`` from one cell's source: the literal second argument of
    ``check(question_id, ...)``; ``problem`` is None when an answer (maybe ``...``) was read."""
    if len(source) > MAX_SOURCE_CHARS:
        return None, f"the graded cell is longer than {MAX_SOURCE_CHARS} characters"
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None, "the graded cell is not valid Python"
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "check" and len(node.args) >= 2
                and isinstance(node.args[0], ast.Constant) and node.args[0].value == question_id):
            try:
                return ast.literal_eval(node.args[1]), None
            except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
                return None, NOT_A_LITERAL.format(id=question_id)
    return None, _NO_CALL.format(id=question_id)


def read_answers(notebook, questions):
    """``{question id: (answer, problem)}`` for every question, from the graded check cells."""
    sources = _graded_sources(notebook)
    answers = {}
    for q in questions:
        if q.id not in sources:
            answers[q.id] = (None, f"no graded check cell for {q.id} was found (it must keep its "
                                   "nbgrader metadata)")
        else:
            graded, above = sources[q.id]
            answers[q.id] = read_answer(graded, q.id)
            if answers[q.id][1] == _NO_CALL.format(id=q.id):  # nbgrader layout: answer above
                answers[q.id] = answer_above(above, q.id) or answers[q.id]
    return answers


__all__ = ["read_answer", "read_answers", "MAX_SOURCE_CHARS", "NOT_A_LITERAL", "answer_above"]
