"""The nbgrader-style markup of solution notebooks, and its validation.

A solution notebook marks what the learner writes and what is graded with nbgrader's own
conventions, so an instructor who uses nbgrader can take ``solutions/`` as source:

* a **solution cell** is a code cell whose metadata is
  ``{"nbgrader": {"solution": true, "grade": false, "locked": false,
  "grade_id": "<exercise_id>-answer", "schema_version": 3}}``; the answer inside it sits between
  a ``### BEGIN SOLUTION`` line and a ``### END SOLUTION`` line (the ``def`` line and docstring stay
  outside, so learners see the signature);
* an **autograded check cell** is a code cell whose metadata is
  ``{"nbgrader": {"solution": false, "grade": true, "locked": true, "grade_id": "<exercise_id>",
  "points": <int>, "schema_version": 3}}`` and whose source is e.g.
  ``check("rnn_backward", rnn_backward)``;
* any other cell may carry ``{"nbgrader": {"locked": true, ...}}`` or no nbgrader metadata.

:func:`validate_markup` finds every markup mistake in a notebook and raises one
:class:`MarkupError` that lists them, each with the notebook, the cell and how to fix it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BEGIN_MARKER = "### BEGIN SOLUTION"
END_MARKER = "### END SOLUTION"
ANSWER_SUFFIX = "-answer"

# A well-formed marker line: optional indentation, one or more '#', the words, nothing else.
_MARKER_LINE = re.compile(r"^(?P<indent>[ \t]*)#+[ \t]*(?P<kind>BEGIN|END) SOLUTION[ \t]*$")
# Anything that mentions a marker at all (used to catch malformed or misplaced markers).
_MARKER_MENTION = re.compile(r"(BEGIN|END)\s+SOLUTION")


@dataclass(frozen=True)
class MarkupProblem:
    """One markup mistake: where it is, what is wrong, and how to fix it."""

    notebook: str
    cell_index: int  # 0-based position in ``nb.cells``
    cell_summary: str  # cell type and first line, so the author can find it
    problem: str
    fix: str

    def __str__(self):
        return (
            f"{self.notebook}, cell {self.cell_index + 1} (counting from 1; {self.cell_summary}): "
            f"{self.problem}. Fix: {self.fix}"
        )


class MarkupError(ValueError):
    """Raised when a solution notebook's markup is wrong; ``.problems`` lists every mistake found."""

    def __init__(self, problems):
        self.problems = list(problems)
        lines = [f"{len(self.problems)} markup problem(s) in solution notebooks:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


def cell_source(cell):
    """The cell's source as one string (notebooks on disk may store it as a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def nbgrader_metadata(cell):
    """The cell's ``nbgrader`` metadata dict, or an empty dict when it has none."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def is_solution_cell(cell):
    """True for a code cell marked ``nbgrader.solution = true`` (where the learner writes code)."""
    return cell.get("cell_type") == "code" and nbgrader_metadata(cell).get("solution") is True


def is_check_cell(cell):
    """True for a cell marked ``nbgrader.grade = true`` (an autograded check)."""
    return nbgrader_metadata(cell).get("grade") is True


def exercise_id(cell):
    """The exercise a solution or check cell belongs to: its grade id without ``-answer``."""
    grade_id = str(nbgrader_metadata(cell).get("grade_id", ""))
    if grade_id.endswith(ANSWER_SUFFIX):
        return grade_id[: -len(ANSWER_SUFFIX)]
    return grade_id


def marker_kind(line):
    """``"BEGIN"`` or ``"END"`` for a well-formed marker line, else ``None``."""
    match = _MARKER_LINE.match(line)
    return match.group("kind") if match else None


def marker_indent(line):
    """The whitespace in front of a marker line."""
    return _MARKER_LINE.match(line).group("indent")


def _summary(cell):
    first = next((ln.strip() for ln in cell_source(cell).splitlines() if ln.strip()), "")
    if len(first) > 50:
        first = first[:47] + "..."
    kind = cell.get("cell_type", "?")
    return f'{kind} cell starting "{first}"' if first else f"empty {kind} cell"


def _marker_problems(source):
    """(problem, fix) pairs for the marker structure of one solution cell's source."""
    problems = []
    open_line = None
    blocks = 0
    for number, line in enumerate(source.splitlines(), start=1):
        kind = marker_kind(line)
        if kind is None:
            if _MARKER_MENTION.search(line):
                problems.append((
                    f"line {number} mentions a solution marker but is not one: {line.strip()!r}",
                    f"write the marker alone on its line, exactly '{BEGIN_MARKER}' or '{END_MARKER}'",
                ))
            continue
        if kind == "BEGIN":
            if open_line is not None:
                problems.append((
                    f"'{BEGIN_MARKER}' on line {number} is nested inside the block opened on line {open_line}",
                    f"close the first block with '{END_MARKER}' before opening another",
                ))
            else:
                open_line = number
        else:
            if open_line is None:
                problems.append((
                    f"'{END_MARKER}' on line {number} has no matching '{BEGIN_MARKER}' above it",
                    f"add '{BEGIN_MARKER}' above the answer, or delete the stray marker",
                ))
            else:
                open_line = None
                blocks += 1
    if open_line is not None:
        problems.append((
            f"'{BEGIN_MARKER}' on line {open_line} is never closed",
            f"add '{END_MARKER}' after the last line of the answer",
        ))
    if blocks == 0 and not problems:
        problems.append((
            "this solution cell has no solution block, so the whole answer would be given to learners",
            f"put '{BEGIN_MARKER}' and '{END_MARKER}' lines around the answer (keep the def line "
            "and docstring outside), or remove nbgrader.solution from the cell metadata",
        ))
    return problems


def validate_markup(nb, notebook_name):
    """Check a solution notebook's markup; raise :class:`MarkupError` listing every mistake.

    Parameters
    ----------
    nb : dict-like notebook (nbformat 4), not modified
    notebook_name : str, used in messages (e.g. ``"04_bptt.ipynb"``)

    Raises
    ------
    MarkupError
        For unbalanced or nested markers, a marker outside a solution cell, a malformed marker,
        a solution cell without a solution block, a solution or check cell without a grade id,
        a grade id used twice in the notebook, or a check cell without valid points.
    """
    problems = []
    seen_ids = {}

    def add(index, cell, problem, fix):
        problems.append(MarkupProblem(notebook_name, index, _summary(cell), problem, fix))

    for index, cell in enumerate(nb.get("cells", [])):
        source = cell_source(cell)
        meta = nbgrader_metadata(cell)
        grade_id = meta.get("grade_id")

        if is_solution_cell(cell):
            for problem, fix in _marker_problems(source):
                add(index, cell, problem, fix)
        elif _MARKER_MENTION.search(source):
            add(
                index, cell,
                "solution markers are only allowed in a solution cell (a code cell with nbgrader "
                "metadata solution: true), but this cell is not one",
                'give the cell the metadata {"nbgrader": {"solution": true, "grade": false, '
                '"locked": false, "grade_id": "<exercise_id>-answer", "schema_version": 3}}, '
                "or remove the markers",
            )
        elif meta.get("solution") is True:
            add(index, cell, "only code cells can be solution cells",
                "make it a code cell, or remove nbgrader.solution from its metadata")

        if (meta.get("solution") is True or meta.get("grade") is True) and not grade_id:
            role = "solution" if meta.get("solution") is True else "check"
            example = "<exercise_id>-answer" if role == "solution" else "<exercise_id>"
            add(index, cell, f"this {role} cell has no nbgrader grade_id",
                f'add "grade_id": "{example}" to its nbgrader metadata')

        if grade_id:
            if grade_id in seen_ids:
                add(index, cell,
                    f"grade id {grade_id!r} is already used by cell {seen_ids[grade_id] + 1}",
                    "give every graded or solution cell its own grade_id within the notebook")
            else:
                seen_ids[grade_id] = index

        if is_check_cell(cell):
            points = meta.get("points")
            if cell.get("cell_type") != "code":
                add(index, cell, "an autograded check cell must be a code cell",
                    "make it a code cell that calls check(...), or remove nbgrader.grade")
            if points is None:
                add(index, cell, f"check cell {grade_id!r} has no points",
                    'add "points": <int> to its nbgrader metadata, e.g. "points": 2')
            elif isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0:
                add(index, cell, f"check cell {grade_id!r} has points {points!r}, not a number >= 0",
                    'set "points" in its nbgrader metadata to a whole number, e.g. "points": 2')

    if problems:
        raise MarkupError(problems)
