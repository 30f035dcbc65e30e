"""The Moodle feedback zip, read the way Moodle's feedback importer reads it.

``moodle_import`` restates the rule of Moodle's ``assignfeedback_file`` zip importer
(``is_valid_filename_for_import``): split each path part at ``_`` into at most five pieces; a part
with four or more whose second piece is a known participant id names the student, its third and
fourth the plugin, and what follows is the file's name.
"""

from __future__ import annotations

import zipfile

from rnncourse.grading.platforms.moodle_feedback import moodle_feedback_zip, participant_folder

PARTICIPANTS = {4211: "Jane Smith", 4212: "Ravi Kumar"}
PLUGINS = {("assignsubmission", "file"), ("assignfeedback", "file")}


def moodle_import(path):
    """``(participant id, file name)`` Moodle would import ``path`` as, or None."""
    parts = path.split("/")
    while parts:
        info = parts.pop(0).split("_", 4)
        if len(info) < 4 or not info[1].isdigit() or int(info[1]) not in PARTICIPANTS:
            continue
        if (info[2], info[3]) not in PLUGINS:
            continue
        return int(info[1]), "/".join([info[4] if len(info) > 4 else ""] + parts)
    return None


def test_each_page_lands_in_its_students_moodle_folder(tmp_path):
    pages = {"Jane Smith_4211_assignsubmission_file_/04_bptt.ipynb": b"<p>jane</p>",
             "Ravi Kumar_4212_assignsubmission_file/04_bptt.ipynb": b"<p>ravi</p>",  # Moodle >= 4.1
             "alice/04_bptt.ipynb": b"<p>not from moodle</p>",
             "smithjane_4211_88301_04_bptt.ipynb": b"<p>canvas</p>"}
    placed, left_out = moodle_feedback_zip(pages, tmp_path / "feedback.zip")
    assert left_out == ["alice/04_bptt.ipynb", "smithjane_4211_88301_04_bptt.ipynb"]
    with zipfile.ZipFile(tmp_path / "feedback.zip") as archive:
        imported = {moodle_import(n): archive.read(n) for n in archive.namelist()}
    assert imported == {(4211, "/feedback-04_bptt.html"): b"<p>jane</p>",
                        (4212, "/feedback-04_bptt.html"): b"<p>ravi</p>"}


def test_a_folder_that_is_not_moodles_is_not_taken_for_one():
    assert participant_folder("Jane Smith_4211_assignsubmission_file_/a.ipynb") == \
        "Jane Smith_4211_assignsubmission_file_"
    assert participant_folder("Jane_Smith_4211_assignsubmission_file_/a.ipynb") is None
    assert participant_folder("Jane Smith_x_assignsubmission_file_/a.ipynb") is None
    assert participant_folder("Jane Smith_4211_assignsubmission_file_.ipynb") is None
    assert moodle_import("Jane_Smith_4211_assignsubmission_file_/f.html") is None  # the rule agrees
