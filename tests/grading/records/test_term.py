"""grading.records.term: which submission counts, adjustments that survive regrades, history;
and the ``rnncourse gradebook choose / adjust / history`` commands and the exports reading them."""

from __future__ import annotations

import csv
import json
import os

import pytest

from rnncourse.cli import main
from rnncourse.grading.judging.results import Status, SubmissionResult
from rnncourse.grading.load.course_file import CourseFileError, parse_course
from rnncourse.grading.records import gradebook_csv, term, writers
from rnncourse.grading.records.roster import read_roster

OLD = "fosterfay_4216_88301_00_welcome.ipynb"  # Canvas: name_userid_fileid_file
NEW = "fosterfay_4216_88415_00_welcome.ipynb"  # the resubmission: a larger file id


def _result(name, points=1, seed=7, sha="a" * 64, path=""):
    row = SubmissionResult(name=name, status=Status.OK, lesson="00_welcome", seed=seed,
                           sha256=sha, path=path, exercises={
                               "warmup_sum_of_squares": {"points": points, "possible": 1,
                                                         "passed": bool(points), "flag": None,
                                                         "message": "All 5 test cases pass."}})
    return row.score()


def _grade(tmp_path, results, course=None, late=None):
    roster = read_roster(_roster(tmp_path))
    options = {"out": tmp_path / "gradebook.csv", "feedback": tmp_path / "feedback",
               "root": "submissions", "roster": roster}
    course_file = {"path": None}
    if course or late:
        course_file = {"path": "grading.toml", "counts": course or "latest",
                       "lessons": {"00_welcome": {"late": late}} if late else {}}
    info = {"seed": 7, "course_file": course_file}
    return writers.write_all(results, writers.exercise_columns(results), info, options)


def _roster(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("submission,student_id,name\nfosterfay,S1006,Fay Foster\n"
                    "alice,s1,Alice Adams\n", encoding="utf-8")
    return path


def _rows(tmp_path):
    with open(tmp_path / "gradebook.csv", newline="", encoding="utf-8") as fh:
        return {r["submission"]: r for r in csv.DictReader(fh)}


def _in(tmp_path, args):
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        return main(args)
    finally:
        os.chdir(cwd)


def test_canvas_file_ids_order_submissions():
    assert term.canvas_file_id(NEW) == 88415
    assert term.canvas_file_id("fosterfay_LATE_4216_88999_00_welcome.ipynb") == 88999
    assert term.canvas_file_id("alice/00_welcome.ipynb") is None


def test_the_latest_submission_counts_and_the_older_one_is_set_aside(tmp_path, capsys):
    done = _grade(tmp_path, [_result(OLD, 1), _result(NEW, 0, sha="b" * 64)])
    assert done["gradebook"].superseded == {OLD: NEW}
    rows = _rows(tmp_path)
    assert rows[OLD]["superseded_by"] == NEW and rows[NEW]["superseded_by"] == ""
    assert (rows[OLD]["final"], rows[NEW]["final"]) == ("1", "0")
    header = (tmp_path / "gradebook.csv").read_text().splitlines()[0]
    assert header.endswith("total,possible,submitted,late,penalty,superseded_by,adjustment,"
                           "adjustment_reason,final")
    old_stem, new_stem = writers.safe_file_stem(OLD), writers.safe_file_stem(NEW)
    assert (tmp_path / "feedback" / "superseded" / f"{old_stem}.txt").is_file()
    assert (tmp_path / "gradebook-reports" / "superseded" / f"{old_stem}.json").is_file()
    assert not (tmp_path / "feedback" / f"{old_stem}.txt").exists()
    assert (tmp_path / "feedback" / f"{new_stem}.txt").is_file()

    # the export takes the one that counts, and says which it left out
    assert _in(tmp_path, ["gradebook", "export", "--format", "canvas", "--out", "c.csv"]) == 0
    err = capsys.readouterr().err
    assert (f"note: 1 superseded submission(s) not exported (the one that counts is): {OLD} "
            f"(by {NEW})") in err
    canvas = list(csv.reader((tmp_path / "c.csv").open(encoding="utf-8")))
    assert canvas[2:] == [["Alice Adams", "", "s1", "", "", ""],  # missing: no submission
                          ["Fay Foster", "", "S1006", "", "", "0"]]

    # the instructor counts the first one instead: files swap places, and the export follows
    assert _in(tmp_path, ["gradebook", "choose", OLD]) == 0
    assert f"'{OLD}' counts for S1006; superseded: {NEW}" in capsys.readouterr().err
    rows = _rows(tmp_path)
    assert rows[NEW]["superseded_by"] == OLD and rows[OLD]["superseded_by"] == ""
    assert (tmp_path / "feedback" / f"{old_stem}.txt").is_file()
    assert (tmp_path / "feedback" / "superseded" / f"{new_stem}.txt").is_file()
    assert not (tmp_path / "feedback" / "superseded" / f"{old_stem}.txt").exists()
    assert _in(tmp_path, ["gradebook", "export", "--format", "moodle", "--out", "m.csv"]) == 0
    moodle = list(csv.reader((tmp_path / "m.csv").open(encoding="utf-8")))
    assert moodle[1:] == [["s1", "Alice Adams", "", ""], ["S1006", "Fay Foster", "", "1"]]
    # the choice survives a regrade of the newer file
    _grade(tmp_path, [_result(NEW, 1, seed=8)])
    assert _rows(tmp_path)[NEW]["superseded_by"] == OLD
    # csv writes both, with the term columns
    assert _in(tmp_path, ["gradebook", "export", "--format", "csv", "--out", "all.csv"]) == 0
    plain = list(csv.DictReader((tmp_path / "all.csv").open(encoding="utf-8")))
    assert [(r["submission"], r["final"], r["superseded_by"]) for r in plain
            if r["submission"]] == [
        (OLD, "1", ""), (NEW, "1", OLD)]


@pytest.mark.parametrize("counts, counting", [("first", OLD), ("best", OLD), ("latest", NEW)])
def test_the_course_file_says_which_submission_counts(tmp_path, counts, counting):
    _grade(tmp_path, [_result(OLD, 1), _result(NEW, 0)], course=counts)
    rows = _rows(tmp_path)
    assert rows[counting]["superseded_by"] == ""
    assert rows[OLD if counting == NEW else NEW]["superseded_by"] == counting


def test_the_course_file_refuses_an_unknown_rule():
    assert parse_course(b'[submissions]\ncounts = "best"\n').counts == "best"
    with pytest.raises(CourseFileError, match=r'submissions.counts = \'newest\': use "latest" '
                                              r'or "first" or "best"'):
        parse_course(b'[submissions]\ncounts = "newest"\n')


def test_without_the_canvas_ids_the_file_times_decide(tmp_path):
    for name, stamp in (("a.ipynb", 2_000_000_000), ("b.ipynb", 1_000_000_000)):
        (tmp_path / name).write_text("{}")
        os.utime(tmp_path / name, (stamp, stamp))
    (tmp_path / "roster.csv").write_text("submission,student_id\na,s1\nb,s1b\n")
    ledger = term.Ledger()
    book = gradebook_csv.Gradebook(rows=[
        {"submission": "x/a.ipynb", "student_id": "s1", "lesson": "l", "total": "1"},
        {"submission": "x/b.ipynb", "student_id": "s1", "lesson": "l", "total": "1"}])
    for name in ("a.ipynb", "b.ipynb"):
        term.record(ledger, _result("x/" + name, path=str(tmp_path / name)), "t", None, "s1")
    assert [h["submitted"] for h in ledger.history] == ["2033-05-18T03:33:20Z",
                                                         "2001-09-09T01:46:40Z"]
    assert term.apply(book, ledger) == {"x/b.ipynb": "x/a.ipynb"}  # a is the newer file


def test_an_adjustment_survives_a_regrade_and_is_flagged_when_the_score_changed(tmp_path, capsys):
    alice = "alice/00_welcome.ipynb"
    _grade(tmp_path, [_result(alice, 0, seed=11)])
    assert _in(tmp_path, ["gradebook", "adjust", alice, "--points", "0.5",
                          "--reason", "regrade request: right idea, sign slip"]) == 0
    err = capsys.readouterr().err
    assert f"'{alice}' adjusted; final 0.5 / 1" in err
    row = _rows(tmp_path)[alice]
    assert (row["total"], row["adjustment"], row["final"]) == ("0", "0.5", "0.5")
    assert row["adjustment_reason"] == "added 0.5 points: regrade request: right idea, sign slip"
    [feedback] = (tmp_path / "feedback").glob("alice__*.txt")
    text = feedback.read_text()
    assert "Score: 0 / 1 (automatic)\nAdjusted by your instructor:\n" \
           "  - +0.5 points: regrade request: right idea, sign slip\nFinal score: 0.5 / 1" in text
    # a regrade with the same score keeps it, unflagged; the feedback still shows it
    _grade(tmp_path, [_result(alice, 0, seed=11)])
    assert _rows(tmp_path)[alice]["final"] == "0.5"
    assert "Final score: 0.5 / 1" in feedback.read_text()
    # a regrade that changes the automatic score: re-applied, flagged for review
    _grade(tmp_path, [_result(alice, 1, seed=12, sha="c" * 64)])
    row = _rows(tmp_path)[alice]
    assert (row["total"], row["adjustment"], row["final"]) == ("1", "0.5", "1.5")
    assert row["adjustment_reason"].startswith("REVIEW: the automatic total was 0 when "
                                               "adjusted, now 1; added 0.5 points")
    assert _in(tmp_path, ["gradebook", "export", "--format", "canvas", "--out", "c.csv"]) == 0
    assert list(csv.reader((tmp_path / "c.csv").open()))[2][-1] == "1.5"
    # an exercise set to a number of points, then every adjustment removed
    assert _in(tmp_path, ["gradebook", "adjust", alice, "--exercise", "warmup_sum_of_squares",
                          "--set", "0.25", "--reason", "late fix accepted for a quarter"]) == 0
    row = _rows(tmp_path)[alice]
    # the earlier +0.5 and the exercise's 1 -> 0.25 (-0.75) together: -0.25 on a total of 1
    assert (row["adjustment"], row["final"]) == ("-0.25", "0.75")
    assert _in(tmp_path, ["gradebook", "adjust", alice, "--clear", "--reason", "undo"]) == 0
    assert "final" not in _rows(tmp_path)[alice]  # no term column left in use
    assert "Adjusted" not in feedback.read_text()


@pytest.mark.parametrize("args, message", [
    (["--points", "1", "--reason", " "], "give the reason with --reason"),
    (["--reason", "why"], "give either --points N"),
    (["--exercise", "rnn_backward", "--set", "1", "--reason", "why"],
     "'rnn_backward' is not graded in 'alice/00_welcome.ipynb'"),
])
def test_an_adjustment_without_what_it_needs_is_refused(tmp_path, capsys, args, message):
    _grade(tmp_path, [_result("alice/00_welcome.ipynb")])
    assert _in(tmp_path, ["gradebook", "adjust", "alice/00_welcome.ipynb", *args]) == 2
    assert message in capsys.readouterr().err
    assert _in(tmp_path, ["gradebook", "adjust", "nobody.ipynb", "--points", "1",
                          "--reason", "x"]) == 2
    assert "no row 'nobody.ipynb'" in capsys.readouterr().err


def test_every_grading_is_kept_and_listed(tmp_path, capsys):
    alice = "alice/00_welcome.ipynb"
    _grade(tmp_path, [_result(alice, 0, seed=11, sha="d" * 64)])
    first = json.loads((tmp_path / "gradebook-term.json").read_text())["history"][0]
    _grade(tmp_path, [_result(alice, 1, seed=12, sha="e" * 64)])
    ledger = term.read_ledger(tmp_path / "gradebook.csv")
    assert [(h["seed"], h["sha256"][:1], h["total"], h["student_id"])
            for h in ledger.history] == [(11, "d", 0, "s1"), (12, "e", 1, "s1")]
    assert ledger.history[0] == first
    # each grading's report is kept; the first still says what the first grading gave
    kept = json.loads((tmp_path / ledger.history[0]["report"]).read_text())
    assert (kept["seed"], kept["total"]) == (11, 0)
    assert _in(tmp_path, ["gradebook", "history", "s1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and "alice/00_welcome.ipynb (s1)  seed 11  sha256 dddddddddddd  0/1" \
        in lines[0] and "seed 12" in lines[1]
    assert _in(tmp_path, ["gradebook", "history", "zed"]) == 2


def test_a_ledger_that_is_not_one_is_refused_and_kept(tmp_path):
    (tmp_path / "gradebook-term.json").write_text("[1, 2]")
    with pytest.raises(term.LedgerError, match="is not a ledger written by rnncourse"):
        _grade(tmp_path, [_result("alice/00_welcome.ipynb")])
    assert (tmp_path / "gradebook-term.json").read_text() == "[1, 2]"
    assert not (tmp_path / "gradebook.csv").exists()
    # rnncourse grade refuses it before grading anything (exit code 2)
    import io

    from rnncourse.grading.batch.run import grade_paths
    from tests.grading.test_grading_corpus import lesson_notebook, write
    (tmp_path / "subs").mkdir()
    write(lesson_notebook(), tmp_path / "subs" / "a.ipynb")
    out = io.StringIO()
    assert grade_paths([tmp_path / "subs"], out=tmp_path / "gradebook.csv", stream=out) == 2
    assert out.getvalue().startswith("rnncourse grade: error: the term ledger ")
    assert "is not a ledger written by rnncourse (format 1). It was not changed" in out.getvalue()


# ----------------------------------------------------------------------------- late work
POLICY = {"due": "2026-12-04T23:59:00Z", "grace_minutes": 15, "per_day": 10, "max": 30,
          "cutoff": "2026-12-11T23:59:00Z", "extensions": {"s4": "2026-12-06T23:59:00Z"}}


@pytest.mark.parametrize("submitted, sid, score, expected", [
    ("2026-12-04T23:59:00Z", "s1", 9, 0),       # at the due date
    ("2026-12-05T00:13:59Z", "s1", 9, 0),       # within the 15 minutes of grace
    ("2026-12-05T00:14:01Z", "s1", 9, 1),       # 2 s past the grace: one started day, 10% of 10
    ("2026-12-06T00:14:01Z", "s1", 9, 2),       # a day and 2 s: two days
    ("2026-12-10T12:00:00Z", "s1", 9, 3),       # six days: 60%, capped at 30%
    ("2026-12-10T12:00:00Z", "s1", 2, 2),       # never more than the score
    ("2026-12-12T00:00:00Z", "s1", 9, 9),       # after the cut-off: all of it
    ("2026-12-06T12:00:00Z", "s4", 9, 0),       # before s4's extended due date
    ("2026-12-07T12:00:00Z", "s4", 9, 1),       # half a day after it
    ("2026-12-12T00:00:00Z", "s4", 9, 3),       # s4's cut-off moved two days as well: capped
    ("2026-12-14T00:00:00Z", "s4", 9, 9),       # ... and after it
])
def test_the_late_penalty_follows_the_rules(submitted, sid, score, expected):
    assert term.late_penalty(POLICY, submitted, sid, score, 10)[0] == expected


def test_the_late_penalty_says_why():
    assert term.late_penalty(POLICY, "2026-12-10T12:00:00Z", "s1", 9, 10)[1] == (
        "submitted 2026-12-10T12:00:00Z, 6 day(s) after the due date 2026-12-04T23:59:00Z and 15 "
        "minutes of grace: 10% of 10 points per day, at most 30%, 3 points")
    assert term.late_penalty(POLICY, "2026-12-07T12:00:00Z", "s4", 9, 10)[1].startswith(
        "submitted 2026-12-07T12:00:00Z, 1 day(s) after your extended due date "
        "2026-12-06T23:59:00Z")
    assert term.late_penalty(POLICY, "2026-12-12T00:00:00Z", "s1", 9, 10)[1] == (
        "submitted 2026-12-12T00:00:00Z, after the cut-off 2026-12-11T23:59:00Z: scores 0")
    assert term.late_penalty(POLICY, None, "s1", 9, 10) == (
        0, "submission time unknown: no penalty; check it")
    assert term.late_penalty(POLICY, "2026-12-01T00:00:00Z", "s1", 9, 10,
                             "Canvas LATE mark")[1].endswith(
        "though the download has a Canvas LATE mark: no penalty; check it")
    assert term.lms_mark("fosterfay_LATE_4216_88999_x.ipynb") == "Canvas LATE mark"
    assert term.lms_mark("fosterfay_4216_88999_x.ipynb") is None


def test_a_late_submission_has_its_penalty_in_the_gradebook_feedback_and_export(tmp_path,
                                                                                 capsys):
    late_file = tmp_path / "alice.ipynb"
    late_file.write_text("{}")
    stamp = 1_796_515_200  # 2026-12-06T00:00:00Z: 23 h 46 min after the due date and grace
    os.utime(late_file, (stamp, stamp))
    alice = "alice/00_welcome.ipynb"
    policy = dict(POLICY, per_day=25, max=100)
    _grade(tmp_path, [_result(alice, 1, path=str(late_file))], late=policy)
    row = _rows(tmp_path)[alice]
    assert row["submitted"] == "2026-12-06T00:00:00Z (file time)"
    assert (row["total"], row["penalty"], row["final"]) == ("1", "0.25", "0.75")
    assert row["late"] == ("submitted 2026-12-06T00:00:00Z, 1 day(s) after the due date "
                           "2026-12-04T23:59:00Z and 15 minutes of grace: 25% of 1 points per "
                           "day, 0.25 points")
    [feedback] = (tmp_path / "feedback").glob("alice__*.txt")
    assert ("Score: 1 / 1 (automatic)\nLate penalty: -0.25 points: submitted "
            "2026-12-06T00:00:00Z, 1 day(s) after the due date") in feedback.read_text()
    assert "Final score: 0.75 / 1" in feedback.read_text()
    assert _in(tmp_path, ["gradebook", "export", "--format", "canvas", "--out", "c.csv"]) == 0
    assert list(csv.reader((tmp_path / "c.csv").open()))[2][-1] == "0.75"
    # the time is in the history too, with where it came from
    [entry] = term.read_ledger(tmp_path / "gradebook.csv").history
    assert (entry["submitted"], entry["submitted_from"]) == ("2026-12-06T00:00:00Z", "file time")


@pytest.mark.parametrize("text, message", [
    ("due = 2026-12-04T23:59:00", "late.due = 2026-12-04T23:59:00: give the time zone, e.g. "
                                  "2026-12-04T23:59:00Z (UTC) or 2026-12-04T23:59:00+01:00"),
    ("grace_minutes = 5", "[lessons.00_welcome.late]: no due date; add due = "
                          "2026-12-04T23:59:00Z"),
    ("due = 2026-12-04T23:59:00Z\nper_day = 120", "late.per_day = 120: a percentage of the "
                                                  "lesson's points, 0 to 100"),
    ("due = 2026-12-04T23:59:00Z\ncutoff = 2026-12-01T00:00:00Z",
     "late.cutoff = 2026-12-01T00:00:00Z is before the due date 2026-12-04T23:59:00Z"),
    ("due = 2026-12-04T23:59:00Z\npenalty = 3", "unknown key 'penalty'; use due, grace_minutes, "
                                                "per_day, max, cutoff, extensions"),
    ("due = 2026-12-04T23:59:00Z\n[lessons.00_welcome.late.extensions]\ns4 = 2026-12-06",
     "late.extensions.s4 = 2026-12-06: write a date and time with its zone"),
])
def test_the_late_rules_are_checked(text, message):
    with pytest.raises(CourseFileError) as caught:
        parse_course(f"[lessons.00_welcome.late]\n{text}\n".encode())
    assert message in str(caught.value)
