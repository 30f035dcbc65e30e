"""grading.summary: the end-of-run summary lists everything an instructor must look at."""

from __future__ import annotations

from rnncourse.grading.batch.summary import summary_lines, wrong_lesson_lines
from rnncourse.grading.judging.results import SubmissionResult
from rnncourse.grading.records.gradebook_csv import MergeReport


def test_the_summary_names_the_seed_the_merge_and_every_unmatched_row():
    report = MergeReport(replaced=["bob/x.ipynb"], added=[], kept=3,
                         unmatched=["zed/x.ipynb", "04_bptt.ipynb"],
                         ambiguous={"jane_doe_x.ipynb": ["jane", "jane_doe"]},
                         missing=["s4 (Dave D)"], shared={"s1": ["a/x.ipynb", "a/y.ipynb"]},
                         kept_aside="gb.csv.changed-during-grading")
    assert summary_lines(report, 1, 1234, "gb.csv", "submissions") == [
        "rnncourse grade: 1 submission(s) graded with seed 1234; regrade exactly with --seed 1234",
        "rnncourse grade: gradebook 'gb.csv': 1 row replaced, 0 added, 3 kept; rows are named "
        "relative to 'submissions' (--root)",
        "rnncourse grade: WARNING: 'gb.csv' was changed while grading (by you, or by a submission "
        "graded without a sandbox); the rows were merged into its content from before grading, "
        "and the changed file was kept as 'gb.csv.changed-during-grading'",
        "rnncourse grade: 2 submission(s) match no roster entry (no student id): zed/x.ipynb, "
        "04_bptt.ipynb",
        "rnncourse grade: 'jane_doe_x.ipynb' matches several roster entries (jane, jane_doe); it "
        "has no student id: rename its folder or fix the roster",
        "rnncourse grade: 1 roster student(s) have no submission (status 'missing'): s4 (Dave D)",
        "rnncourse grade: student 's1' is matched by 2 submissions: a/x.ipynb, a/y.ipynb; the "
        "export needs one row per student"]


def test_without_a_gradebook_only_the_seed_is_reported():
    assert summary_lines(None, 2, 7, "gb.csv", ".") == [
        "rnncourse grade: 2 submission(s) graded with seed 7; regrade exactly with --seed 7"]


def test_the_notebooks_of_another_lesson_are_listed():
    rows = [SubmissionResult(name="a.ipynb"),
            SubmissionResult.wrong_lesson("02_recurrence_and_cycles", "04_bptt", name="b.ipynb")]
    assert wrong_lesson_lines(rows[:1], "04_bptt") == []
    assert wrong_lesson_lines(rows, "04_bptt") == [
        "rnncourse grade: 1 submission(s) are another lesson than --lesson 04_bptt and were not "
        "graded (0 points); check they are the right uploads:",
        "  b.ipynb: wrong lesson: 02_recurrence_and_cycles"]
