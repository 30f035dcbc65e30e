"""grading.identity: which folder row names are relative to, and names that must not clash."""

from __future__ import annotations

import io

import pytest

from rnncourse.grading.records import gradebook_csv, identity


def test_a_folder_is_its_own_root_and_a_file_is_named_from_the_root_recorded(tmp_path):
    subs = tmp_path / "submissions"
    (subs / "alice").mkdir(parents=True)
    one = subs / "alice" / "04_bptt.ipynb"
    one.write_text("{}")
    out = tmp_path / "gradebook.csv"
    # a batch of the whole folder, even with one student folder only, keeps the folder name
    assert identity.submission_root([subs], out=out) == str(subs)
    assert identity.root_text(str(subs), out) == "submissions"
    book = gradebook_csv.Gradebook(rows=[{"submission": "alice/04_bptt.ipynb",
                                      "root": "submissions"}])
    # one file, regraded into that gradebook: the recorded root wins over the file's folder
    assert identity.submission_root([one], existing=book, out=out) == str(subs)
    # without a gradebook: the folder above the file's, so the student's folder is in the name
    assert identity.submission_root([one], out=out) == str(subs)
    assert identity.submission_root([one], root=subs / "alice") == str(subs / "alice")
    # files of several folders: their common folder; a folder with files: the folder
    (subs / "bob").mkdir()
    assert identity.submission_root([one, subs / "bob" / "x.ipynb"]) == str(subs)
    assert identity.submission_root([subs / "alice", subs / "bob" / "x.ipynb"]) == str(subs)


def test_a_root_that_does_not_hold_every_path_is_refused(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with pytest.raises(ValueError) as info:
        identity.submission_root([tmp_path / "b"], root=tmp_path / "a")
    assert str(info.value) == (f"argument --root: {str(tmp_path / 'b')!r} is not inside "
                               f"{str(tmp_path / 'a')!r}; give the folder that holds every "
                               "student's submission")
    with pytest.raises(ValueError, match="argument --root: '.*nope' is not a folder"):
        identity.submission_root([tmp_path / "a"], root=tmp_path / "nope")
    # a recorded root that does not hold the new path is not used
    book = gradebook_csv.Gradebook(rows=[{"submission": "x.ipynb", "root": "a"}])
    assert identity.submission_root([tmp_path / "b"], existing=book,
                                     out=tmp_path / "g.csv") == str(tmp_path / "b")


def test_a_file_named_like_a_row_of_another_root_does_not_replace_it(tmp_path):
    from rnncourse.grading import grade_paths
    from tests.grading.test_grading_corpus import lesson_notebook, write

    (tmp_path / "late" / "alice").mkdir(parents=True)
    write(lesson_notebook(), tmp_path / "late" / "alice" / "04_bptt.ipynb")
    out = tmp_path / "gradebook.csv"
    before = HEAD_LINE + "alice/04_bptt.ipynb,,,01_feedforward_backprop,ok,3,submissions,1,1\n"
    out.write_text(before, encoding="utf-8")  # graded from submissions/ earlier
    stream = io.StringIO()
    assert grade_paths([tmp_path / "late" / "alice" / "04_bptt.ipynb"], out=out,
                       stream=stream) == 2
    assert stream.getvalue() == (
        "rnncourse grade: error: the gradebook already has a row 'alice/04_bptt.ipynb' named "
        "relative to 'submissions', but this 'alice/04_bptt.ipynb' is relative to 'late': they "
        "are different files. Grade files from the folder the row was graded from "
        "('submissions'), or give --root so that the names differ\n")
    assert out.read_text(encoding="utf-8") == before


HEAD_LINE = "submission,student_id,name,lesson,status,seed,root,total,possible\n"
