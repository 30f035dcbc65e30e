"""rnncourse.checks.unfinished: the lesson placeholder and ``skip_if_unfinished``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rnncourse.authoring.pipeline import PLACEHOLDER
from rnncourse.checks import EXERCISES, LESSONS, skip_if_unfinished
from rnncourse.checks.unfinished import placeholder, unfinished_exercise

ROOT = Path(__file__).resolve().parents[2]


def _raise_placeholder(exercise_id):
    exec(placeholder(exercise_id))


def test_the_placeholder_line_is_the_one_lessons_carry():
    assert placeholder("rnn_backward") == (
        'raise NotImplementedError("Exercise rnn_backward: write your code here, then run the check '
        'cell below. See the exercise description above.")'
    )
    assert PLACEHOLDER.format(exercise_id="rnn_backward") == placeholder("rnn_backward")


def test_a_placeholder_is_recognised_and_other_errors_are_not():
    with pytest.raises(NotImplementedError) as info:
        _raise_placeholder("affine_forward")
    assert unfinished_exercise(info.value) == "affine_forward"
    assert unfinished_exercise(NotImplementedError("todo")) is None
    assert unfinished_exercise(NotImplementedError()) is None
    assert unfinished_exercise(ValueError("Exercise affine_forward: write your code here")) is None


def _numbered():
    """(id, its number in its lesson) for every exercise, counted from each solution notebook's
    own check cells, so the catalogue's order is compared with the lessons' order."""
    numbered = []
    for stem in LESSONS:
        nb = json.loads((ROOT / "solutions" / f"{stem}.ipynb").read_text(encoding="utf-8"))
        ids = [c["metadata"]["nbgrader"]["grade_id"] for c in nb["cells"]
               if c.get("metadata", {}).get("nbgrader", {}).get("grade")
               and c["metadata"]["nbgrader"]["grade_id"] in EXERCISES]
        numbered += [(ex_id, position) for position, ex_id in enumerate(ids, start=1)]
    return numbered


@pytest.mark.parametrize("exercise_id, position", _numbered())
def test_skip_names_the_exercise_and_its_number_and_skips_the_rest(exercise_id, position, capsys):
    ran_on = []
    with skip_if_unfinished() as guard:
        _raise_placeholder(exercise_id)
        ran_on.append("after")  # never reached
    assert ran_on == [] and guard.skipped == exercise_id
    assert capsys.readouterr().out == (
        f"finish `{exercise_id}` first (exercise {position} of this lesson); "
        "this cell is skipped until then.\n"
    )


def test_an_unknown_id_is_still_skipped_without_a_number(capsys):
    with skip_if_unfinished():
        _raise_placeholder("my_own_helper")
    assert capsys.readouterr().out == "finish `my_own_helper` first; this cell is skipped until then.\n"


@pytest.mark.parametrize("error", [NotImplementedError("not yet"), ValueError("bad shape"),
                                   ZeroDivisionError("division by zero")])
def test_every_other_error_passes_through(error):
    with pytest.raises(type(error), match=str(error)):
        with skip_if_unfinished():
            raise error


def test_a_finished_block_runs_and_prints_nothing(capsys):
    with skip_if_unfinished() as guard:
        value = 1 + 1
    assert value == 2 and guard.skipped is None and capsys.readouterr().out == ""
