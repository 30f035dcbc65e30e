"""checks.engine.question: answers of each kind, hashing, sealing, messages that name the fix."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from rnncourse.checks.engine import run_check
from rnncourse.checks.engine.question import Misconception, QuestionExercise, answer_digest, seal, unseal
from rnncourse.grading.judging.worker import function_names

SALT = "q00_demo:salt1"


def _question(kind="choice", **extra):
    """A demo question whose key is built here in the open (the tests may know it)."""
    probe = QuestionExercise(id="q00_demo", lesson="00_welcome", kind=kind, prompt="?",
                             salt="salt1", accepted={"x": ""}, section="section 0",
                             options={"a": "A", "b": "B", "c": "C"}, digits=2)
    right = {"choice": "b", "choices": "a,c", "number": "0.015"}[kind]
    wrong = {"choice": {"a": ("picked_a", "A is tempting.")},
             "choices": {"a,b": ("picked_ab", "B is not one."), "+b": ("plus_b", "Not B."),
                         "-c": ("missed_c", "C too.")},
             "number": {"0.017": ("off_by_one", "One step too few.")}}[kind]
    return QuestionExercise(
        id="q00_demo", lesson="00_welcome", kind=kind, prompt="?", salt="salt1",
        accepted={probe.digest_of_text(right): probe.seal_for(right, "Because.")},
        wrong={probe.digest_of_text(k): Misconception(name, probe.seal_for(k, text), "section 9")
               for k, (name, text) in wrong.items()},
        section="section 0", options={"a": "A", "b": "B", "c": "C"}, digits=2, **extra)


def test_a_single_choice_is_judged_by_its_digest():
    q = _question()
    right = run_check(q, "b")
    assert right.passed and right.message == "Right. Because." and right.points == 0.5
    assert run_check(q, " B ").passed  # case and spaces do not matter
    wrong = run_check(q, "a")
    assert not wrong.passed and wrong.points == 0
    assert wrong.message == "Not quite: A is tempting. See section 9."
    assert wrong.mistake == "picked_a"
    other = run_check(q, "c")
    assert other.message == "Not quite. Think it through again with section 0."


def test_several_choices_any_order_and_per_option_notes():
    q = _question("choices")
    for answer in ({"a", "c"}, ["c", "a"], ("a", "c"), "a, c", "ca"):
        assert run_check(q, answer).passed, answer
    assert run_check(q, {"a", "b"}).message == "Not quite: B is not one. See section 9."
    both = run_check(q, {"b", "a", "c"})  # not a known combination: one note per option
    assert both.message == "Not quite: Not B. See section 9." and both.mistake == "plus_b"
    assert run_check(q, "a").message == "Not quite: C too. See section 9."


def test_a_number_is_rounded_to_its_digits_before_hashing():
    q = _question("number")
    for answer in (0.015, 0.0148, 0.01525, 1.5e-2, 0.9 ** 40):
        assert run_check(q, answer).passed, answer
    assert run_check(q, 0.0166).message == "Not quite: One step too few. See section 9."
    assert not run_check(q, 0.02).passed
    assert run_check(q, True).message.startswith("True is not a number")


@pytest.mark.parametrize("answer, message", [
    (..., "not answered yet: put your answer in place of `...`, e.g. check('q00_demo', 'a'), "
          "then run the cell again. This cell is what is graded; the buttons above only check an "
          "answer."),
    (None, "not answered yet: put your answer in place of `...`"),
    ("e", "'e' is not one of the options a, b, c; answer e.g. check('q00_demo', 'a')"),
    ("ab", "'ab' is not one of the options a, b, c"),
    (2, "2 is not an answer here; answer with one letter in quotes, e.g. check('q00_demo', 'a')"),
])
def test_answers_of_the_wrong_kind_say_what_to_write(answer, message):
    result = run_check(_question(), answer)
    assert not result.passed and result.message.startswith(message)


def test_an_unanswered_number_or_nan_is_refused_kindly():
    q = _question("number")
    assert run_check(q, ...).message.startswith("not answered yet")
    assert run_check(q, float("nan")).message.startswith("nan is not a finite number")
    assert run_check(q, "0.015").message.startswith("'0.015' is not a number; answer with a "
                                                    "number, e.g. check('q00_demo', 0.25)")


def test_sealed_texts_open_only_with_their_answer():
    sealed = seal(SALT, "b", "why b")
    assert "why" not in sealed
    assert unseal(SALT, "b", sealed) == "why b"
    assert unseal(SALT, "a", sealed) != "why b"
    assert answer_digest(SALT, "b") != answer_digest(SALT, "a")
    assert answer_digest(SALT, "b") != answer_digest("q00_demo:other", "b")  # the salt counts


def test_judging_is_the_same_under_any_hash_seed():
    code = ("from rnncourse.checks import QUESTIONS, check; import sys; "
            "sys.stdout.write(repr("
            "[check(i, a).message for i in QUESTIONS for a in ('a', 'b', {'a', 'b'}, 13, 0.5)]))")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, env=dict(os.environ, PYTHONHASHSEED=h)).stdout
            for h in ("0", "1", "4242")}
    assert len(outs) == 1


def test_a_question_is_never_called_in_the_kernel():
    q = _question()
    assert q.answer_kind == "value" and q.harness_spec() is None and q.reference_names() == ()
    assert function_names({"cells": []}, [q]) == {}


@pytest.mark.parametrize("bad, message", [
    (dict(id="Q4_x"), r"question id 'Q4_x' must look like 'q04_total_vs_partial'"),
    (dict(id="q03_x"), r"question id 'q03_x' does not start with the number of its lesson "
                       r"'00_welcome'; name it 'q00_\.\.\.'"),
    (dict(kind="essay"), r"question q00_demo: kind 'essay' is not one of choice, choices, number"),
    (dict(options=None), r"a 'choice' question needs options"),
    (dict(accepted={}), r"no accepted answer; add accepted="),
])
def test_a_malformed_question_is_refused_with_the_fix(bad, message):
    args = dict(id="q00_demo", lesson="00_welcome", kind="choice", prompt="?", salt="s",
                accepted={"x": ""}, section="s", options={"a": "A"})
    args.update(bad)
    with pytest.raises(ValueError, match=message):
        QuestionExercise(**args)


def test_a_function_answering_a_question_is_called_for_its_answer():
    """The nbgrader form: check is given a function named after the question."""
    from rnncourse.checks import check

    def q04_order_forced():
        return "c"

    assert check("q04_order_forced", q04_order_forced).passed

    def q04_order_forced():  # nbgrader's stub
        raise NotImplementedError()

    r = check("q04_order_forced", q04_order_forced)
    assert not r.passed and r.message == (
        "not answered yet: in the function q04_order_forced, replace the raise "
        "NotImplementedError() line with return and your answer, e.g. return 'a', then run the "
        "cell again.")

    def q04_order_forced():
        return {}["b"]

    assert check("q04_order_forced", q04_order_forced).message == (
        "q04_order_forced() raised KeyError: 'b'; it should only return your answer, e.g. "
        "return 'a'")
