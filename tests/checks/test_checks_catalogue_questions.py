"""checks.catalogue.questions: every question, its key, its misconceptions, and what is kept secret."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rnncourse.authoring.question_blanks import HINTS
from rnncourse.checks import EXERCISES, LESSONS, QUESTIONS, check, questions_for_lesson
from rnncourse.checks.engine.question import QUESTION_POINTS
from tests.checks.question_key import SPEC, SPEC_PENDING
from tests.checks.render_questions import accepted_texts, rendered, wrong_text

ROOT = Path(__file__).resolve().parents[2]
SPECS = {q["id"]: (lesson, q) for lesson, qs in SPEC.items() for q in qs}


def _source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _answers(q):
    right = q["right"]
    if q["kind"] == "choices":
        return [set(right), list(reversed(right))]
    return right if isinstance(right, list) else [right]


def test_the_catalogue_is_rendered_from_the_key():
    for path, text in rendered().items():
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.name} is stale: run `python tests/checks/render_questions.py`")


def test_every_lesson_from_1_has_three_to_six_questions_and_twenty_in_all():
    counts = {stem: len(questions_for_lesson(stem)) for stem in LESSONS if stem != "00_welcome"}
    assert all(3 <= n <= 6 for n in counts.values()), counts
    assert sum(counts.values()) >= 20
    assert list(QUESTIONS) == list(SPECS)  # lesson order, then the order of the key
    assert not set(QUESTIONS) & set(EXERCISES)


@pytest.mark.parametrize("qid", sorted(SPECS))
def test_the_right_answer_passes_and_every_known_wrong_answer_names_its_misconception(qid):
    lesson, spec = SPECS[qid]
    question = QUESTIONS[qid]
    assert question.lesson == lesson and question.points == QUESTION_POINTS
    for answer in _answers(spec):
        result = check(qid, answer)
        assert result.passed and result.message == f"Right. {spec['explanation']}", answer
    assert spec["wrong"], f"{qid} has no known wrong answer"
    for answer, (name, text, section) in spec["wrong"].items():
        if isinstance(answer, str) and answer[:1] in "+-":
            continue  # a single option's note: tested below with whole answers
        result = check(qid, answer)
        assert not result.passed and result.mistake == name, (answer, result.message)
        assert result.message == f"Not quite: {text} See {section}."


@pytest.mark.parametrize("qid", [q for q, (_, s) in SPECS.items() if s["kind"] == "choices"])
def test_an_option_picked_wrongly_or_missed_says_so(qid):
    _, spec = SPECS[qid]
    right = set(spec["right"])
    for key, (_name, text, _) in spec["wrong"].items():
        if key[:1] not in "+-":
            continue
        answer = right | {key[1]} if key[0] == "+" else right - {key[1]}
        if not answer:
            continue
        result = check(qid, answer)
        assert not result.passed and text in result.message, (key, result.message)


@pytest.mark.parametrize("qid", sorted(SPECS))
def test_every_option_of_a_choice_question_is_right_or_has_a_misconception(qid):
    _, spec = SPECS[qid]
    if spec["kind"] != "choice":
        return
    for letter in spec["options"]:
        result = check(qid, letter)
        assert result.passed or result.mistake not in (None, "unrecognised"), (qid, letter)


def test_numbers_are_accepted_within_their_digits_only():
    assert check("q05_bound_lag40", 0.8 ** 40).passed
    assert check("q05_bound_lag40", 1.32e-4).passed
    assert not check("q05_bound_lag40", 1.5e-4).passed
    assert check("q03_nodes_t5", 40).passed and check("q03_nodes_t5", 40.0).passed
    assert check("q03_nodes_t5", 47).mistake == "off_by_one_in_time"
    assert check("q01_chain_rule_number", 0.917166).passed


# ----------------------------------------------------------------------------- the key stays hidden
def _package_text():
    return "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "rnncourse").rglob("*.py"))


def _lesson_texts():
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "lessons").glob("*.ipynb"))}


def test_no_explanation_or_misconception_text_is_in_the_package_or_the_lessons():
    texts = [_package_text(), *_lesson_texts().values()]
    pending = {q["id"]: (lesson, q) for lesson, qs in SPEC_PENDING.items() for q in qs}
    for qid, (_, spec) in {**SPECS, **pending}.items():
        secrets = [spec["explanation"]] + [text for _, text, _ in spec["wrong"].values()]
        for secret in secrets:
            assert not any(secret[:60] in t for t in texts), (qid, secret[:60])


def test_the_lessons_hold_no_answer_in_their_question_cells_or_metadata():
    for name, text in _lesson_texts().items():
        nb = json.loads(text)
        meta = json.dumps(nb["metadata"])
        for qid in QUESTIONS:
            for found in re.finditer(rf'check\(\\?"{qid}\\?",\s*([^)]*)\)', text):
                assert found.group(1) == "...", (name, found.group(0))
        assert not re.search(r'"(answers?|key|accepted|right|solution)"\s*:', meta), name
        for cell in nb["cells"]:
            grade = cell.get("metadata", {}).get("nbgrader", {})
            if grade.get("grade_id") in QUESTIONS:
                assert set(grade) == {"solution", "grade", "locked", "grade_id", "points",
                                      "schema_version"}, grade


def test_the_package_holds_no_plain_answer_map():
    text = _package_text()
    for qid, (lesson, spec) in SPECS.items():
        for right in accepted_texts(spec, lesson):
            # the id and its answer never appear together as a literal pair
            assert not re.search(rf'{qid}["\']\s*[:,]\s*["\']?{re.escape(right)}["\'\s,)]', text)
    assert not re.search(r"\b(ANSWERS|ANSWER_KEY|KEY)\s*=", text)


def test_the_hints_of_the_lessons_are_no_ones_answer():
    for qid, (lesson, spec) in SPECS.items():
        for right in accepted_texts(spec, lesson):
            assert right not in HINTS[spec["kind"]].replace('"', "").replace(" ", ""), qid


@pytest.mark.parametrize("qid", sorted(SPECS))
def test_the_solution_asks_the_question_with_the_catalogues_words(qid):
    lesson, spec = SPECS[qid]
    cells = json.loads((ROOT / "solutions" / f"{lesson}.ipynb").read_text())["cells"]
    index = next(i for i, c in enumerate(cells)
                 if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == qid)
    widget, markdown = _source(cells[index - 1]), _source(cells[index - 2])
    assert widget == f'# NBVAL_IGNORE_OUTPUT\nask("{qid}")'
    assert spec["prompt"] in markdown and QUESTIONS[qid].prompt == spec["prompt"]
    for letter, text in spec.get("options", {}).items():
        assert f"**{letter})** {text}" in markdown


def test_a_wrong_text_key_is_normalised_like_an_answer():
    lesson, spec = SPECS["q05_bound_lag40"]
    assert wrong_text(spec, lesson, 0.00017) == "0.00017"
    assert wrong_text(SPECS["q05_what_clipping_fixes"][1], lesson, "+b") == "+b"
