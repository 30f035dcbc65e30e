"""Turning one solution notebook into its lesson: an explicit, ordered list of small steps.

Like nbgrader's ``generate_assignment``, a lesson is made by running the solution notebook through
single-purpose steps, in this order (see :data:`RELEASE_STEPS`):

1. :func:`check_markup`              stop on any markup mistake (notebook, cell and fix named)
2. :func:`replace_solutions`         every solution block becomes a ``raise NotImplementedError``
3. :func:`blank_question_answers`    a self-check question's answer becomes ``...``
   (:mod:`rnncourse.authoring.question_blanks`)
4. :func:`clear_outputs`             no outputs, no execution counts
5. :func:`strip_solution_metadata`   drop run-time metadata (timings, widget state), keep nbgrader's
6. :func:`default_kernelspec`        a notebook without a kernelspec gets ``python3``
7. :func:`write_lesson_metadata`     ``metadata.rnncourse``: lesson name, exercises, points

and then :func:`serialize_notebook` writes normalised JSON, so the same solution always gives
byte-identical lesson text. Every step takes ``(nb, lesson_name)`` and returns a new notebook; none
changes the notebook it is given.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import nbformat
from nbformat.v4.rwbase import rejoin_lines

from rnncourse.authoring.markup import (
    MarkupError,
    MarkupProblem,
    cell_source,
    exercise_id,
    is_check_cell,
    is_solution_cell,
    marker_indent,
    marker_kind,
    validate_markup,
)
from rnncourse.authoring.question_blanks import blank_question_answers
from rnncourse.checks.unfinished import placeholder as placeholder_line

# The template of the placeholder line (kept for callers that format it themselves).
PLACEHOLDER = placeholder_line("{exercise_id}")

DEFAULT_KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
# Cell metadata that only describes a past run of the solution (or a view of it), never the lesson.
RUN_ONLY_CELL_METADATA = ("execution", "ExecuteTime", "collapsed", "scrolled")
# Keys inside cell metadata "jupyter" that only make sense with outputs.
RUN_ONLY_JUPYTER_METADATA = ("outputs_hidden",)
# Notebook metadata that belongs to the outputs (ipywidgets saves widget state here).
RUN_ONLY_NOTEBOOK_METADATA = ("widgets",)

_CELL_ID = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")


def replace_solutions(nb, lesson_name):
    """Replace every ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` block by a placeholder.

    The placeholder is one ``raise NotImplementedError("Exercise <id>: ...")`` line at the
    indentation of the block's BEGIN marker; ``<id>`` is the cell's grade id without ``-answer``.
    Lines outside the blocks (the ``def`` line, the docstring) are kept as they are.
    """
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if not is_solution_cell(cell):
            continue
        source = cell_source(cell)
        placeholder = placeholder_line(exercise_id(cell))
        kept = []
        inside = False
        for line in source.splitlines():
            kind = marker_kind(line)
            if kind == "BEGIN":
                kept.append(marker_indent(line) + placeholder)
                inside = True
            elif kind == "END":
                inside = False
            elif not inside:
                kept.append(line)
        cell.source = "\n".join(kept) + ("\n" if source.endswith("\n") else "")
    return nb


def clear_outputs(nb, lesson_name):
    """Remove every code cell's outputs and execution count."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def strip_solution_metadata(nb, lesson_name):
    """Drop metadata left by running or viewing the solution; keep everything else.

    Removed: per-cell timings (``execution``, ``ExecuteTime``), view state (``collapsed``,
    ``scrolled``, ``jupyter.outputs_hidden``) and the notebook's saved widget state. Kept: the
    ``nbgrader`` metadata (so nbgrader users can take lessons or solutions as source), tags,
    the kernelspec and language info.
    """
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        meta = cell.metadata
        for key in RUN_ONLY_CELL_METADATA:
            meta.pop(key, None)
        jupyter = meta.get("jupyter")
        if isinstance(jupyter, dict):
            for key in RUN_ONLY_JUPYTER_METADATA:
                jupyter.pop(key, None)
            if not jupyter:
                del meta["jupyter"]
    for key in RUN_ONLY_NOTEBOOK_METADATA:
        nb.metadata.pop(key, None)
    return nb


def lesson_metadata(nb, lesson_name):
    """The ``rnncourse`` notebook metadata of a lesson: name, exercise ids in order, their points.

    Exercises come from the autograded check cells, in the order they appear.
    """
    exercises = []
    points = {}
    for cell in nb.cells:
        if is_check_cell(cell):
            ex = exercise_id(cell)
            exercises.append(ex)
            points[ex] = cell.metadata["nbgrader"]["points"]
    return {"lesson": lesson_name, "exercises": exercises, "points": points}


def default_kernelspec(nb, lesson_name):
    """Give a notebook without a kernelspec the ``python3`` one, so JupyterLab opens it without asking."""
    nb = copy.deepcopy(nb)
    if not nb.metadata.get("kernelspec"):
        nb.metadata["kernelspec"] = dict(DEFAULT_KERNELSPEC)
    return nb


def write_lesson_metadata(nb, lesson_name):
    """Set ``metadata.rnncourse`` to :func:`lesson_metadata` (the grader reads it)."""
    nb = copy.deepcopy(nb)
    nb.metadata["rnncourse"] = lesson_metadata(nb, lesson_name)
    return nb


def check_markup(nb, lesson_name):
    """Stop with a :class:`MarkupError` (notebook, cell, fix) if the markup is wrong; else pass ``nb`` on."""
    validate_markup(nb, f"{lesson_name}.ipynb")
    return nb


# The release pipeline, in order. Each step: (nb, lesson_name) -> new nb.
RELEASE_STEPS = (
    check_markup,
    replace_solutions,
    blank_question_answers,
    clear_outputs,
    strip_solution_metadata,
    default_kernelspec,
    write_lesson_metadata,
)


def generate_lesson(solution_nb, lesson_name):
    """Run a solution notebook through :data:`RELEASE_STEPS` and return the lesson notebook.

    Parameters
    ----------
    solution_nb : nbformat.NotebookNode, not modified
    lesson_name : str, the file stem shared by solution and lesson (e.g. ``"04_bptt"``)

    Raises
    ------
    MarkupError
        When the solution notebook's markup is wrong (see :func:`validate_markup`).
    """
    nb = solution_nb
    for step in RELEASE_STEPS:
        nb = step(nb, lesson_name)
    return nb


def read_notebook(path):
    """Read an nbformat-4 notebook without letting nbformat invent random cell ids.

    Cells that lack an id (allowed before nbformat 4.5) get a deterministic one (``cell-<index>``)
    so that generating the same lesson twice gives the same bytes.

    Raises
    ------
    MarkupError
        When the file is not JSON or not an nbformat-4 notebook (the message says what to do).
    """
    path = Path(path)

    def fail(problem, fix):
        raise MarkupError([MarkupProblem(path.name, -1, "whole file", problem, fix)])

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        fail(f"not a JSON notebook ({exc})", "re-save the notebook from JupyterLab, or restore it from git")
    if not isinstance(data, dict) or data.get("nbformat") != 4 or not isinstance(data.get("cells"), list):
        version = data.get("nbformat") if isinstance(data, dict) else None
        fail(f"not an nbformat 4 notebook (nbformat = {version!r})",
             "open and save it in JupyterLab 4, which writes nbformat 4")
    if data.get("nbformat_minor", 0) >= 5:
        used = {cell.get("id") for cell in data["cells"]}
        for index, cell in enumerate(data["cells"]):
            if not isinstance(cell.get("id"), str) or not _CELL_ID.match(cell["id"]):
                new_id = f"cell-{index}"
                while new_id in used:
                    new_id += "x"
                used.add(new_id)
                cell["id"] = new_id
    # as nbformat.reads does: multi-line strings stored as lists of lines become single strings
    return rejoin_lines(nbformat.from_dict(data))


def serialize_notebook(nb):
    """Normalised notebook text: nbformat's JSON (sorted keys, 1-space indent) and a final newline."""
    text = nbformat.writes(nbformat.from_dict(nb), version=4)
    return text if text.endswith("\n") else text + "\n"


def render_lesson(solution_path):
    """The exact text ``rnncourse release`` writes for the lesson of ``solution_path``."""
    solution_path = Path(solution_path)
    return serialize_notebook(generate_lesson(read_notebook(solution_path), solution_path.stem))
