"""checks.widgets: the answer widget holds the answer as the code would write it and runs check;
it claims no points and shows the exact line that hands the answer in."""

from __future__ import annotations

import ast

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


def test_the_widget_claims_no_points_and_shows_the_line_that_hands_the_answer_in():
    w = ask("q04_order_forced")
    assert "it hands in nothing" in w.note and 'check("q04_order_forced", ...)' in w.note
    r = w.run()  # nothing picked yet
    assert w.line is None and w.hand_in_text(r).startswith("Nothing is handed in")
    right = next(o for o in w.choice.options
                 if check("q04_order_forced", o.split(")")[0]).passed)
    w.choice.value = right
    r = w.run()
    assert r.passed  # the same verdict as the code ...
    assert w.headline(r) == "✓ RIGHT  q04_order_forced  (not handed in by this button)"
    assert "points" not in w.headline(r)  # ... but the buttons earn nothing
    letter = right.split(")")[0]
    assert w.line == f'check("q04_order_forced", "{letter}")'
    assert (f"To hand in this answer, make that cell read exactly\n{w.line}\nthen run it and "
            "save the notebook.") in w.hand_in_text(r)
    html = w._hand_in_html(r)
    assert "<code" in html and html.count(w.line.replace('"', "&quot;")) == 1
    wrong = next(o for o in w.choice.options if o != right)
    w.choice.value = wrong
    r = w.run()
    assert w.headline(r) == "✗ NOT RIGHT YET  q04_order_forced"
    assert w.hand_in_text(r).startswith("Nothing is handed in by these buttons")


def _literal_answer(line):
    """The answer of a ``check(id, <literal>)`` line, read as the grader reads it (``ast``)."""
    call = ast.parse(line).body[0].value
    assert isinstance(call.func, ast.Name) and call.func.id == "check"
    return call.args[0].value, ast.literal_eval(call.args[1])


def test_the_hand_in_line_is_a_literal_that_checks_as_the_widget_did():
    w = ask("q05_what_clipping_fixes")
    for box in w.choice.children:
        box.value = box.description[0] in "ac"
    r = w.run()
    assert w.line == 'check("q05_what_clipping_fixes", {"a", "c"})'
    qid, answer = _literal_answer(w.line)
    assert check(qid, answer).message == r.message
    n = ask("q05_bound_lag40")
    n.choice.value = " 1.3e-4 "
    n.run()
    assert n.line == 'check("q05_bound_lag40", 0.00013)'
    n.choice.value = "lots"
    n.run()
    assert n.line is None
