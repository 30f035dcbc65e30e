"""grading.lms: Canvas, Moodle and plain CSV exports, read back with the csv module."""

from __future__ import annotations

import csv
import io

import pytest

from rnncourse.grading.platforms import lms
from rnncourse.grading.records import gradebook_csv
from rnncourse.grading.records.roster import read_roster

HEADER = "submission,student_id,name,lesson,status,seed,root,total,possible\n"


def _book(tmp_path, body):
    path = tmp_path / "gradebook.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return gradebook_csv.read_gradebook(path)


def _roster(tmp_path, body="submission,student_id,name,email,login,section\n"
                           "alice,s1,Alice A,alice@example.org,aa1,Mon\n"
                           "bob,s2,Bob B,bob@example.org,bb2,Tue\n"
                           "dave,s4,Dave D,dave@example.org,dd4,Mon\n"):
    path = tmp_path / "roster.csv"
    path.write_text(body, encoding="utf-8")
    return read_roster(path)


def _read(text):
    return list(csv.reader(io.StringIO(text)))


BODY = ("alice/04.ipynb,,,04_bptt,ok,5,subs,5,5\n"
        "bob/04.ipynb,,,04_bptt,timeout,5,subs,2,5\n"
        "zed/04.ipynb,,,04_bptt,ok,5,subs,1.5,5\n")


def test_canvas_export_has_canvas_columns_points_possible_and_every_roster_student(tmp_path):
    result = lms.export(_book(tmp_path, BODY), "canvas", roster=_roster(tmp_path))
    assert _read(result.text) == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "04_bptt"],
        ["Points Possible", "", "", "", "", "5"],
        ["Alice A", "", "s1", "aa1", "Mon", "5"],
        ["Bob B", "", "s2", "bb2", "Tue", "2"],
        ["Dave D", "", "s4", "dd4", "Mon", ""]]  # no submission: no grade, not a silent zero
    assert result.written == 3
    assert result.left_out == ["'zed/04.ipynb' matches no roster entry, so it has no student id: "
                               "add it to the roster, or enter its grade by hand"]


def test_moodle_export_has_an_id_number_column_and_the_assignment(tmp_path):
    result = lms.export(_book(tmp_path, BODY), "moodle", roster=_roster(tmp_path),
                        assignment="Lesson 4: BPTT")
    assert _read(result.text) == [
        ["ID number", "Full name", "Email address", "Lesson 4: BPTT"],
        ["s1", "Alice A", "alice@example.org", "5"],
        ["s2", "Bob B", "bob@example.org", "2"],
        ["s4", "Dave D", "dave@example.org", ""]]
    assert len(result.left_out) == 1 and result.left_out[0].startswith("'zed/04.ipynb'")


def test_the_plain_csv_keeps_every_row_also_unmatched_and_missing_ones(tmp_path):
    result = lms.export(_book(tmp_path, BODY), "csv", roster=_roster(tmp_path))
    assert _read(result.text) == [
        ["student_id", "name", "email", "submission", "lesson", "status", "total", "possible"],
        ["s1", "Alice A", "alice@example.org", "alice/04.ipynb", "04_bptt", "ok", "5", "5"],
        ["s2", "Bob B", "bob@example.org", "bob/04.ipynb", "04_bptt", "timeout", "2", "5"],
        ["s4", "Dave D", "dave@example.org", "", "04_bptt", "missing", "", ""],
        ["", "", "", "zed/04.ipynb", "04_bptt", "ok", "1.5", "5"]]
    assert result.left_out == []


def test_without_a_roster_the_gradebooks_own_students_are_exported(tmp_path):
    book = _book(tmp_path, "alice/04.ipynb,s1,Alice A,04_bptt,ok,5,subs,5,5\n"
                           ",s4,Dave D,04_bptt,missing,,,,\n"
                           "=evil.ipynb,s9,=HYPERLINK(1),04_bptt,ok,5,subs,0,5\n"
                           "zed.ipynb,,,04_bptt,ok,5,subs,5,5\n")
    result = lms.export(book, "canvas")
    assert _read(result.text)[2:] == [["'=HYPERLINK(1)", "", "s9", "", "", "0"],  # stays text
                                      ["Alice A", "", "s1", "", "", "5"],
                                      ["Dave D", "", "s4", "", "", ""]]
    assert result.left_out == ["'zed.ipynb' has no student id in the gradebook: export with "
                               "--roster, or enter its grade by hand"]


def test_several_lessons_need_one_chosen_and_a_student_with_two_rows_is_refused(tmp_path):
    book = _book(tmp_path, "a/04.ipynb,s1,A,04_bptt,ok,1,,5,5\n"
                           "a/05.ipynb,s1,A,05_training_in_practice,ok,1,,3,3\n")
    with pytest.raises(lms.ExportError, match=r"^the gradebook holds rows of 2 lessons \(04_bptt, "
                                              r"05_training_in_practice\); export one at a time "
                                              r"with --lesson ID$"):
        lms.export(book, "canvas")
    result = lms.export(book, "canvas", lesson="05_training_in_practice")
    assert _read(result.text)[1:] == [["Points Possible", "", "", "", "", "3"],
                                      ["A", "", "s1", "", "", "3"]]
    assert result.notes == ["1 row(s) of other lessons not exported: a/04.ipynb"]
    twice = _book(tmp_path, "a/x.ipynb,s1,A,04_bptt,ok,1,,5,5\na/y.ipynb,s1,A,04_bptt,ok,1,,0,5\n")
    with pytest.raises(lms.ExportError) as info:
        lms.export(twice, "moodle")
    assert str(info.value) == ("student 's1' has 2 rows (a/x.ipynb, a/y.ipynb); choose the one that "
                               "counts with rnncourse gradebook choose SUBMISSION (after grading "
                               "with this roster), or fix the roster")
    with pytest.raises(ValueError, match="unknown format 'blackboard'; use one of: canvas, "
                                         "moodle, csv"):
        lms.export(twice, "blackboard")


def test_a_submission_matching_two_roster_entries_is_listed_with_them(tmp_path):
    book = _book(tmp_path, "jane_doe_04.ipynb,,,04_bptt,ok,5,subs,5,5\n")
    roster = _roster(tmp_path, "submission,student_id\njane,s1\njane_doe,s2\n")
    result = lms.export(book, "canvas", roster=roster)
    assert result.left_out == ["'jane_doe_04.ipynb' matches several roster entries (jane, "
                               "jane_doe), so it has no student id: make them distinct, or enter "
                               "its grade by hand"]
    assert [r[2] for r in _read(result.text)[2:]] == ["s1", "s2"]  # both exported as missing


def test_a_student_with_a_row_of_another_lesson_only_is_missing_from_this_lessons_export(tmp_path):
    book = _book(tmp_path, "alice/04.ipynb,,,04_bptt,ok,1,,5,7\n"
                           "bob/05.ipynb,,,05_training_in_practice,ok,1,,3,3\n")
    result = lms.export(book, "csv", roster=_roster(tmp_path), lesson="05_training_in_practice")
    assert [(r[0], r[3], r[5], r[6]) for r in _read(result.text)[1:]] == [
        ("s1", "", "missing", ""), ("s2", "bob/05.ipynb", "ok", "3"), ("s4", "", "missing", "")]
    assert result.notes == ["1 row(s) of other lessons not exported: alice/04.ipynb"]


# ----------------------------------------------------------------------------- the registry

def test_every_format_has_its_own_writer_and_formats_come_from_the_registry():
    assert lms.FORMATS == tuple(lms.FORMAT_WRITERS) == ("canvas", "moodle", "csv")
    writers = list(lms.FORMAT_WRITERS.values())
    assert len(set(writers)) == len(writers)  # no two formats share a branch


@pytest.mark.parametrize("fmt", ["blackboard", "Canvas", "", None, 3])
def test_an_unknown_format_is_an_error_naming_it_and_the_known_ones(tmp_path, fmt):
    with pytest.raises(ValueError) as info:
        lms.export(_book(tmp_path, BODY), fmt)
    assert str(info.value) == f"unknown format {fmt!r}; use one of: canvas, moodle, csv"


def test_a_new_format_is_written_by_its_own_writer_not_by_another_formats(tmp_path, monkeypatch):
    seen = []

    def tsv_file(selection):
        seen.append(selection)
        text = "".join(f"{e.student_id}\t{e.total}\n" for e in selection.named)
        return lms.Export(text, len(selection.named))

    monkeypatch.setitem(lms.FORMAT_WRITERS, "tsv", tsv_file)
    result = lms.export(_book(tmp_path, BODY), "tsv", roster=_roster(tmp_path))
    assert result.text == "s1\t5\ns2\t2\ns4\t\n"
    assert [e.submission for e in seen[0].unmatched] == ["zed/04.ipynb"]
    assert (seen[0].column, seen[0].possible) == ("04_bptt", "5")


def test_the_selection_gives_the_largest_points_possible_and_none_without_rows():
    entries = [lms.Entry("s1", possible="5"), lms.Entry("s2", possible="12.5"), lms.Entry("s3")]
    assert lms.Selection(entries[:2], entries[2:], "x").possible == "12.5"
    assert lms.Selection([], [], "x").possible == ""
