"""``rnncourse gradebook export``: options, exit codes, messages, and the file it writes."""

from __future__ import annotations

import csv

import pytest

from rnncourse.cli import main

GRADEBOOK = ("submission,student_id,name,lesson,status,seed,root,total,possible\n"
             "alice/04.ipynb,,,04_bptt,ok,1,subs,5,7\n"
             "zed/04.ipynb,,,04_bptt,ok,1,subs,7,7\n")


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gradebook.csv").write_text(GRADEBOOK, encoding="utf-8")
    (tmp_path / "roster.csv").write_text("submission,student_id,name\nalice,s1,Alice\n"
                                         "bob,s2,Bob\n", encoding="utf-8")
    return tmp_path


def _read(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_export_to_moodle_lists_what_it_left_out_and_exits_1(files, capsys):
    code = main(["gradebook", "export", "--format", "moodle", "--roster", "roster.csv",
                 "--out", "moodle.csv"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.splitlines() == [
        "rnncourse gradebook export: NOT EXPORTED: 'zed/04.ipynb' matches no roster entry, so it "
        "has no student id: add it to the roster, or enter its grade by hand",
        "rnncourse gradebook export: 2 student(s) written to 'moodle.csv' (moodle); "
        "1 submission(s) left out, listed above"]
    assert _read(files / "moodle.csv") == [["ID number", "Full name", "Email address", "04_bptt"],
                                           ["s1", "Alice", "", "5"], ["s2", "Bob", "", ""]]


def test_the_plain_csv_export_leaves_nothing_out_and_exits_0(files, capsys):
    assert main(["gradebook", "export", "--format", "csv", "--out", "all.csv"]) == 0
    assert [r[3] for r in _read(files / "all.csv")] == ["submission", "alice/04.ipynb",
                                                        "zed/04.ipynb"]
    assert "2 student(s) written to 'all.csv' (csv)" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["--format", "canvas", "--out", "gradebook.csv"],
     "argument --out: 'gradebook.csv' is the gradebook itself; give another file name, such as "
     "canvas.csv"),
    (["--format", "canvas", "--roster", "roster.csv", "--out", "roster.csv"],
     "argument --out: 'roster.csv' is the roster itself; give another file name, such as "
     "canvas.csv"),
    (["--format", "canvas", "--gradebook", "nope.csv", "--out", "c.csv"],
     "argument --gradebook: no such file: 'nope.csv'; grade first (rnncourse grade ...) or give "
     "the gradebook's path"),
    (["--format", "blackboard", "--out", "c.csv"],
     "argument --format: invalid choice: 'blackboard' (choose from 'canvas', 'moodle', 'csv')"),
    (["--format", "canvas", "--lesson", "99", "--out", "c.csv"],
     "rnncourse gradebook export: error: argument --lesson: unknown lesson '99'; use one of: "
     "00_welcome"),
    (["--format", "canvas", "--roster", "missing.csv", "--out", "c.csv"],
     "rnncourse gradebook export: error: argument --roster: no such file: 'missing.csv'"),
])
def test_usage_errors_exit_2_and_name_the_value(files, capsys, argv, message):
    before = {p.name: p.read_bytes() for p in files.iterdir()}
    assert main(["gradebook", "export", *argv]) == 2
    assert message in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in files.iterdir()} == before  # nothing written


def test_a_malformed_gradebook_or_two_lessons_are_refused(files, capsys):
    (files / "gradebook.csv").write_text("name,score\n", encoding="utf-8")
    assert main(["gradebook", "export", "--format", "csv", "--out", "c.csv"]) == 2
    assert "the gradebook 'gradebook.csv' has no column 'submission'" in capsys.readouterr().err
    (files / "gradebook.csv").write_text(GRADEBOOK + "bob/05.ipynb,,,05_training_in_practice,ok,"
                                         "1,subs,3,3\n", encoding="utf-8")
    assert main(["gradebook", "export", "--format", "canvas", "--out", "c.csv"]) == 2
    assert ("rnncourse gradebook export: error: the gradebook holds rows of 2 lessons (04_bptt, "
            "05_training_in_practice); export one at a time with --lesson ID") \
        in capsys.readouterr().err
    assert not (files / "c.csv").exists()


def test_gradebook_without_a_command_says_which_to_choose(capsys):
    assert main(["gradebook"]) == 2
    assert "choose a command: export" in capsys.readouterr().err


def test_the_format_choices_and_their_help_come_from_the_registry(capsys):
    from rnncourse.cli import gradebook as gradebook_commands
    from rnncourse.grading.platforms import lms

    assert gradebook_commands.FORMATS is lms.FORMATS
    assert main(["gradebook", "export", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--format {canvas,moodle,csv}" in help_text
    assert "the file to write: canvas, moodle or csv" in help_text
