"""checks.widgets: the answer widget holds the answer as the code would write it and runs check."""

from __future__ import annotations

import pytest

from rnncourse.checks import QUESTIONS, ask, check


def test_radio_buttons_hold_one_letter_and_give_checks_verdict():
    w = ask("q04_total_vs_partial")
    assert w.answer() is ...
    assert w.run().message.startswith("not answered yet")
    assert [o[:3] for o in w.choice.options] == ["a) ", "b) ", "c) ", "d) "]
    w.choice.value = w.choice.options[0]
    assert w.answer() == "a"
    assert w.run().message == check("q04_total_vs_partial", "a").message
    assert not w.result.passed and w.result.mistake == "partial_instead_of_total"


def test_checkboxes_hold_a_set_and_a_text_box_a_number():
    w = ask("q05_what_clipping_fixes")
    for box in w.choice.children:
        box.value = box.description[0] in "ac"
    assert w.answer() == {"a", "c"} and w.run().passed
    n = ask("q05_bound_lag40")
    n.choice.value = " 1.3e-4 "
    assert n.answer() == pytest.approx(1.3e-4) and n.run().passed
    n.choice.value = "lots"
    assert n.run().message.startswith("'lots' is not a number")


def test_every_question_has_a_widget_and_an_unknown_id_names_the_closest():
    for qid in QUESTIONS:
        assert ask(qid).question.id == qid
    with pytest.raises(KeyError, match=r"'q04_total_vs_partal' is not a self-check question; "
                                       r"did you mean q04_total_vs_partial"):
        ask("q04_total_vs_partal")
