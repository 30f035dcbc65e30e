"""``python -m rnncourse.checks``: the catalogue printed as a table."""

import subprocess
import sys

from rnncourse.checks import EXERCISES, LESSONS, QUESTIONS, points_for_lesson
from rnncourse.checks.__main__ import catalogue_table


def _rows():
    lines = catalogue_table().splitlines()
    return [line.split() for line in lines[2:] if line and not line.startswith("points per lesson")]


def test_every_exercise_and_question_has_one_row_with_its_lesson_and_points():
    rows = _rows()
    assert [r[0] for r in rows] == [ex_id for stem in LESSONS for ex_id in
                                    [*(e for e in EXERCISES if EXERCISES[e].lesson == stem),
                                     *(q for q in QUESTIONS if QUESTIONS[q].lesson == stem)]]
    for ex_id, lesson, points, reference, *_ in rows:
        ex = EXERCISES.get(ex_id) or QUESTIONS[ex_id]
        assert (lesson, float(points)) == (ex.lesson, ex.points), ex_id
        if ex_id in EXERCISES:
            module, function = EXERCISES[ex_id].reference.split(":")
            assert reference == f"{module}.{function}"


def test_the_lesson_totals_close_the_table():
    last = catalogue_table().splitlines()[-1]
    assert last.startswith("points per lesson: ")
    for stem in LESSONS:
        assert f"{stem} {points_for_lesson(stem):g}" in last


def test_python_m_prints_it():
    out = subprocess.run([sys.executable, "-m", "rnncourse.checks"], capture_output=True, text=True,
                         check=True).stdout
    assert out == catalogue_table()
