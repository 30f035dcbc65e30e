"""progress.record_format: a record's JSON line, and every malformed line read back is refused."""

from __future__ import annotations

import json

import pytest

from rnncourse.progress.record_format import MAX_LINE_BYTES, Record, make_record, parse_line

GOOD = {"v": 1, "id": "rnn_backward", "lesson": "04_bptt", "passed": False,
        "mistake": "Wh_not_transposed", "points": 0, "possible": 3, "knock_on": None,
        "time": "2026-12-08T01:23:45.123456Z"}


def line(**changes):
    data = {**GOOD, **changes}
    for key in [k for k, v in changes.items() if v is KeyError]:
        del data[key]
    return json.dumps(data).encode()


def test_a_record_round_trips_through_its_line():
    rec = make_record("rnn_backward", "04_bptt", False, "Wh_not_transposed", 0, 3,
                      time="2026-12-08T01:23:45.123456Z")
    raw = rec.to_line()
    assert raw.endswith(b"\n") and raw.count(b"\n") == 1
    assert json.loads(raw) == GOOD
    assert parse_line(raw.rstrip(b"\n")) == rec
    back = parse_line(line(knock_on=["rnn_step_backward"], passed=True, points=3))
    assert back.knock_on == ("rnn_step_backward",) and back.passed and back.points == 3


def test_make_record_stamps_utc_now_and_refuses_a_bad_field():
    rec = make_record("q04_total_vs_partial", "04_bptt", True, None, 0.5, 0.5)
    assert rec.time.endswith("Z") and len(rec.time) == 27
    with pytest.raises(ValueError, match=r"not a progress record: id '<b>x</b>' is not an "
                                         r"exercise id"):
        make_record("<b>x</b>", "04_bptt", True)


@pytest.mark.parametrize("raw", [
    b"", b"not json", b"\xff\xfe\x00garbage", b"[1, 2]", b'"a string"', b"null",
    line(id="<img src=x onerror=alert(1)>"), line(id=""), line(id="x" * 65), line(id=7),
    line(lesson="04"), line(lesson=None), line(passed="yes"), line(passed=1),
    line(mistake="<script>"), line(mistake=""), line(mistake=["a"]),
    line(mistake=" or ".join(["m"] * 5)),
    line(points=-1), line(points=float("inf")), line(points=True), line(points=4, possible=3),
    line(possible=10 ** 6), line(knock_on="rnn_step_backward"), line(knock_on=[1]),
    line(knock_on=["a"] * 9), line(time="yesterday"), line(time="2026-13-45T99:00:00Z"),
    line(time="2026-12-08T01:23:45+01:00"), line(v=2), line(v=True), line(v=KeyError),
    line(name="alice"), line(code="def f(): pass"),
    b'{"v": 1, "id": "rnn_backward", "id": "x"' + b"]" * 5,
    b"[" * 100_000,
], ids=lambda raw: raw[:40].decode("utf-8", "replace"))
def test_a_line_that_is_not_exactly_a_record_is_refused(raw):
    assert parse_line(raw) is None


def test_a_line_longer_than_the_cap_is_refused_even_if_valid():
    padded = line()[:-1] + b" " * MAX_LINE_BYTES + b"}"
    assert json.loads(padded) == GOOD and parse_line(padded) is None


def test_a_duplicate_key_cannot_smuggle_a_second_value_past_validation():
    # json keeps the last duplicate: the value validated is the value used
    raw = line()[:-1] + b', "id": "x<y"}'
    assert parse_line(raw) is None


def test_record_is_frozen():
    rec = parse_line(line())
    assert isinstance(rec, Record)
    with pytest.raises(AttributeError):
        rec.passed = True
