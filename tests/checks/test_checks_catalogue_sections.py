"""Every exercise, and every named mistake with a section of its own, names a real lesson section.

The class report shows this section next to each named mistake, so it must be a heading the
solution notebook really has: ``lesson N, section K (Title)`` for ``## K. Title`` in lesson N
(lesson 0's exercise names its one heading).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rnncourse.checks import EXERCISES

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"
PATTERN = re.compile(r"^lesson (\d+)(?:, section (\d+))? \((.+)\)$")


def _headings(lesson):
    nb = json.loads((SOLUTIONS / f"{lesson}.ipynb").read_text(encoding="utf-8"))
    return [line[3:].strip().replace("`", "") for cell in nb["cells"]
            if cell["cell_type"] == "markdown"
            for line in "".join(cell["source"]).splitlines() if line.startswith("## ")]


def _named(section):
    match = PATTERN.match(section)
    assert match, f"{section!r} is not written as 'lesson N, section K (Title)'"
    number, k, title = match.groups()
    lesson = next(lesson for lesson in {e.lesson for e in EXERCISES.values()}
                  if int(lesson[:2]) == int(number))
    return lesson, (f"{k}. {title}" if k else title)


@pytest.mark.parametrize("ex_id", list(EXERCISES))
def test_the_section_of_an_exercise_and_of_its_mistakes_is_a_heading_of_the_lesson(ex_id):
    ex = EXERCISES[ex_id]
    sections = [ex.section] + [m.section for m in ex.mistakes if m.section]
    for section in sections:
        lesson, heading = _named(section)
        assert heading in _headings(lesson), f"{ex_id}: {section!r}"
    assert ex.section_for(None) == ex.section


def test_a_mistake_with_its_own_section_is_reported_with_it():
    ex = EXERCISES["rnn_backward"]
    assert ex.section_for("overwrite_shared").startswith("lesson 3, section 6 (Shared weights")
    assert ex.section_for("forward_loop") == ex.section  # none of its own: the exercise's
