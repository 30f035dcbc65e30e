"""Name a notebook cell the way a student finds it: by its exercise and its first line.

A cell's index in the file counts markdown cells, which JupyterLab never numbers, so "cell 44"
helps nobody. Feedback and reports name a cell instead by

- its exercise, from its nbgrader ``grade_id`` (``rnn_backward-answer`` is the answer cell of
  ``rnn_backward``, ``rnn_backward`` its graded check cell), numbered as the lesson numbers its
  exercises: ``the cell of exercise 2 (rnn_backward) starting "def rnn_backward(dh, cache):"``,
  ``the check cell of exercise 2 (rnn_backward) starting "check(..."``, ``the cell of question
  q04_total_vs_partial starting ...``;
- otherwise, the nearest markdown heading above it: ``the cell under "3. The backward pass of
  one step" starting "x1, x2 = 1.0, 0.5"``, or ``the cell starting ...`` above every heading.

The JSON report keeps the index (``"cell"``, counting every cell from 1) as data.
"""

from __future__ import annotations

from rnncourse.checks import EXERCISES, QUESTIONS, exercises_for_lesson

MAX_LINE = 60
ANSWER_SUFFIX = "-answer"


def first_line(source):
    """The first non-blank line of ``source``, stripped; over :data:`MAX_LINE` characters it is
    cut at a word boundary and ends with ``...``."""
    for line in str(source).splitlines():
        if line.strip():
            line = line.strip()
            if len(line) <= MAX_LINE:
                return line
            cut = line[: MAX_LINE - 3]
            if " " in cut[MAX_LINE // 2:]:
                cut = cut[: cut.rindex(" ")]
            return cut.rstrip() + "..."
    return ""


def _heading(source):
    for line in reversed(str(source).splitlines()):  # the last heading of the cell is nearest
        stripped = line.strip()
        if stripped.startswith("#"):
            return stripped.lstrip("#").strip()
    return None


def _exercise_words(grade_id, lesson):
    """``"the cell of exercise 2 (rnn_backward)"`` and the like for an nbgrader ``grade_id``, or None."""
    if not isinstance(grade_id, str):
        return None
    answer = grade_id.endswith(ANSWER_SUFFIX)
    ex_id = grade_id[: -len(ANSWER_SUFFIX)] if answer else grade_id
    if ex_id in QUESTIONS:
        return f"the cell of question {ex_id}"
    if ex_id not in EXERCISES:
        return None
    order = [ex.id for ex in exercises_for_lesson(lesson)] if lesson else []
    number = f"exercise {order.index(ex_id) + 1} " if ex_id in order else "exercise "
    return f"the {'' if answer else 'check '}cell of {number}({ex_id})"


def cell_name(notebook, index, lesson=None):
    """How feedback names the cell at ``index`` (0-based, counting every cell) of ``notebook``.

    Parameters
    ----------
    notebook : dict, a parsed nbformat-4 notebook (sources joined into strings)
    index : int, position in ``notebook["cells"]``
    lesson : str or None, the lesson stem the notebook is graded as (numbers the exercises)
    """
    cells = notebook.get("cells", [])
    cell = cells[index]
    meta = cell.get("metadata", {}).get("nbgrader")
    starting = f' starting "{first_line(cell.get("source", ""))}"'
    words = _exercise_words(meta.get("grade_id") if isinstance(meta, dict) else None, lesson)
    if words:
        return words + starting
    for earlier in reversed(cells[:index]):
        if earlier.get("cell_type") == "markdown":
            heading = _heading(earlier.get("source", ""))
            if heading:
                return f'the cell under "{first_line(heading)}"' + starting
    return "the cell" + starting


__all__ = ["cell_name", "first_line"]
