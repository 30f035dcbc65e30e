"""grading.gradebook: reading an existing gradebook, merging a batch into it, writing it.

These build results in code; test_grading_week.py grades real notebooks into one gradebook.
"""

from __future__ import annotations

import csv
import io

import pytest

from rnncourse.checks import graded_for_lesson, points_for_lesson
from rnncourse.grading.judging.results import Status, SubmissionResult
from rnncourse.grading.records import gradebook_csv
from rnncourse.grading.records.roster import read_roster


def _result(name, points=1, lesson="00_welcome", seed=7, status=Status.OK):
    if lesson == "00_welcome":
        exercises = {"warmup_sum_of_squares": {"points": points, "possible": 1,
                                               "passed": bool(points), "flag": None,
                                               "message": "", "cases": []}}
    else:
        exercises = {}
    return SubmissionResult(name=name, lesson=lesson, seed=seed, status=status,
                            exercises=exercises).score()


def _rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def _merge(book, results, **kw):
    merged, report = gradebook_csv.merge(book, results, **kw)
    return _rows(gradebook_csv.gradebook_text(merged)), report, merged


# ----------------------------------------------------------------------------- merging
def test_a_merge_replaces_the_graded_rows_keeps_the_others_and_sorts_them():
    rows, report, book = _merge(None, [_result("bob/x.ipynb"), _result("alice/x.ipynb", 0)],
                                root="subs")
    assert [r["submission"] for r in rows] == ["alice/x.ipynb", "bob/x.ipynb"]
    assert (report.added, report.replaced, report.kept) == (["bob/x.ipynb", "alice/x.ipynb"], [], 0)
    late = _result("carol/x.ipynb", seed=9)
    regrade = _result("alice/x.ipynb", 1, seed=9)
    rows, report, _ = _merge(book, [regrade, late], root="subs")
    assert [(r["submission"], r["warmup_sum_of_squares"], r["seed"], r["root"]) for r in rows] == [
        ("alice/x.ipynb", "1", "9", "subs"), ("bob/x.ipynb", "1", "7", "subs"),
        ("carol/x.ipynb", "1", "9", "subs")]
    assert (report.replaced, report.added, report.kept) == (["alice/x.ipynb"], ["carol/x.ipynb"], 1)


def test_rows_of_another_lesson_merge_into_the_union_of_columns_in_catalogue_order():
    _, _, book = _merge(None, [_result("a.ipynb")])
    lesson3 = SubmissionResult(name="b.ipynb", lesson="03_unrolling", seed=3).score()
    rows, _, merged = _merge(book, [lesson3])
    header = gradebook_csv.gradebook_text(merged).splitlines()[0].split(",")
    assert header == ["submission", "student_id", "name", "lesson", "status", "seed", "root",
                      *[ex.id for ex in graded_for_lesson("00_welcome")],
                      *[ex.id for ex in graded_for_lesson("03_unrolling")], "total", "possible"]
    assert "warmup_sum_of_squares" in header and "rnn_forward" in header
    assert [r["warmup_sum_of_squares"] for r in rows] == ["1", ""]
    assert [r["rnn_forward"] for r in rows] == ["", "0"]
    assert [(r["total"], r["possible"]) for r in rows] == [
        ("1", f"{points_for_lesson('00_welcome'):g}"), ("0", f"{points_for_lesson('03_unrolling'):g}")]


def test_columns_of_the_instructors_own_are_kept_also_for_a_regraded_row(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text("submission,lesson,status,warmup_sum_of_squares,total,possible,comment\n"
                    "a.ipynb,00_welcome,ok,0,0,1,asked for an extension\n"
                    "b.ipynb,00_welcome,ok,1,1,1,\n", encoding="utf-8")
    rows, report, _ = _merge(gradebook_csv.read_gradebook(path), [_result("a.ipynb", 1)])
    assert [(r["submission"], r["total"], r["comment"]) for r in rows] == [
        ("a.ipynb", "1", "asked for an extension"), ("b.ipynb", "1", "")]
    assert report.replaced == ["a.ipynb"] and report.kept == 1


def test_a_formula_like_identity_is_defused_and_still_replaced_by_its_regrade():
    _, _, book = _merge(None, [_result("=cmd.ipynb", 0)])
    rows, report, _ = _merge(book, [_result("=cmd.ipynb", 1)])
    assert [(r["submission"], r["total"]) for r in rows] == [("'=cmd.ipynb", "1")]
    assert report.replaced == ["=cmd.ipynb"]


def test_a_regrade_without_a_roster_keeps_the_students_id_and_name():
    book = gradebook_csv.Gradebook(columns=[*gradebook_csv.HEAD, *gradebook_csv.TAIL], rows=[
        {"submission": "alice/x.ipynb", "student_id": "s1", "name": "Alice", "lesson": "00_welcome",
         "status": "ok", "total": "0", "possible": "1"}])
    rows, _, _ = _merge(book, [_result("alice/x.ipynb")])
    assert (rows[0]["student_id"], rows[0]["name"], rows[0]["total"]) == ("s1", "Alice", "1")


def test_with_a_roster_every_row_is_named_and_students_without_a_submission_listed(tmp_path):
    roster_file = tmp_path / "roster.csv"
    roster_file.write_text("submission,student_id,name\nalice,s1,Alice A\nbob,s2,Bob B\n"
                           "dave,s4,Dave D\n", encoding="utf-8")
    roster = read_roster(roster_file)
    rows, report, book = _merge(None, [_result("alice/x.ipynb"), _result("zed/x.ipynb")],
                                roster=roster, lesson="00_welcome")
    assert [(r["submission"], r["student_id"], r["name"], r["status"], r["total"]) for r in rows] == [
        ("alice/x.ipynb", "s1", "Alice A", "ok", "1"), ("zed/x.ipynb", "", "", "ok", "1"),
        ("", "s2", "Bob B", "missing", ""), ("", "s4", "Dave D", "missing", "")]
    assert rows[2]["lesson"] == "00_welcome"
    assert report.unmatched == ["zed/x.ipynb"]
    assert report.missing == ["s2 (Bob B)", "s4 (Dave D)"]
    # bob hands in late: his missing row goes, dave's stays
    rows, report, _ = _merge(book, [_result("bob/x.ipynb", 0)], roster=roster)
    assert [(r["submission"], r["student_id"], r["status"]) for r in rows] == [
        ("alice/x.ipynb", "s1", "ok"), ("bob/x.ipynb", "s2", "ok"), ("zed/x.ipynb", "", "ok"),
        ("", "s4", "missing")]
    assert (report.added, report.kept, report.missing) == (["bob/x.ipynb"], 2, ["s4 (Dave D)"])


# ----------------------------------------------------------------------------- reading
@pytest.mark.parametrize("content, problem", [
    (b"name,score\nalice,3\n", "has no column 'submission', 'lesson', 'status', 'total', "
                                "'possible' (found: name, score), so it was not written by "
                                "rnncourse grade."),
    (b"submission,lesson,status,total,possible\na,x,ok,1,1\na,x,ok,0,1\n",
     "has two rows for 'a' (lines 2 and 3)."),
    (b"submission,lesson,status,total,possible\na,x,ok,1,1,9\n",
     "has 6 cells in line 2 but 5 columns."),
    (b"submission,lesson,status,total,total,possible\n", "has the column 'total' twice."),
    (b"submission,lesson\xff,status\n", "is not UTF-8 text (byte 17)."),
])
def test_a_malformed_gradebook_is_refused_naming_the_file_and_the_fix(tmp_path, content, problem):
    path = tmp_path / "gradebook.csv"
    path.write_bytes(content)
    with pytest.raises(gradebook_csv.GradebookError) as info:
        gradebook_csv.read_gradebook(path)
    assert str(info.value) == (f"the gradebook {str(path)!r} {problem} It was not changed. Fix or "
                               f"move {str(path)!r}, or grade into another file with --out")


def test_an_old_gradebook_without_the_new_columns_is_read_and_a_bom_is_accepted(tmp_path):
    path = tmp_path / "g.csv"
    path.write_bytes("\ufeffsubmission,lesson,status,warmup_sum_of_squares,total,possible\n"
                     "a.ipynb,00_welcome,ok,1,1,1\n\n".encode("utf-8"))
    book = gradebook_csv.read_gradebook(path)
    assert [r["submission"] for r in book.rows] == ["a.ipynb"]
    rows, _, _ = _merge(book, [_result("b.ipynb", seed=5)])
    assert [(r["submission"], r["seed"]) for r in rows] == [("a.ipynb", ""), ("b.ipynb", "5")]
    assert gradebook_csv.read_gradebook(tmp_path / "none.csv") is None


# ----------------------------------------------------------------------------- grade_paths
def test_grading_into_a_file_that_is_not_a_gradebook_stops_before_grading(tmp_path):
    from rnncourse.grading import grade_paths
    from tests.grading.test_grading_corpus import lesson_notebook, write

    (tmp_path / "subs").mkdir()
    write(lesson_notebook(), tmp_path / "subs" / "a.ipynb")
    out = tmp_path / "marks.csv"
    out.write_bytes(b"name,score\nalice,3\n")
    stream = io.StringIO()
    assert grade_paths([tmp_path / "subs"], out=out, stream=stream) == 2
    assert stream.getvalue() == (
        f"rnncourse grade: error: the gradebook {str(out)!r} has no column 'submission', "
        "'lesson', 'status', 'total', 'possible' (found: name, score), so it was not written by "
        f"rnncourse grade. It was not changed. Fix or move {str(out)!r}, or grade into another "
        "file with --out\n")
    assert out.read_bytes() == b"name,score\nalice,3\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["marks.csv", "subs"]  # no reports
    (tmp_path / "roster.csv").write_text("login\nalice\n", encoding="utf-8")
    stream = io.StringIO()
    assert grade_paths([tmp_path / "subs"], out=tmp_path / "g.csv", stream=stream,
                       roster=tmp_path / "roster.csv") == 2
    assert stream.getvalue().startswith(f"rnncourse grade: error: the roster "
                                        f"{str(tmp_path / 'roster.csv')!r} has no column")
    stream = io.StringIO()
    assert grade_paths([tmp_path / "subs"], out=tmp_path / "g.csv", stream=stream,
                       root=tmp_path / "subs" / "a.ipynb") == 2
    assert "argument --root: " in stream.getvalue() and "is not a folder" in stream.getvalue()
    assert not (tmp_path / "g.csv").exists()


def test_missing_rows_are_per_lesson(tmp_path):
    roster_file = tmp_path / "roster.csv"
    roster_file.write_text("submission,student_id\nalice,s1\nbob,s2\n", encoding="utf-8")
    roster = read_roster(roster_file)
    _, _, book = _merge(None, [_result("alice/x.ipynb")], roster=roster)  # lesson 00
    lesson3 = SubmissionResult(name="bob/y.ipynb", lesson="03_unrolling", seed=3).score()
    rows, report, _ = _merge(book, [lesson3], roster=roster)
    assert [(r["submission"], r["student_id"], r["lesson"], r["status"]) for r in rows] == [
        ("alice/x.ipynb", "s1", "00_welcome", "ok"), ("bob/y.ipynb", "s2", "03_unrolling", "ok"),
        ("", "s2", "00_welcome", "missing"),   # from the first batch: bob has no lesson-0 row
        ("", "s1", "03_unrolling", "missing")]  # alice has a lesson-0 row, but none of lesson 3
    assert report.missing == ["s1"] and report.shared == {}
