"""Counts that the course's prose states (lessons, questions) are the catalogue's, so a sentence
cannot go stale when a lesson or a question is added."""

import json
import re
from collections import Counter
from pathlib import Path

from rnncourse.checks import LESSONS
from rnncourse.checks.catalogue.questions import QUESTION_MODULES

ROOT = Path(__file__).resolve().parents[1]


def question_counts():
    return Counter({m.LESSON: len(m.EXERCISES) for m in QUESTION_MODULES if m.EXERCISES})


def lesson_numbers_with_questions():
    return sorted(int(lesson[:2]) for lesson in question_counts())


def test_readme_counts_the_questions():
    text = " ".join((ROOT / "README.md").read_text().split())
    found = re.search(r"Lessons (\d\d)–(\d\d) also end their main sections with \*\*self-check "
                      r"questions\*\* on the concepts \((\d+) per lesson, (\d+) in all", text)
    assert found, "README.md no longer states the question counts in the expected sentence"
    first, last, per_lesson, total = map(int, found.groups())
    numbers = lesson_numbers_with_questions()
    assert (first, last) == (numbers[0], numbers[-1])
    assert set(question_counts().values()) == {per_lesson}
    assert sum(question_counts().values()) == total


def test_grading_guide_counts_the_questions():
    text = " ".join((ROOT / "docs" / "grading.md").read_text().split())
    found = re.search(r"Lessons (\d\d)–(\d\d) end their main sections with self-check questions "
                      r"\(`q(\d\d)_\.\.\.` to `q(\d\d)_\.\.\.`, (\d+) per lesson", text)
    assert found, "docs/grading.md no longer states the question counts in the expected sentence"
    first, last, q_first, q_last, per_lesson = map(int, found.groups())
    numbers = lesson_numbers_with_questions()
    assert (first, last) == (q_first, q_last) == (numbers[0], numbers[-1])
    assert set(question_counts().values()) == {per_lesson}


def test_the_welcome_lesson_lists_every_lesson():
    cells = json.loads((ROOT / "solutions" / "00_welcome.ipynb").read_text())["cells"]
    layout = next("".join(c["source"]) for c in cells
                  if "".join(c["source"]).startswith("## How the course is laid out"))
    rows = re.findall(r"^\| `(\d\d_\w+)` \|", layout, flags=re.M)
    assert rows == list(LESSONS)
    assert not re.search(r"\b(two|three|four|five|six|seven|eight|nine|ten) notebooks\b", layout)
