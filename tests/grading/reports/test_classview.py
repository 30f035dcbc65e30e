"""The class summary from a hand-written gradebook and reports: every number counted by hand."""

from __future__ import annotations

import json

import pytest

from rnncourse.checks import EXERCISES
from rnncourse.grading.reports.classview import ClassError, load_class, mistake_message, summarise

L4 = "04_bptt"
HEAD = "submission,student_id,name,lesson,status,seed,root,rnn_step_backward,rnn_backward,total,possible"


def _entry(points, possible, mistake=None, knock_on=None, flag=None, section=None):
    return {"points": points, "possible": possible, "passed": points == possible and not knock_on,
            "mistake": mistake, "knock_on": knock_on, "flag": flag, "section": section,
            "message": "m", "cases": []}


def _write(tmp_path, gradebook, reports, head=HEAD):
    (tmp_path / "gradebook.csv").write_text(head + "\n" + "\n".join(gradebook) + "\n",
                                            encoding="utf-8")
    folder = tmp_path / "gradebook-reports"
    folder.mkdir()
    for i, report in enumerate(reports):
        (folder / f"r{i}.json").write_text(json.dumps(report), encoding="utf-8")
    return tmp_path / "gradebook.csv"


def _report(name, step, seq, seconds):
    return {"name": name, "lesson": L4, "seconds": seconds,
            "exercises": {"rnn_step_backward": step, "rnn_backward": seq}}


SEC_SUM = "lesson 3, section 6 (Shared weights: the gradient is the sum over the uses)"


def _class(tmp_path, head=HEAD, extra=("", "", "", "", "", "", "")):
    rows = [
        f"a/n.ipynb,s1,A,{L4},ok,1,subs,2,3,5,5{extra[0]}",
        f"b/n.ipynb,s2,B,{L4},ok,1,subs,0,3,3,5{extra[1]}",           # knock-on: rnn_backward right
        f"c/n.ipynb,s3,C,{L4},ok,1,subs,2,0,2,5{extra[2]}",            # overwrite_shared
        f"d/n.ipynb,s4,D,{L4},timeout,1,subs,2,0,2,5{extra[3]}",       # overwrite_shared too
        f"e/n.ipynb,s5,E,{L4},flagged: rnn_backward: calls the reference,1,subs,2,0,2,5{extra[4]}",
        f"g/n.ipynb,,,{L4},ok,1,subs,2,3,5,5{extra[6]}",                 # on no roster
        f",s6,F,{L4},missing,,,,,,{extra[5]}",
    ]
    reports = [
        _report("a/n.ipynb", _entry(2, 2), _entry(3, 3), 4.0),
        _report("b/n.ipynb", _entry(0, 2, "Wh_not_transposed"),
                _entry(3, 3, "Wh_not_transposed", knock_on=["rnn_step_backward"]), 5.0),
        _report("c/n.ipynb", _entry(2, 2), _entry(0, 3, "overwrite_shared", section=SEC_SUM), 6.0),
        _report("d/n.ipynb", _entry(2, 2), _entry(0, 3, "overwrite_shared", section=SEC_SUM), 25.0),
        _report("e/n.ipynb", _entry(2, 2), _entry(0, 3, flag="calls the reference"), 3.0),
        {"name": "gone/n.ipynb", "exercises": {}},
    ]
    return _write(tmp_path, rows, reports, head)


def test_counts_ranking_knock_on_attention_and_time(tmp_path):
    s = summarise(load_class(_class(tmp_path)))
    items = {i["id"]: i for i in s["items"]}
    assert [i["id"] for i in s["items"]] == ["rnn_backward", "rnn_step_backward"]  # most lost first
    assert (items["rnn_backward"]["full"], items["rnn_backward"]["partial"],
            items["rnn_backward"]["zero"], items["rnn_backward"]["points_lost"]) == (3, 0, 3, 9)
    assert (items["rnn_step_backward"]["full"], items["rnn_step_backward"]["zero"]) == (5, 1)
    [shared] = items["rnn_backward"]["mistakes"]
    assert (shared["mistake"], shared["count"], shared["section"]) == (
        "overwrite_shared", 2, SEC_SUM)
    assert shared["message"] == next(m.message for m in EXERCISES["rnn_backward"].mistakes
                                     if m.name == "overwrite_shared")
    assert items["rnn_backward"]["knock_on"] == [{"because_of": "rnn_step_backward", "count": 1}]
    assert [(m["item"], m["mistake"], m["count"]) for m in s["reteach"]] == [
        ("rnn_backward", "overwrite_shared", 2), ("rnn_step_backward", "Wh_not_transposed", 1)]
    assert [(a["name"], a["kind"]) for a in s["attention"]] == [
        ("D", "timeout"), ("E", "flagged"), ("F", "missing"), ("", "unmatched")]
    assert s["students"] == {"rows": 7, "counted": 6, "missing": 1, "superseded": 0}
    assert s["mean"] == pytest.approx(19 / 6, abs=1e-4) and s["median"] == 2.5
    assert s["timing"]["total_seconds"] == 43.0
    assert s["timing"]["per_submission"][0] == {"submission": "d/n.ipynb", "seconds": 25.0}
    assert s["reports_without_row"] == ["gone/n.ipynb"]


def test_optional_late_and_superseded_columns_are_read_when_present(tmp_path):
    head = HEAD + ",late_days,superseded_by"
    s = summarise(load_class(_class(tmp_path, head, (",,", ",yes,", ",,", ",,", ",,true", ",,", ",,"))))
    assert s["students"]["superseded"] == 1 and s["students"]["counted"] == 5  # e no longer counted
    kinds = {a["name"]: a["kind"] for a in s["attention"]}
    assert kinds["B"] == "late" and kinds["E"] == "flagged"
    assert "superseded_by" in next(a for a in s["attention"] if a["name"] == "E")["reasons"]
    assert "late_days: yes" not in str(s["attention"])  # "yes" reads as the column's name alone
    assert {i["id"]: i["zero"] for i in s["items"]}["rnn_backward"] == 2


def test_a_gradebook_that_is_not_one_is_refused_with_its_name(tmp_path):
    with pytest.raises(ClassError, match="no such gradebook"):
        load_class(tmp_path / "nope.csv")
    (tmp_path / "x.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ClassError, match=r"x.csv: not a gradebook: no submission, status, total, possible"):
        load_class(tmp_path / "x.csv")


def test_a_mistake_standing_for_several_shows_each_message():
    ex = EXERCISES["rnn_backward"]
    a, b = ex.mistakes[0], ex.mistakes[1]
    assert mistake_message("rnn_backward", f"{a.name} or {b.name}") == f"{a.message} Or: {b.message}"
    assert mistake_message("rnn_backward", "no_such_mistake") == ""


def test_late_and_superseded_in_the_status_count_too(tmp_path):
    rows = [f"a/n.ipynb,s1,A,{L4},ok; late,1,subs,2,3,5,5",
            f"b/n.ipynb,s2,B,{L4},ok; superseded,1,subs,0,0,0,5",
            f"c/n.ipynb,s3,C,{L4},ok,1,subs,2,0,2,5"]
    s = summarise(load_class(_write(tmp_path, rows, [])))
    assert [(a["name"], a["kind"]) for a in s["attention"]] == [("A", "late"), ("B", "superseded")]
    assert s["students"]["counted"] == 2 and s["mean"] == 3.5  # b's superseded row not counted
