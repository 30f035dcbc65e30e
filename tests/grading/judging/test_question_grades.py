"""grading.judging.question_grades: answers read from the graded cell, judged with the hashed key."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rnncourse.checks import points_for_lesson, questions_for_lesson
from rnncourse.checks.engine.answers import NOT_A_LITERAL
from rnncourse.grading.judging.question_grades import answer_text, grade_questions
from rnncourse.grading.judging.results import SubmissionResult
from rnncourse.grading.records.writers import exercise_columns, feedback_text, gradebook_text

ROOT = Path(__file__).resolve().parents[3]
STEMS = [p.stem for p in sorted((ROOT / "solutions").glob("0[1-9]_*.ipynb"))]


def _load(folder, stem):
    return json.loads((ROOT / folder / f"{stem}.ipynb").read_text(encoding="utf-8"))


@pytest.mark.parametrize("stem", STEMS)
def test_a_solution_earns_every_question_and_a_lesson_none(stem):
    questions = questions_for_lesson(stem)
    assert 3 <= len(questions) <= 6
    solved = grade_questions(_load("solutions", stem), stem)
    assert list(solved) == [q.id for q in questions]
    assert all(e["passed"] and e["points"] == e["possible"] == 0.5 for e in solved.values()), solved
    assert all(e["message"].startswith("Right. ") for e in solved.values())
    untouched = grade_questions(_load("lessons", stem), stem)
    assert all(e["points"] == 0 and not e["passed"] for e in untouched.values())
    assert all(e["message"].startswith("not answered yet") for e in untouched.values())
    assert all(e["function"] == "not answered" for e in untouched.values())


def test_a_wrong_answer_gets_its_misconception_in_the_gradebook_and_feedback():
    nb = _load("lessons", "04_bptt")
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "q04_total_vs_partial":
            cell["source"] = 'check("q04_total_vs_partial", "a")'
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "q04_predict_total":
            cell["metadata"]["nbgrader"] = {}  # the graded cell lost its metadata
    entries = grade_questions(nb, "04_bptt")
    wrong = entries["q04_total_vs_partial"]
    assert (wrong["points"], wrong["mistake"], wrong["function"]) == (
        0, "partial_instead_of_total", "answered 'a'")
    assert "the roads through h_(t+1) into every later loss are missing" in wrong["message"]
    assert entries["q04_predict_total"]["message"] == (  # read from the cell, and said so
        "The graded cell of q04_predict_total was not found by its metadata (the cell lost its "
        "nbgrader metadata), so the answer was read from the last code cell that calls "
        'check("q04_predict_total", ...).\n'
        "not answered yet: put your answer in place of `...`, e.g. check('q04_predict_total', "
        "0.25), then run the cell again. This cell is what is graded; the buttons above only "
        "check an answer.")
    result = SubmissionResult(name="bob.ipynb", lesson="04_bptt", exercises=dict(entries)).score()
    assert (result.total, result.possible) == (0, points_for_lesson("04_bptt"))
    columns = exercise_columns([result])
    assert columns[-4:] == [q.id for q in questions_for_lesson("04_bptt")]
    header, row = gradebook_text([result], columns).splitlines()
    assert header.endswith("q04_first_term_zero,total,possible") and row.endswith(",0,0,7")
    text = feedback_text(result)
    assert "[FAILED] q04_total_vs_partial (answered 'a'): 0 / 0.5 points" in text
    assert "See section 4 (full BPTT" in text


def test_half_points_add_up_in_the_gradebook():
    entries = grade_questions(_load("solutions", "03_unrolling"), "03_unrolling")
    result = SubmissionResult(name="a.ipynb", lesson="03_unrolling", exercises=dict(entries))
    result.score()
    assert (result.total, result.possible) == (2, 4)  # rnn_forward not graded here: 0 of 2
    entries.pop("q03_nodes_t5")
    result = SubmissionResult(name="a.ipynb", lesson="03_unrolling", exercises=dict(entries))
    assert result.score().total == 1.5
    assert SubmissionResult.from_dict(result.to_dict()).total == 1.5


def _released(source):
    """``source`` with each solution region replaced by nbgrader's default stub, indented as
    the region (what generate_assignment's ClearSolutions does)."""
    out, inside = [], False
    for line in source.split("\n"):
        if "### BEGIN SOLUTION" in line:
            indent = line[:len(line) - len(line.lstrip())]
            out += [indent + "# YOUR CODE HERE", indent + "raise NotImplementedError()"]
            inside = True
        elif "### END SOLUTION" in line:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def _nbgrader_copy(answers):
    """A student's copy from an nbgrader source folder: solution regions replaced by nbgrader's
    stub, each question of ``answers`` answered by the student's own source for the cell above
    its graded cell, whose hidden test nbgrader has removed."""
    from rnncourse.authoring.nbgrader_source import generate_nbgrader_source
    from rnncourse.authoring.pipeline import read_notebook

    nb = generate_nbgrader_source(read_notebook(ROOT / "solutions" / "04_bptt.ipynb"), "04_bptt")
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            cell.source = cell.source.split("### BEGIN HIDDEN TESTS")[0]
        cell.source = _released(cell.source)
        for qid, answer in answers.items():
            if meta.get("grade_id") == f"{qid}-answer":
                cell.source = answer
    return json.loads(json.dumps(nb))


def test_in_an_nbgrader_copy_the_answer_is_read_from_the_cell_above_the_graded_one():
    nb = _nbgrader_copy({"q04_total_vs_partial": 'check("q04_total_vs_partial", "b")',
                         "q04_order_forced": 'check("q04_order_forced", "a")',
                         "q04_predict_total": "answer = 0.507\ncheck('q04_predict_total', answer)"})
    entries = grade_questions(nb, "04_bptt")
    assert (entries["q04_total_vs_partial"]["points"], entries["q04_total_vs_partial"]["function"]) \
        == (0.5, "answered 'b'")
    assert (entries["q04_order_forced"]["points"], entries["q04_order_forced"]["function"]) == (
        0, "answered 'a'")
    assert entries["q04_predict_total"]["message"] == (
        f"Could not judge: {NOT_A_LITERAL.format(id='q04_predict_total')}.")
    # the words check gives the released copy's untouched function in the notebook
    from rnncourse.checks import check

    def q04_first_term_zero():
        raise NotImplementedError()

    assert entries["q04_first_term_zero"]["message"] == check(
        "q04_first_term_zero", q04_first_term_zero).message == (
        "not answered yet: in the function q04_first_term_zero, replace the raise "
        "NotImplementedError() line with return and your answer, e.g. return 'a', then run the "
        "cell again.")


def test_in_an_nbgrader_copy_the_function_form_is_read():
    """The released copy's question cell: a function returning the answer, given to check."""
    nb = _nbgrader_copy({"q04_order_forced": 'def q04_order_forced():\n    return "c"\n\n'
                                             'check("q04_order_forced", q04_order_forced)'})
    entries = grade_questions(nb, "04_bptt")
    assert (entries["q04_order_forced"]["points"], entries["q04_order_forced"]["function"]) == (
        0.5, "answered 'c'")
    untouched = [entries[q] for q in ("q04_predict_total", "q04_total_vs_partial")]
    assert [(e["points"], e["function"]) for e in untouched] == [(0, "not answered")] * 2


def test_a_check_below_the_graded_cell_is_not_the_answer():
    nb = _nbgrader_copy({})
    nb["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [],
                        "execution_count": None, "source": 'check("q04_order_forced", "c")'})
    assert grade_questions(nb, "04_bptt")["q04_order_forced"]["points"] == 0


class _Reversed(set):
    """A set that iterates in reverse sorted order, as another process's hashing may."""

    def __iter__(self):
        return iter(sorted(set.__iter__(self), reverse=True))


def test_a_set_answer_is_shown_in_sorted_order_whatever_the_sets_own_order():
    assert answer_text(_Reversed({"a", "c", "b"})) == "{'a', 'b', 'c'}"
    assert answer_text({"b"}) == "{'b'}"
    assert answer_text(set()) == "set()"
    assert [answer_text(a) for a in ("b", 0.25, ["c", "a"])] == ["'b'", "0.25", "['c', 'a']"]


def test_the_graded_answers_are_the_same_text_under_every_hash_seed():
    code = ("import json; from pathlib import Path; "
            "from rnncourse.grading.judging.question_grades import grade_questions; "
            f"nb = json.loads(Path({str(ROOT / 'solutions' / '02_recurrence_and_cycles.ipynb')!r})"
            ".read_text()); "
            "print(sorted((k, e['function']) for k, e in "
            "grade_questions(nb, '02_recurrence_and_cycles').items()))")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, env=dict(os.environ, PYTHONHASHSEED=seed)).stdout
            for seed in ("0", "1", "2", "3", "4")}
    assert len(outs) == 1 and "answered {'a', 'b'}" in outs.pop()
