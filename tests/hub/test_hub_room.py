"""hub.room: progress files in learners' homes -> the room's grid and summary, trusting nothing."""

from __future__ import annotations

import json
import os

import pytest
from room_fixtures import XSS_NAME, make_home, users, verdict

from rnncourse.checks.mistakes import course_order, mistake_message
from rnncourse.hub.room import MAX_NAME, Pseudonyms, Room


@pytest.fixture
def root(tmp_path):
    path = tmp_path / "homes"
    path.mkdir()
    return path


def rows(snapshot):
    return {r["name"]: r for r in snapshot["learners"]}


def test_right_wrong_and_untouched_learners_fill_the_grid_and_summary(root):
    make_home(root, "ann", [verdict("rnn_step_backward", True),
                            verdict("rnn_backward", True)])
    make_home(root, "bob", [verdict("rnn_step_backward", True),
                            verdict("rnn_backward", False, "overwrite_shared")])
    make_home(root, "cy", [verdict("rnn_step_backward", False, "Wh_not_transposed"),
                           verdict("rnn_backward", False, "overwrite_shared")])
    snap = Room(root).snapshot(users("ann", "bob", "cy", "dee"))  # dee has no home yet
    assert set(snap) == {"learners", "exercises", "items", "summary", "generated"}
    assert snap["exercises"] == course_order() and "teacher" not in rows(snap)
    got = rows(snap)
    assert [r["name"] for r in snap["learners"]] == ["ann", "bob", "cy", "dee"]
    bob = got["bob"]["cells"]["rnn_backward"]
    assert bob == {"state": "failing", "mistake": "overwrite_shared",
                   "message": mistake_message("rnn_backward", "overwrite_shared")}
    assert got["ann"]["cells"]["rnn_backward"] == {"state": "passed", "mistake": None,
                                                   "message": "passed"}
    assert all(c["state"] == "not started" for c in got["dee"]["cells"].values())
    assert got["ann"]["cells"]["affine_forward"]["state"] == "not started"
    assert snap["summary"]["rnn_backward"] == {
        "passed": 1, "failing": 2, "not_started": 1,
        "top_mistake": {"id": "overwrite_shared", "count": 2,
                        "message": mistake_message("rnn_backward", "overwrite_shared")}}
    step = snap["summary"]["rnn_step_backward"]
    assert (step["passed"], step["failing"], step["top_mistake"]["id"]) == (
        2, 1, "Wh_not_transposed")
    assert snap["summary"]["affine_forward"]["top_mistake"] is None
    assert snap["items"]["q04_total_vs_partial"] == {"lesson": "04_bptt", "kind": "question"}


def test_the_latest_verdict_is_the_state(root):
    make_home(root, "ann", [verdict("rnn_backward", True, minute=1),
                            verdict("rnn_backward", False, "forward_loop", minute=2)])
    cell = rows(Room(root).snapshot(users("ann")))["ann"]["cells"]["rnn_backward"]
    assert (cell["state"], cell["mistake"]) == ("failing", "forward_loop")


def test_a_forged_record_cannot_claim_another_learner(root):
    forged = json.loads(verdict("rnn_backward", True).to_line())
    claims = [dict(forged, name="bob"), dict(forged, user="bob"), dict(forged, learner="bob")]
    make_home(root, "mallory", raw=b"".join(json.dumps(c).encode() + b"\n" for c in claims)
              + verdict("affine_forward", True).to_line())
    make_home(root, "bob", [verdict("rnn_backward", False, "forward_loop")])
    got = rows(Room(root).snapshot(users("mallory", "bob")))
    assert got["bob"]["cells"]["rnn_backward"]["state"] == "failing"
    assert got["mallory"]["cells"]["rnn_backward"]["state"] == "not started"
    assert got["mallory"]["cells"]["affine_forward"]["state"] == "passed"
    assert got["mallory"]["skipped"] == 3 and got["bob"]["skipped"] == 0


def test_a_hand_edited_file_is_skipped_line_by_line_and_counted(root):
    good = verdict("affine_forward", False, "forgot_bias")
    wrong_lesson = json.loads(good.to_line()) | {"lesson": "04_bptt"}
    made_up = json.loads(good.to_line()) | {"mistake": "not_a_mistake"}
    odd_points = json.loads(good.to_line()) | {"points": 1, "possible": 1}
    unknown = json.loads(good.to_line()) | {"id": "rm_rf"}
    html = json.loads(good.to_line()) | {"mistake": "<script>alert(1)</script>"}
    raw = b"".join(json.dumps(x).encode() + b"\n" for x in (wrong_lesson, made_up, odd_points,
                                                             unknown, html))
    raw += b"\x00\x01\xff binary\n{not json\n" + b"9" * 100_000 + b"\n" + b"[" * 5000 + b"\n"
    make_home(root, "eve", [good], raw=raw)
    eve = rows(Room(root).snapshot(users("eve")))["eve"]
    assert eve["skipped"] == 9
    assert eve["cells"]["affine_forward"] == {
        "state": "failing", "mistake": "forgot_bias",
        "message": mistake_message("affine_forward", "forgot_bias")}


def test_files_that_are_not_the_learners_own_are_refused(root):
    make_home(root, "bob", [verdict("rnn_backward", True)])
    home = make_home(root, "mallory")
    (home / ".rnncourse").mkdir()
    (home / ".rnncourse" / "progress.jsonl").symlink_to(root / "rc-bob/.rnncourse/progress.jsonl")
    fifo_home = make_home(root, "fifo")
    (fifo_home / ".rnncourse").mkdir()
    os.mkfifo(fifo_home / ".rnncourse" / "progress.jsonl")
    linked = make_home(root, "linked")
    (linked / ".rnncourse").symlink_to(root / "rc-bob/.rnncourse")
    got = rows(Room(root).snapshot(users("bob", "mallory", "fifo", "linked")))
    assert got["bob"]["cells"]["rnn_backward"]["state"] == "passed"
    assert "linked" not in got and got["learner 1"]["anonymous"]  # unreadable folder: in doubt
    for name in ("mallory", "fifo", "learner 1"):
        assert got[name]["cells"]["rnn_backward"]["state"] == "not started", name
        assert got[name]["skipped"] >= 1, name


def test_hostile_login_names_are_kept_as_text_cut_short_and_never_escape_the_homes(root):
    """The hub refuses such names for accounts, so they have no home; the room still lists them,
    as text, with nothing started, and never looks outside the homes root."""
    make_home(root, "ann", [verdict("rnn_backward", True)])
    long_name = "x" * 500
    snap = Room(root).snapshot(users("ann", XSS_NAME, long_name, "../../etc", "a/b", "..",
                                     "\x1b[2J"))
    got = rows(snap)
    names = [r["name"] for r in snap["learners"]]
    assert XSS_NAME in names and "../../etc" in names and "\ufffd[2J" in names
    assert max(len(n) for n in names) == MAX_NAME and "x" * (MAX_NAME - 1) + "…" in names
    for name in (XSS_NAME, "../../etc", "a/b", ".."):
        assert all(c["state"] == "not started" for c in got[name]["cells"].values()), name
    assert got["ann"]["cells"]["rnn_backward"]["state"] == "passed"


def test_anonymous_learners_get_stable_numbers_and_their_names_appear_nowhere(root):
    make_home(root, "zoe", [verdict("rnn_backward", True)], anonymous=True)
    make_home(root, "yan", anonymous=True)
    make_home(root, "xia", anonymous=False)
    room = Room(root, Pseudonyms(key=b"k" * 32))
    first = room.snapshot(users("zoe", "yan", "xia"))
    text = json.dumps(first)
    assert "zoe" not in text and "yan" not in text and "xia" in text
    anon = {r["name"]: r for r in first["learners"] if r["anonymous"]}
    assert set(anon) == {"learner 1", "learner 2"}
    zoe_number = next(n for n, r in anon.items() if r["cells"]["rnn_backward"]["state"] == "passed")
    make_home(root, "abe", anonymous=True)
    second = room.snapshot(users("zoe", "yan", "xia", "abe"))
    again = {r["name"]: r for r in second["learners"] if r["anonymous"]}
    assert again[zoe_number]["cells"]["rnn_backward"]["state"] == "passed"
    assert "learner 3" in again
    assert [r["name"] for r in second["learners"]] == ["xia", "learner 1", "learner 2", "learner 3"]


def test_a_changed_file_is_read_again_and_an_unchanged_one_is_not(root, monkeypatch):
    home = make_home(root, "ann", [verdict("rnn_backward", False, "forward_loop")])
    room = Room(root)
    assert rows(room.snapshot(users("ann")))["ann"]["cells"]["rnn_backward"]["state"] == "failing"
    reads = []
    import rnncourse.hub.room as room_module
    real = room_module.read_progress
    monkeypatch.setattr(room_module, "read_progress", lambda *a, **k: reads.append(a) or real(*a, **k))
    room.snapshot(users("ann"))
    assert reads == []
    from rnncourse.progress import record
    record(verdict("rnn_backward", True, minute=5), home / ".rnncourse")
    assert rows(room.snapshot(users("ann")))["ann"]["cells"]["rnn_backward"]["state"] == "passed"
    assert len(reads) == 1
