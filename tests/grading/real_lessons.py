"""Submissions made from the course's REAL lesson notebooks, trimmed so a batch stays fast.

:func:`real_submission` takes ``lessons/<stem>.ipynb`` as released (its metadata, markdown,
import cell, answer cells with their nbgrader metadata and graded check cells), drops the
demonstration code cells (plots, explorers, training runs) that only cost time, and fills each
answer cell with the solution's own answer (``solutions/<stem>.ipynb``) unless the test gives
another source. :func:`grade` runs ``rnncourse grade`` on such files in a subprocess with the
private course copy of ``conftest.py``.
"""

from __future__ import annotations

import ast
import csv
import json
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def _cells(stem, folder):
    return json.loads((ROOT / folder / f"{stem}.ipynb").read_text())


def grade_id(cell):
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta.get("grade_id") if isinstance(meta, dict) else None


def solution_answers(stem):
    """``{exercise id: the solution's answer cell source}`` of a lesson."""
    found = {}
    for cell in _cells(stem, "solutions")["cells"]:
        gid = grade_id(cell) or ""
        if gid.endswith("-answer"):
            lines = "".join(cell["source"]).splitlines(keepends=True)
            found[gid[: -len("-answer")]] = "".join(
                line for line in lines if line.strip() not in ("### BEGIN SOLUTION",
                                                               "### END SOLUTION"))
    return found


def solution_question_answers(stem):
    """``{question id: the literal answer of its graded cell}`` in a solution, in order, e.g.
    ``{"q01_backprop_order": '"a"', ...}`` (the source text of ``check``'s second argument)."""
    found = {}
    for cell in _cells(stem, "solutions")["cells"]:
        gid = grade_id(cell) or ""
        source = "".join(cell["source"])
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade") and gid.startswith("q"):
            call = ast.parse(source.strip()).body[0].value
            found[gid] = ast.get_source_segment(source.strip(), call.args[1])
    return found


def real_submission(stem, answers=None, extra=None, lesson=None):
    """The trimmed real lesson ``stem`` as a notebook dict.

    answers : dict exercise id -> answer cell source (default: the solution's answer)
    extra : dict exercise id -> a code cell source inserted just before that exercise's
        answer cell (e.g. a cell that crashes the kernel)
    lesson : str or None, a lesson stem to write into the metadata instead of the real one
    """
    nb = _cells(stem, "lessons")
    chosen = dict(solution_answers(stem), **(answers or {}))
    cells, first_code = [], True
    for cell in nb["cells"]:
        gid = grade_id(cell)
        if cell["cell_type"] == "markdown":
            cells.append(cell)
            continue
        if first_code:  # the imports
            cells.append(cell)
            first_code = False
            continue
        if gid is None:
            continue  # a demonstration cell
        if gid.endswith("-answer"):
            ex_id = gid[: -len("-answer")]
            if extra and ex_id in extra:
                cells.append({"cell_type": "code", "metadata": {}, "source": extra[ex_id],
                              "outputs": [], "execution_count": None})
            cell = dict(cell, source=chosen[ex_id])
        cells.append(cell)
    nb = dict(nb, cells=cells)
    if lesson is not None:
        nb["metadata"] = dict(nb["metadata"], rnncourse=dict(nb["metadata"]["rnncourse"],
                                                             lesson=lesson))
    return nb


def write_notebook(nb, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb))
    return path


def grade(python, cwd, *args, timeout=300):
    """Run ``rnncourse grade ARGS`` in ``cwd``; returns ``(process, {submission: row})``."""
    # without PYTHONPATH: the private course's interpreter imports its own copy, the one the
    # sandboxed kernels import too (a worktree's PYTHONPATH would split them)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    proc = subprocess.run([python, "-m", "rnncourse", "grade", *args], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=cwd)
    out = Path(cwd) / "gradebook.csv"
    rows = {}
    if out.exists():
        with open(out, newline="") as fh:
            rows = {row["submission"]: row for row in csv.DictReader(fh)}
    return proc, rows


def report(cwd, name):
    """The JSON report of the submission ``name`` graded in ``cwd``."""
    folder = Path(cwd) / "gradebook-reports"
    for path in folder.glob("*.json"):
        data = json.loads(path.read_text())
        if data["name"] == name:
            return data
    raise KeyError(f"no report for {name!r} in {folder}")
