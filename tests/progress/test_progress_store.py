"""progress.store: appending is one private line at a time, and reading refuses what is unsafe."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat

import pytest

from rnncourse.progress import store
from rnncourse.progress.record_format import make_record
from rnncourse.progress.store import (
    PREVIOUS_FILE,
    PROGRESS_FILE,
    is_anonymous,
    progress_dir,
    read_progress,
    record,
    recording_enabled,
    set_anonymous,
)


def rec(i=0, passed=True):
    return make_record("rnn_backward", "04_bptt", passed, None if passed else "no_sum_over_time",
                       3 if passed else 0, 3, time=f"2026-12-08T01:00:{i % 60:02d}Z")


def test_the_folder_comes_from_the_environment_or_the_home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert progress_dir({}) == tmp_path / ".rnncourse"
    assert progress_dir({"RNNCOURSE_PROGRESS_DIR": "/x/y"}) == store.Path("/x/y")


@pytest.mark.parametrize("env, on", [({}, True), ({"RNNCOURSE_PROGRESS": "on"}, True),
                                     ({"RNNCOURSE_PROGRESS": "off"}, False),
                                     ({"RNNCOURSE_PROGRESS": " OFF "}, False),
                                     ({"RNNCOURSE_PROGRESS": "0"}, False),
                                     ({"NBGRADER_EXECUTION": "autograde"}, False),
                                     ({"NBGRADER_EXECUTION": "validate"}, False)])
def test_recording_is_off_when_switched_off_or_under_a_grader(env, on):
    assert recording_enabled(env) is on


def test_records_are_appended_as_lines_in_a_private_file(tmp_path):
    folder = tmp_path / "p"
    path = record(rec(1), folder)
    record(rec(2, passed=False), folder)
    assert path == folder / PROGRESS_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    lines = path.read_bytes().splitlines()
    assert [json.loads(x)["passed"] for x in lines] == [True, False]
    found = read_progress(folder)
    assert found.records == [rec(1), rec(2, passed=False)] and found.skipped == 0


def test_a_file_made_readable_by_others_is_made_private_again(tmp_path):
    path = record(rec(), tmp_path)
    path.chmod(0o644)
    record(rec(), tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def _append_many(folder, worker, n):
    for i in range(n):
        record(rec(worker * 1000 + i), folder)


def test_concurrent_writers_never_interleave_half_lines(tmp_path):
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_append_many, args=(tmp_path, w, 150)) for w in range(6)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    assert all(p.exitcode == 0 for p in procs)
    found = read_progress(tmp_path)
    assert len(found.records) == 900 and found.skipped == 0


def test_past_the_size_cap_the_file_is_rotated_and_the_oldest_records_dropped(tmp_path,
                                                                             monkeypatch):
    size = len(rec().to_line())
    monkeypatch.setattr(store, "MAX_BYTES", 10 * size)
    for i in range(35):
        record(rec(i), tmp_path)
    current, previous = tmp_path / PROGRESS_FILE, tmp_path / PREVIOUS_FILE
    assert current.stat().st_size <= 10 * size and previous.stat().st_size == 10 * size
    found = read_progress(tmp_path)
    assert [r.time for r in found.records] == [rec(i).time for i in range(20, 35)]


def test_writing_somewhere_unwritable_raises_oserror_for_the_caller_to_swallow(tmp_path):
    (tmp_path / PROGRESS_FILE).mkdir()
    with pytest.raises(OSError):
        record(rec(), tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(OSError):
        record(rec(), blocker / "sub")


def test_a_fifo_never_blocks_the_writer_or_the_reader(tmp_path):
    os.mkfifo(tmp_path / PROGRESS_FILE)
    with pytest.raises(OSError):
        record(rec(), tmp_path)
    found = read_progress(tmp_path)
    assert found.records == [] and found.problems == ["progress.jsonl: not a regular file"]


def test_symlinks_are_never_followed_when_reading_or_writing(tmp_path):
    other = tmp_path / "other"
    record(rec(), other)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / PROGRESS_FILE).symlink_to(other / PROGRESS_FILE)
    found = read_progress(mine)
    assert found.records == [] and "progress.jsonl: not readable" in found.problems[0]
    with pytest.raises(OSError):
        record(rec(), mine)
    (tmp_path / "linked").symlink_to(other, target_is_directory=True)
    found = read_progress(tmp_path / "linked")
    assert found.records == [] and "not a readable folder" in found.problems[0]


def test_a_file_owned_by_someone_else_is_refused(tmp_path):
    record(rec(), tmp_path)
    assert read_progress(tmp_path, owner_uid=os.getuid()).records == [rec()]
    found = read_progress(tmp_path, owner_uid=os.getuid() + 1)
    assert found.records == [] and found.problems == ["progress.jsonl: owned by another user"]


def test_garbage_lines_are_skipped_and_counted(tmp_path):
    record(rec(1), tmp_path)
    with open(tmp_path / PROGRESS_FILE, "ab") as fh:
        fh.write(b"not json\n\xff\xfe\x00\x01binary\n" + b"x" * 5000 + b"\n\n   \n"
                 + b'{"v": 1, "id": "<img src=x onerror=alert(1)>"}\n')
    record(rec(2), tmp_path)
    found = read_progress(tmp_path)
    assert found.records == [rec(1), rec(2)] and found.skipped == 4


def test_a_huge_hand_edited_file_is_read_from_its_newest_end_only(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "MAX_BYTES", 2000)
    with open(tmp_path / PROGRESS_FILE, "wb") as fh:
        fh.write(b"y" * 100_000 + b"\n")
        for i in range(3):
            fh.write(rec(i).to_line())
    found = read_progress(tmp_path)
    assert found.records == [rec(i) for i in range(3)] and found.skipped >= 1


def test_missing_folder_or_file_is_no_records(tmp_path):
    assert read_progress(tmp_path / "none").records == []
    assert read_progress(tmp_path).records == [] and read_progress(tmp_path).problems == []


def test_the_anonymity_preference_round_trips_and_doubt_means_anonymous(tmp_path):
    assert is_anonymous(tmp_path) is False
    path = set_anonymous(True, tmp_path)
    assert is_anonymous(tmp_path) is True and stat.S_IMODE(path.stat().st_mode) == 0o600
    set_anonymous(False, tmp_path)
    assert is_anonymous(tmp_path) is False
    for text in ["garbage", '{"anonymous": "no"}', '{"anonymous": false, "name": "x"}', "[]",
                 '{"anonymous": 0}', "x" * 10_000]:
        path.write_text(text)
        assert is_anonymous(tmp_path) is True, text
    path.unlink()
    path.symlink_to(tmp_path / "elsewhere.json")
    assert is_anonymous(tmp_path) is True
