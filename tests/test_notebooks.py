"""The notebooks as a whole: every catalogue exercise is taught, solutions pass their checks, and
the generated lessons run up to each exercise and fail its check cleanly.

nbval (run by a bare ``pytest`` over solutions/) re-executes every solution and compares the
stored outputs, so "the stored check output says PASSED" here plus nbval there means the solution
really passes. The lesson tests execute the student version: everything before the first exercise,
then each placeholder answer and its check cell.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rnncourse.checks import EXERCISES, LESSONS, exercises_for_lesson

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
LESSON_FILES = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
CHECK_LINE = re.compile(r"""^check\(\s*["']([A-Za-z0-9_]+)["']\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$""")


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def _check_cells(nb):
    return [(i, c) for i, c in enumerate(nb["cells"]) if _nbgrader(c).get("grade")]


def _solution_cells(nb):
    return [(i, c) for i, c in enumerate(nb["cells"]) if _nbgrader(c).get("solution")]


def _text_of_outputs(cell):
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(_source({"source": out.get("text", "")}))
        elif out.get("output_type") in ("execute_result", "display_data"):
            parts.append(_source({"source": out.get("data", {}).get("text/plain", "")}))
        elif out.get("output_type") == "error":
            parts.append(f"{out.get('ename')}: {out.get('evalue')}")
    return "\n".join(parts)


def test_every_lesson_has_a_solution_notebook():
    stems = [p.stem for p in SOLUTIONS]
    assert stems == list(LESSONS), f"solutions/ holds {stems}, the catalogue expects {list(LESSONS)}"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_solution_teaches_every_catalogue_exercise_of_its_lesson(path):
    nb = _load(path)
    found = {}
    for i, cell in _check_cells(nb):
        m = CHECK_LINE.match(_source(cell).strip())
        assert m, f"{path.name} cell {i + 1}: a check cell must be one `check(\"id\", fn)` line"
        ex_id = m.group(1)
        assert _nbgrader(cell)["grade_id"] == ex_id
        assert _nbgrader(cell)["points"] == EXERCISES[ex_id].points, f"{ex_id}: points differ"
        found[ex_id] = i
    expected = [ex.id for ex in exercises_for_lesson(path.stem)]
    assert list(found) == expected, f"{path.name} checks {list(found)}, catalogue has {expected}"
    answers = {_nbgrader(c)["grade_id"]: i for i, c in _solution_cells(nb)}
    for ex_id, check_index in found.items():
        assert answers.get(f"{ex_id}-answer", 10**9) < check_index, f"{ex_id}: answer after check"


@pytest.mark.parametrize("path", LESSON_FILES, ids=lambda p: p.stem)
def test_lesson_metadata_points_agree_with_the_catalogue(path):
    """Points are defined once, in the catalogue; the release copies them into each lesson."""
    meta = _load(path)["metadata"]["rnncourse"]
    catalogue = exercises_for_lesson(path.stem)
    assert meta["lesson"] == path.stem
    assert meta["exercises"] == [ex.id for ex in catalogue]
    assert meta["points"] == {ex.id: ex.points for ex in catalogue}


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_solution_check_cells_are_stored_passing(path):
    """Together with nbval's comparison this proves the solution passes every check."""
    nb = _load(path)
    for i, cell in _check_cells(nb):
        assert cell.get("execution_count"), f"{path.name} cell {i + 1}: check cell never executed"
        text = _text_of_outputs(cell)
        assert "PASSED" in text and "FAILED" not in text, f"{path.name} cell {i + 1}: {text!r}"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_solution_code_cells_all_executed_with_outputs_kept(path):
    nb = _load(path)
    never = [i + 1 for i, c in enumerate(nb["cells"])
             if c["cell_type"] == "code" and _source(c).strip() and c.get("execution_count") is None]
    assert not never, f"{path.name}: cells {never} were never executed, so nbval compares nothing"


def _student_run(path):
    """Execute the lesson's cells up to the first exercise, then each answer + check cell."""
    import nbformat
    from nbclient import NotebookClient

    from rnncourse.authoring.execute import CurrentEnvKernelSpecManager, kernel_environment
    from jupyter_client.manager import AsyncKernelManager

    nb = nbformat.read(str(path), as_version=4)
    first = min(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("solution"))
    keep = [c for i, c in enumerate(nb.cells) if c.cell_type == "code" and (
        i < first or c.metadata.get("nbgrader", {}).get("solution") or c.metadata.get("nbgrader", {}).get("grade"))]
    run = nbformat.v4.new_notebook(cells=keep, metadata=nb.metadata)
    km = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=CurrentEnvKernelSpecManager())
    client = NotebookClient(run, km=km, timeout=120, allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    import subprocess

    client.execute(env=kernel_environment(), stderr=subprocess.DEVNULL)
    return run, first


@pytest.mark.slow
@pytest.mark.parametrize("path", LESSON_FILES, ids=lambda p: p.stem)
def test_lesson_runs_to_first_exercise_and_placeholders_fail_cleanly(path):
    nb = _load(path)
    for i, cell in _solution_cells(nb):
        ex_id = _nbgrader(cell)["grade_id"].removesuffix("-answer")
        assert "BEGIN SOLUTION" not in _source(cell)
        assert f'raise NotImplementedError("Exercise {ex_id}' in _source(cell), f"{path.name} cell {i + 1}"
    run, first = _student_run(path)
    for cell in run.cells:
        errors = [o for o in cell.outputs if o.output_type == "error"]
        nbg = cell.metadata.get("nbgrader", {})
        if nbg.get("grade"):
            text = _text_of_outputs(cell)
            assert not errors, f"{path.name}: check cell crashed instead of failing: {text}"
            assert "FAILED" in text and "not written yet" in text, f"{path.name}: {text!r}"
        else:
            assert not errors, (
                f"{path.name}: a cell before the first exercise (or an answer cell's definition) "
                f"raised: {errors[0].ename}: {errors[0].evalue}\n{cell.source[:300]}"
            )
