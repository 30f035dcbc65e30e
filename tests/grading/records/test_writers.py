"""grading.writers: the gradebook CSV and the feedback files."""

from __future__ import annotations

import json

import pytest

from rnncourse.grading.judging.results import Status, SubmissionResult
from rnncourse.grading.records import writers


# ----------------------------------------------------------------------------- reports
def _row(name, status=Status.OK, points=1):
    row = SubmissionResult(name=name, status=status, lesson="00_welcome", exercises={
        "warmup_sum_of_squares": {"points": points, "possible": 1, "passed": bool(points),
                                  "flag": None, "message": "All 5 test cases pass."}})
    return row.score()


def test_gradebook_has_one_row_per_submission_and_defuses_formulas():
    rows = [_row("=HYPERLINK(1).ipynb"), _row("b.ipynb", Status.TIMEOUT, 0)]
    text = writers.gradebook_text(rows, writers.exercise_columns(rows))
    lines = text.splitlines()
    assert lines[0] == ("submission,student_id,name,lesson,status,seed,root,"
                        "warmup_sum_of_squares,total,possible")
    assert lines[1] == "'=HYPERLINK(1).ipynb,,,00_welcome,ok,,,1,1,1"
    assert lines[2] == "b.ipynb,,,00_welcome,timeout,,,0,0,1"


def test_feedback_names_what_passed_and_what_failed():
    text = writers.feedback_text(_row("a.ipynb"))
    assert "[PASSED] warmup_sum_of_squares" in text and "Score: 1 / 1" in text
    invalid = SubmissionResult.invalid("empty file", name="x.ipynb").score()
    assert "could not be graded" in writers.feedback_text(invalid)


def test_feedback_names_the_lesson_section_of_a_failed_exercise_only():
    failed = _row("a.ipynb", points=0)
    failed.exercises["warmup_sum_of_squares"].update(
        message="Likely mistake: ...", section="lesson 0 (Your first exercise: a warm-up)")
    assert "    Read again: lesson 0 (Your first exercise: a warm-up).\n" in \
        writers.feedback_text(failed)
    passed = _row("b.ipynb")
    passed.exercises["warmup_sum_of_squares"]["section"] = "lesson 0 (x)"
    assert "Read again" not in writers.feedback_text(passed)


def test_feedback_marks_are_the_notebooks_words():
    """A knock-on pass is CREDITED and a flagged answer FLAGGED, as check's headline says, and
    Gradescope's per-test blocks keep the mark."""
    from rnncourse.grading.platforms.gradescope_autograder import feedback_blocks

    row = SubmissionResult(name="k.ipynb", lesson="04_bptt", exercises={
        "rnn_step_backward": {"points": 0, "possible": 2, "passed": False, "flag": None,
                              "knock_on": None, "message": "Case 1 of 4 (...): wrong."},
        "rnn_backward": {"points": 3, "possible": 3, "passed": True, "flag": None,
                         "knock_on": ["rnn_step_backward"], "message": "Credited: ..."}}).score()
    text = writers.feedback_text(row)
    assert "[CREDITED] rnn_backward (rnn_backward): 3 / 3 points\n    Credited: ..." in text
    assert "[FAILED] rnn_step_backward (rnn_step_backward): 0 / 2 points" in text
    blocks, _ = feedback_blocks(text)
    assert blocks["rnn_backward"].startswith("[CREDITED] rnn_backward (rnn_backward): 3 / 3")
    flagged = SubmissionResult(name="f.ipynb", lesson="00_welcome", exercises={
        "warmup_sum_of_squares": {"points": 0, "possible": 1, "passed": False,
                                  "flag": "warmup_sum_of_squares is the course's own ...",
                                  "message": "Flagged, 0 points: ..."}}).score()
    assert "[FLAGGED] warmup_sum_of_squares" in writers.feedback_text(flagged)


def test_the_registry_runs_every_wanted_writer(tmp_path):
    assert list(writers.WRITERS) == ["gradebook", "json", "feedback", "superseded"]
    rows = [_row("a.ipynb"), SubmissionResult.invalid("empty file", name="b.ipynb").score()]
    options = {"out": tmp_path / "gb.csv", "feedback": None}
    writers.write_all(rows, writers.exercise_columns(rows), {"seed": 1}, options)
    assert (tmp_path / "gb.csv").read_text().splitlines()[2] == \
        "b.ipynb,,,,invalid notebook: empty file,,,,0,0"
    reports = sorted(p.name for p in (tmp_path / "gb-reports").glob("*.json"))
    assert len(reports) == 2 and not (tmp_path / "feedback").exists()  # feedback not asked for
    data = json.loads((tmp_path / "gb-reports" / reports[0]).read_text())
    assert data["batch"] == {"seed": 1} and data["status"] == "ok" and data["total"] == 1
    writers.write_all(rows, [], {}, dict(options, feedback=tmp_path / "fb"), ["feedback"])
    assert len(list((tmp_path / "fb").glob("*.txt"))) == 2
    with pytest.raises(ValueError, match="unknown writer 'lms'; known writers: gradebook, json, "
                                         "feedback, superseded"):
        writers.write_all(rows, [], {}, options, ["lms"])


def test_report_and_feedback_stems_come_from_the_identity_alone():
    alice = _row("alice/04_bptt.ipynb")
    regraded = _row("alice/04_bptt.ipynb", Status.TIMEOUT, 0)  # other content, same identity
    assert writers.report_stem(alice) == writers.report_stem(regraded)
    assert writers.report_stem(alice).startswith("alice__04_bptt-")
    # these two sanitize to the same text but stay apart through the identity's hash
    a, b = _row("a b/x.ipynb"), _row("a_b/x.ipynb")
    assert writers.report_stem(a).split("-")[0] == writers.report_stem(b).split("-")[0] == "a_b__x"
    assert writers.report_stem(a) != writers.report_stem(b)


def test_a_regrade_overwrites_only_that_students_files(tmp_path):
    options = {"out": tmp_path / "gb.csv", "feedback": tmp_path / "fb"}
    writers.write_all([_row("alice/x.ipynb"), _row("bob/x.ipynb")], ["warmup_sum_of_squares"],
                      {"seed": 1}, options)
    bob_files = sorted(p for p in tmp_path.glob("**/bob__x-*") if p.is_file())
    bob_before = {p: p.read_bytes() for p in bob_files}
    writers.write_all([_row("alice/x.ipynb", Status.TIMEOUT, 0)], ["warmup_sum_of_squares"],
                      {"seed": 2}, options)
    assert len(bob_files) == 2 and {p: p.read_bytes() for p in bob_files} == bob_before
    [alice_feedback] = (tmp_path / "fb").glob("alice__x-*.txt")
    assert "Status: timeout" in alice_feedback.read_text()
    assert len(list((tmp_path / "fb").iterdir())) == 2  # no second file for alice
    rows = (tmp_path / "gb.csv").read_text().splitlines()
    assert rows[1:] == ["alice/x.ipynb,,,00_welcome,timeout,,,0,0,1",
                        "bob/x.ipynb,,,00_welcome,ok,,,1,1,1"]


def test_feedback_does_not_show_the_seed():
    row = _row("a.ipynb")
    row.seed = 987654321
    assert "987654321" not in writers.feedback_text(row)


def test_the_gradebook_is_merged_into_its_content_from_before_grading(tmp_path):
    from rnncourse.grading.records import gradebook_csv

    out = tmp_path / "gb.csv"
    writers.write_all([_row("a.ipynb")], ["warmup_sum_of_squares"], {}, {"out": out,
                                                                          "feedback": None})
    snapshot = gradebook_csv.read_gradebook(out)  # what grade_paths reads before student code runs
    tampered = "submission,lesson,status,total,possible\nx.ipynb,00_welcome,ok,999,1\n"
    out.write_text(tampered)  # e.g. a submission graded without a sandbox
    done = writers.write_all([_row("b.ipynb")], ["warmup_sum_of_squares"], {},
                             {"out": out, "feedback": None, "existing": snapshot}, ["gradebook"])
    assert [line.split(",")[0] for line in out.read_text().splitlines()] == [
        "submission", "a.ipynb", "b.ipynb"]  # no 999 row slipped in
    aside = tmp_path / "gb.csv.changed-during-grading"
    assert aside.read_text() == tampered and done["gradebook"].kept_aside == str(aside)
    out.write_text(tampered)  # a second time: the first copy kept aside is not overwritten
    writers.write_all([_row("b.ipynb")], ["warmup_sum_of_squares"], {},
                      {"out": out, "feedback": None, "existing": snapshot}, ["gradebook"])
    assert aside.exists() and (tmp_path / "gb.csv.changed-during-grading-2").exists()
    # unchanged since it was read: nothing is kept aside
    snapshot = gradebook_csv.read_gradebook(out)
    done = writers.write_all([_row("c.ipynb")], ["warmup_sum_of_squares"], {},
                             {"out": out, "feedback": None, "existing": snapshot}, ["gradebook"])
    assert done["gradebook"].kept_aside is None
    assert not (tmp_path / "gb.csv.changed-during-grading-3").exists()


def test_feedback_of_a_notebook_that_was_not_run_does_not_say_it_ran():
    wrong = SubmissionResult.wrong_lesson("05_training_in_practice", "00_welcome",
                                          name="a.ipynb").score()
    invalid = SubmissionResult.invalid("not JSON", name="b.ipynb").score()
    for r in (wrong, invalid):
        text = writers.feedback_text(r)
        assert "ran your notebook" not in text
        assert text.rstrip().endswith("Your notebook was not run, so none of its code was "
                                      "tested; the points above are 0 for that reason alone.")
    assert "The grader ran your notebook from the top" in writers.feedback_text(_row("c.ipynb"))
