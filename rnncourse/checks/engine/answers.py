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
That cell gives ``check`` a function named after the question, ``def q04_x(): return "b"``: the
literal it returns is the answer, and while its body is nbgrader's stub
``raise NotImplementedError()`` the question is not answered yet.

A notebook whose cells lost their metadata (a cell deleted and re-typed, an editor that drops
unknown metadata) has no graded cell to find: the answer is then read from the last code cell
that calls ``check("<question id>", <literal>)``, and the feedback says so.
"""

from __future__ import annotations

import ast

from rnncourse.checks.engine.question import NOT_RETURNED

MAX_SOURCE_CHARS = 10_000
"""A graded question cell longer than this is not parsed (an answer is one short line)."""

NOT_A_LITERAL = ("the answer in the graded cell is not a plain value; write it as a literal, e.g. "
                 'check("{id}", "b"), check("{id}", {{"a", "c"}}) or check("{id}", 0.25)')
_NO_CALL = 'the graded cell does not call check("{id}", <answer>)'


def _source(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _code_sources(notebook):
    """The sources of the notebook's code cells, in order."""
    return [_source(cell) for cell in notebook.get("cells", [])
            if isinstance(cell, dict) and cell.get("cell_type") == "code"]


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


def _returned_literal(tree, name):
    """``(answer, problem)`` for ``check(id, name)`` where ``name`` is a function defined in the
    same cell (the nbgrader source's form, ``def q04_x(): return "b"``): the literal it returns,
    :data:`~rnncourse.checks.engine.question.NOT_RETURNED` while its body is still the stub
    ``raise NotImplementedError()``, or None when the cell defines no such function."""
    defs = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == name]
    if not defs:
        return None
    body = list(defs[-1].body)
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None),
                                                              ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]  # the docstring
    if len(body) == 1 and isinstance(body[0], ast.Raise):
        exc = body[0].exc
        called = exc.func if isinstance(exc, ast.Call) else exc
        if isinstance(called, ast.Name) and called.id == "NotImplementedError":
            return NOT_RETURNED, None
    if len(body) == 1 and isinstance(body[0], ast.Return) and body[0].value is not None:
        try:
            return ast.literal_eval(body[0].value), None
        except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
            pass
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
            if isinstance(node.args[1], ast.Name):  # the nbgrader form: a function returns it
                found = _returned_literal(tree, node.args[1].id)
                if found is not None:
                    return found
            try:
                return ast.literal_eval(node.args[1]), None
            except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
                return None, NOT_A_LITERAL.format(id=question_id)
    return None, _NO_CALL.format(id=question_id)


def without_metadata_note(question_id):
    """What the feedback says when a question's answer was read without its cell's metadata."""
    return (f"The graded cell of {question_id} was not found by its metadata (the cell lost its "
            f"nbgrader metadata), so the answer was read from the last code cell that calls "
            f'check("{question_id}", ...).')


def read_answers(notebook, questions, notes=None):
    """``{question id: (answer, problem)}`` for every question, from the graded check cells.

    A question whose graded cell cannot be found by its metadata (a cell deleted and re-typed,
    an editor that drops unknown metadata) is read from the last code cell of the notebook that
    calls ``check("<question id>", <literal>)``; ``notes`` (a dict, if given) then gets
    :func:`without_metadata_note` for it, for the feedback.
    """
    sources = _graded_sources(notebook)
    answers = {}
    for q in questions:
        if q.id not in sources:
            found = answer_above(_code_sources(notebook), q.id)
            if found is not None:
                answers[q.id] = found
                if notes is not None:
                    notes[q.id] = without_metadata_note(q.id)
                continue
            answers[q.id] = (None, f"no graded check cell for {q.id} was found (it must keep its "
                                   "nbgrader metadata, or call check(\"" + q.id + "\", <answer>))")
        else:
            graded, above = sources[q.id]
            answers[q.id] = read_answer(graded, q.id)
            if answers[q.id][1] == _NO_CALL.format(id=q.id):  # nbgrader layout: answer above
                answers[q.id] = answer_above(above, q.id) or answers[q.id]
    return answers


__all__ = ["read_answer", "read_answers", "MAX_SOURCE_CHARS", "NOT_A_LITERAL", "answer_above",
           "without_metadata_note"]
