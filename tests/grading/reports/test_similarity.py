"""The similarity check: a copy with renamed variables is found, independent right answers in
other styles are not, the starter code every student got does not count, short answers are not
compared, and the page shows student code as text."""

from __future__ import annotations

import nbformat
import pytest

from rnncourse.grading.reports.similarity import (
    NOTICE,
    answer_cells,
    marked,
    similar_pairs,
    starter_answers,
    write_similarity,
)
from tests.grading.reports.conftest import HOSTILE_CODE, OTHER_STYLE, RENAMED
from tests.grading.test_grading_corpus import CORRECT, LESSON, lesson_notebook

pytest.importorskip("copydetect", reason='the similarity check needs pip install -e ".[report]"')
STARTERS, _ = starter_answers(LESSON, None)
LONG = ("softmax_cross_entropy", "numerical_gradient")


@pytest.mark.parametrize("ex", LONG)
def test_a_renamed_copy_is_found_and_an_honest_other_style_is_not(ex):
    answers = {"alice": CORRECT[ex], "mallory": RENAMED[ex], "grace": OTHER_STYLE[ex]}
    pairs, compared, short = similar_pairs(answers, STARTERS[ex], exercise=ex)
    assert [(p.first, p.second) for p in pairs] == [("alice", "mallory")]
    assert pairs[0].score > 0.9 and compared == ["alice", "grace", "mallory"] and short == []


SKELETON = (  # starter code a lesson could hand out: the forward half, given
    "def softmax_cross_entropy(scores, y):\n"
    "    N = scores.shape[0]\n"
    "    shifted = scores - scores.max(axis=1, keepdims=True)\n"
    "    exp_scores = np.exp(shifted)\n"
    "    probs = exp_scores / exp_scores.sum(axis=1, keepdims=True)\n"
    "    correct_logprobs = -np.log(probs[np.arange(N), y])\n")


def test_the_starter_code_is_discounted():
    """Two students who completed the same handed-out skeleton differently share the skeleton;
    it alone would make them look alike without the discount."""
    a = SKELETON + ("    loss = float(correct_logprobs.mean())\n"
                    "    dscores = probs.copy()\n    dscores[np.arange(N), y] -= 1\n"
                    "    return loss, dscores / N\n")
    b = SKELETON + ("    one_hot = np.zeros_like(probs)\n"
                    "    for row, label in enumerate(y):\n        one_hot[row, label] = 1.0\n"
                    "    return np.sum(correct_logprobs) / N, (probs - one_hot) / N\n")
    assert similar_pairs({"a": a, "b": b}, SKELETON)[0] == []
    assert similar_pairs({"a": a, "b": b}, "")[0] != []  # the tester fails without the discount
    # untouched starter code is not an answer at all
    assert similar_pairs({"a": SKELETON, "b": SKELETON}, SKELETON)[1] == []


def test_a_one_line_answer_is_too_short_to_compare():
    pairs, compared, short = similar_pairs(
        {"a": CORRECT["tanh_backward"], "b": CORRECT["tanh_backward"]},
        STARTERS["tanh_backward"])
    assert (pairs, compared, short) == ([], [], ["a", "b"])


def test_the_page_says_it_is_evidence_and_shows_code_as_text(tmp_path):
    hostile = dict(RENAMED, softmax_cross_entropy=HOSTILE_CODE + RENAMED["softmax_cross_entropy"])
    notebooks = {"alice/n.ipynb": lesson_notebook(), "mallory <b>/n.ipynb": lesson_notebook(hostile),
                 "grace/n.ipynb": lesson_notebook(OTHER_STYLE)}
    rows = [(name, LESSON) for name in notebooks]
    pairs = write_similarity(rows, notebooks, tmp_path / "similarity.html")
    assert sorted({(p.exercise, p.first, p.second) for p in pairs}) == [
        ("numerical_gradient", "alice/n.ipynb", "mallory <b>/n.ipynb"),
        ("softmax_cross_entropy", "alice/n.ipynb", "mallory <b>/n.ipynb")]
    text = (tmp_path / "similarity.html").read_text(encoding="utf-8")
    assert NOTICE in text and "<script>" not in text.split("</style>")[1].split("<script>\n")[0]
    assert "mallory &lt;b&gt;/n.ipynb" in text and "&lt;script&gt;window.pwned" in text


def test_marked_escapes_and_marks_the_shared_stretches():
    import numpy as np

    assert marked("a<b>c", np.array([[1], [4]])) == "a<mark>&lt;b&gt;</mark>c"
    assert marked("<x>", np.array([])) == "&lt;x&gt;"
    assert marked("return grad", np.array([[0], [4]])) == "<mark>return</mark> grad"  # whole words


def test_answer_cells_reads_the_nbgrader_answer_cells():
    nb = nbformat.from_dict(lesson_notebook())
    assert answer_cells(nb) == CORRECT


@pytest.mark.slow
def test_the_class_similarity_page_in_chromium(graded_class, chromium):
    """The graded week: mallory's renamed copy of alice's answers is listed, grace's own answers
    are in no pair, and the hostile student's code runs nothing."""
    from tests.grading.reports.conftest import open_page, rnncourse

    week, python = graded_class
    proc = rnncourse(python, week, "report", "--out", "similar")
    assert proc.returncode == 0, proc.stderr[-3000:]
    page, errors, requests, close = open_page(chromium, week / "similar" / "similarity.html")
    try:
        assert page.evaluate("typeof window.pwned") == "undefined"
        assert errors == [] and requests == []
        assert page.text_content("#notice") == NOTICE
        rows = page.eval_on_selector("#pairs-table", "t => Array.from(t.tBodies[0].rows).map("
                                     "r => Array.from(r.cells).map(c => c.textContent))")
        pairs = {(r[1], r[2].split("/")[0], r[3].split("/")[0]) for r in rows}
        for ex in LONG:
            assert (ex, "alice", "mallory") in pairs
        assert not any("grace" in a or "grace" in b for _, a, b in pairs)
        assert page.locator("section .pair mark").count() > 0  # the shared code is marked
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        close()
