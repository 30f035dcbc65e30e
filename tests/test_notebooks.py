"""The notebooks as a whole: every catalogue exercise is taught, solutions pass their checks, and
the generated lessons run top to bottom untouched (Run All), each check failing cleanly.

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

from rnncourse.checks import EXERCISES, LESSONS, QUESTIONS, exercises_for_lesson, questions_for_lesson

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
LESSON_FILES = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
CHECK_LINE = re.compile(r"""^check\(\s*["']([A-Za-z0-9_]+)["']\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$""")
# a self-check question's graded cell: check("q04_name", <a literal answer>) in a solution
QUESTION_LINE = re.compile(r"""^check\(\s*"(q\d\d_[a-z0-9_]+)"\s*,\s*(.+)\)$""")


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
    found, questions = {}, {}
    for i, cell in _check_cells(nb):
        source = _source(cell).strip()
        question = QUESTION_LINE.match(source)
        if question:
            q_id = question.group(1)
            assert _nbgrader(cell)["grade_id"] == q_id
            assert _nbgrader(cell)["points"] == QUESTIONS[q_id].points, f"{q_id}: points differ"
            questions[q_id] = i
            continue
        m = CHECK_LINE.match(source)
        assert m, f"{path.name} cell {i + 1}: a check cell must be one `check(\"id\", fn)` line"
        ex_id = m.group(1)
        assert _nbgrader(cell)["grade_id"] == ex_id
        assert _nbgrader(cell)["points"] == EXERCISES[ex_id].points, f"{ex_id}: points differ"
        found[ex_id] = i
    expected = [ex.id for ex in exercises_for_lesson(path.stem)]
    assert list(found) == expected, f"{path.name} checks {list(found)}, catalogue has {expected}"
    asked = [q.id for q in questions_for_lesson(path.stem)]
    assert list(questions) == asked, f"{path.name} asks {list(questions)}, catalogue has {asked}"
    answers = {_nbgrader(c)["grade_id"]: i for i, c in _solution_cells(nb)}
    for ex_id, check_index in found.items():
        assert answers.get(f"{ex_id}-answer", 10**9) < check_index, f"{ex_id}: answer after check"


EXERCISE_HEADING = re.compile(r"^#+\s.*?\bExercise(?:\s+(\d+))?\s*:\s*`(\w+)(?:\([^`]*\))?`"
                              r"(?:.*?\((\d+(?:\.\d+)?) points?\))?", re.M)


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_exercise_headings_agree_with_the_catalogue(path):
    """An "### Exercise N: `id` (P points)" heading gives the number and the points of the
    catalogue; release copies it into the lesson, so both stay right."""
    order = [ex.id for ex in exercises_for_lesson(path.stem)]
    for i, cell in enumerate(_load(path)["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        for m in EXERCISE_HEADING.finditer(_source(cell)):
            number, ex_id, points = m.group(1), m.group(2), m.group(3)
            place = f"solutions/{path.name} cell {i + 1} ({m.group(0).strip()!r})"
            assert ex_id in order, (f"{place} names {ex_id}, which is not an exercise of "
                                    f"{path.stem} in the catalogue ({', '.join(order)})")
            if number is not None:
                want = order.index(ex_id) + 1
                assert int(number) == want, (
                    f"{place} numbers {ex_id} {number}, but it is exercise {want} of {path.stem} "
                    f"in the catalogue; renumber the heading to 'Exercise {want}', then "
                    "`rnncourse release`")
            if points is not None:
                want = EXERCISES[ex_id].points
                assert float(points) == want, (
                    f"{place} gives {ex_id} {points} points, the catalogue {want}; write "
                    f"'({want:g} point{'s' if want != 1 else ''})', then `rnncourse release`")


NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
COUNTED = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r"|\d+) (exercises|self-check questions)\b",
                     re.I)


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_counts_of_exercises_in_the_prose_agree_with_the_catalogue(path):
    """"(five exercises)" in a lesson's text is the number of its exercises in the catalogue."""
    counts = {"exercises": len(exercises_for_lesson(path.stem)),
              "self-check questions": len(questions_for_lesson(path.stem))}
    for i, cell in enumerate(_load(path)["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        for m in COUNTED.finditer(_source(cell)):
            said = m.group(1).lower()
            number = int(said) if said.isdigit() else NUMBER_WORDS.index(said)
            want = counts[m.group(2).lower()]
            assert number == want, (
                f"solutions/{path.name} cell {i + 1} says {m.group(0)!r}, but the catalogue gives "
                f"{path.stem} {want} {m.group(2)}; write {want}, then `rnncourse release`")


@pytest.mark.parametrize("path", LESSON_FILES, ids=lambda p: p.stem)
def test_lesson_metadata_points_agree_with_the_catalogue(path):
    """Points are defined once, in the catalogue; the release copies them into each lesson."""
    meta = _load(path)["metadata"]["rnncourse"]
    catalogue = exercises_for_lesson(path.stem)
    questions = questions_for_lesson(path.stem)
    assert meta["lesson"] == path.stem
    assert [i for i in meta["exercises"] if i not in QUESTIONS] == [ex.id for ex in catalogue]
    assert [i for i in meta["exercises"] if i in QUESTIONS] == [q.id for q in questions]
    assert meta["points"] == {ex.id: ex.points for ex in catalogue + questions}


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


def _run_all(path, ipython_dir):
    """Execute every cell of the lesson top to bottom, as Run All does; errors are recorded.

    The kernel renders no figure images (its IPython profile in ``ipython_dir`` sets
    ``InlineBackend.figure_formats`` to nothing): nothing here looks at them, and nbval renders
    every figure of the solutions, whose plotting code the lessons share."""
    import subprocess

    import nbformat
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    from rnncourse.authoring.execute import CurrentEnvKernelSpecManager, kernel_environment

    nb = nbformat.read(str(path), as_version=4)
    km = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=CurrentEnvKernelSpecManager())
    client = NotebookClient(nb, km=km, timeout=120, allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    # No stand-in for the Output widget: nbclient's answers to a widget's output (sent on the shell
    # channel while it waits there for the cell's reply) sometimes leave that wait asleep until
    # the cell's timeout (nbclient issue 312; here lesson 04's bptt_explorer, 120 s instead of 2 s,
    # on a loaded machine). The widget's output then lands in the cell's own outputs.
    client.widget_registry = {}
    profile = Path(ipython_dir) / "profile_default"
    profile.mkdir(parents=True, exist_ok=True)
    (profile / "ipython_kernel_config.py").write_text(
        "c = get_config()\nc.InlineBackend.figure_formats = set()\n")
    env = dict(kernel_environment(), IPYTHONDIR=str(ipython_dir))
    client.execute(env=env, stderr=subprocess.DEVNULL, cleanup_kc=True)  # stop the kernel we made
    return nb


FINISH_FIRST = re.compile(r"finish `([A-Za-z0-9_]+)` first \(exercise (\d+) of this lesson\); "
                          r"this cell is skipped until then\.")


@pytest.mark.slow
@pytest.mark.parametrize("path", LESSON_FILES, ids=lambda p: p.stem)
def test_untouched_lesson_runs_to_the_last_cell(path, tmp_path):
    """Run All on a lesson with every exercise still a placeholder: no cell raises, each check
    fails cleanly with "not written yet" (a question's check: "not answered yet"), and each cell
    that needs a learner's function says which exercise to finish first (and that exercise is one
    of this lesson's, with its right number)."""
    nb = _load(path)
    for i, cell in _solution_cells(nb):
        ex_id = _nbgrader(cell)["grade_id"].removesuffix("-answer")
        assert "BEGIN SOLUTION" not in _source(cell)
        assert f'raise NotImplementedError("Exercise {ex_id}' in _source(cell), f"{path.name} cell {i + 1}"
    order = [ex.id for ex in exercises_for_lesson(path.stem)]
    run = _run_all(path, tmp_path / "ipython")
    code_cells = [c for c in run.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in code_cells if c.source.strip()), "Run All stopped early"
    guarded = 0
    questions_seen = []
    for index, cell in enumerate(run.cells):
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        assert not errors, (f"{path.name} cell {index + 1} raised {errors[0].ename}: {errors[0].evalue}"
                            f"\n{cell.source[:300]}")
        text = _text_of_outputs(cell)
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("grade") and grade_id in QUESTIONS:
            assert "FAILED" in text and "not answered yet" in text, f"{path.name}: {text!r}"
            questions_seen.append(grade_id)
        elif cell.metadata.get("nbgrader", {}).get("grade"):
            assert "FAILED" in text and "not written yet" in text, f"{path.name}: {text!r}"
        if cell.cell_type == "code" and "skip_if_unfinished()" in cell.source:
            guarded += 1
            match = FINISH_FIRST.search(text)
            assert match, f"{path.name} cell {index + 1}: no 'finish ... first' line in {text!r}"
            assert int(match.group(2)) == order.index(match.group(1)) + 1
    expected_guarded = {"00_welcome": 1, "01_feedforward_backprop": 2, "06_gated_cells": 1}.get(path.stem, 0)
    assert guarded == expected_guarded, f"{path.name}: {guarded} guarded cells"
    assert questions_seen == [q.id for q in questions_for_lesson(path.stem)], questions_seen
