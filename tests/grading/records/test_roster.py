"""grading.roster: reading a class roster and matching submissions to its students."""

from __future__ import annotations

import pytest

from rnncourse.grading.records.roster import candidate_keys, read_roster


def _roster(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "roster.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_the_columns_are_found_by_name_with_a_bom_extra_columns_and_spaces(tmp_path):
    path = _roster(tmp_path, "\ufeff Name ,Student_ID, Submission ,notes,email\n"
                             "Alice A, s1 ,alice,late,alice@example.org\n\n"
                             "Bob B,s2,Bob,,\n")
    roster = read_roster(path)
    assert [(s.key, s.student_id, s.name, s.email) for s in roster.students] == [
        ("alice", "s1", "Alice A", "alice@example.org"), ("Bob", "s2", "Bob B", "")]
    assert roster.students[0].label == "s1 (Alice A)"


def test_semicolon_separated_rosters_are_read(tmp_path):
    roster = read_roster(_roster(tmp_path, "submission;student_id;name\nalice;s1;Alice, A\n"))
    assert [(s.key, s.name) for s in roster.students] == [("alice", "Alice, A")]


@pytest.mark.parametrize("text, message", [
    ("login,name\nalice,Alice\n",
     " has no column 'submission', 'student_id' (found: login, name); the columns read are "
     "submission, student_id and optionally name, email, login, section"),
    ("submission,student_id\nalice,s1\nALICE,s2\n",
     ", line 3: submission 'ALICE' is also on line 2; each student needs their own"),
    ("submission,student_id\nalice,s1\nbob,s1\n",
     ", line 3: student_id 's1' is also on line 2; list each student once"),
    ("submission,student_id\nalice,\n", ", line 2: the student_id is empty; fill it in or "
                                        "delete the line"),
    ("submission,student_id,name\nalice,s1,Alice\njose,s7,Núñez, José\n",
     ", line 3: 4 values but the header has 3 columns, so its columns would shift; put a value "
     "holding a ',' in double quotes (\"Núñez, José\")"),
    ("submission;student_id;name\njose;s7;Núñez; José\n",
     ", line 2: 4 values but the header has 3 columns, so its columns would shift; put a value "
     "holding a ';' in double quotes (\"Núñez; José\")"),
    ("", " is empty; it needs a header line with the columns submission, student_id (and "
         "optionally name, email, login, section)"),
])
def test_a_bad_roster_is_refused_naming_the_file_line_and_fix(tmp_path, text, message):
    path = _roster(tmp_path, text)
    with pytest.raises(ValueError) as info:
        read_roster(path)
    assert str(info.value) == f"the roster {str(path)!r}" + message


def test_trailing_empty_values_are_not_extra_columns(tmp_path):
    roster = read_roster(_roster(tmp_path, "submission,student_id,name\njose,s7,\"Núñez, José\",,\n"))
    assert [(s.student_id, s.name) for s in roster.students] == [("s7", "Núñez, José")]


def test_a_roster_that_is_not_utf8_or_missing_is_refused(tmp_path):
    path = _roster(tmp_path, "submission,student_id\nrené,s1\n", encoding="latin-1")
    with pytest.raises(ValueError, match="is not UTF-8 text .* save it as \"CSV UTF-8\""):
        read_roster(path)
    with pytest.raises(ValueError, match="argument --roster: no such file: '.*nope.csv'"):
        read_roster(tmp_path / "nope.csv")


def test_submissions_match_by_student_folder_or_file_name_prefix(tmp_path):
    roster = read_roster(_roster(tmp_path, "submission,student_id\nalice,s1\ncarol,s3\n"
                                           "smithjane,s4\nJane Doe,s5\n"))
    def who(identity):
        student, _ = roster.match(identity)
        return student.student_id if student else None
    assert who("alice/04_bptt.ipynb") == "s1"               # a per-student folder
    assert who("Alice/deep/er/04_bptt.ipynb") == "s1"       # case does not matter
    assert who("carol_04_bptt.ipynb") == "s3"               # a flat folder
    assert who("smithjane_1234_5678_04_bptt.ipynb") == "s4"  # Canvas's flat download
    assert who("smithjane_LATE_1234_5678_04_bptt.ipynb") == "s4"
    assert who("Jane Doe_77_assignsubmission_file_/04_bptt.ipynb") == "s5"  # Moodle's folders
    assert who("mallory/04_bptt.ipynb") is None
    assert who("04_bptt.ipynb") is None                     # no student in the name at all
    assert candidate_keys("bob/carol_x.ipynb") == ["bob"]   # a folder wins over the file name


def test_a_submission_matching_two_roster_entries_is_not_guessed(tmp_path):
    roster = read_roster(_roster(tmp_path, "submission,student_id\njane,s1\njane_doe,s2\n"))
    assert roster.match("jane_doe_04_bptt.ipynb") == (None, ["jane", "jane_doe"])
