"""grading.evaluate: the kernel's outputs are parsed defensively and judged outside it."""

from __future__ import annotations

import io
import zipfile

import numpy as np

from rnncourse.checks import EXERCISES, to_bytes
from rnncourse.grading.judging import evaluate


# ----------------------------------------------------------------------------- parsing outputs
def test_outputs_are_parsed_without_pickle(tmp_path):
    good = tmp_path / "good.npz"
    good.write_bytes(to_bytes({"outputs": [{"status": "returned", "value": np.ones(2),
                                            "mutated": []}]}))
    report_, problem = evaluate.read_outputs(good, 1)
    assert problem is None and report_["outputs"][0]["value"].tolist() == [1.0, 1.0]

    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, __meta__=np.array("{}"), a0=np.array([object()], dtype=object))
    assert evaluate.read_outputs(pickled, 1)[0] is None
    assert evaluate.parse_blob(pickled.read_bytes())[1] == "the outputs file cannot be read (ValueError)"
    strings = tmp_path / "strings.npz"  # allowed dtypes only: numbers and strings
    np.savez(strings, __meta__=np.array("{}"), a0=np.array([b"x"], dtype="V1"))
    assert "unacceptable array" in evaluate.parse_blob(strings.read_bytes())[1]


def test_malformed_or_hostile_output_files_give_no_outputs(tmp_path):
    link = tmp_path / "link.npz"
    link.symlink_to("/etc/hostname")
    assert evaluate.read_outputs(link, 1) == (None, (
        "no results came back when your function was called: your notebook's kernel stopped "
        "or was interrupted while it was being tested, or code in your notebook interfered "
        "with the test"))
    wrong = tmp_path / "wrong.npz"
    wrong.write_bytes(to_bytes({"outputs": [1, 2]}))
    assert "2 cases, expected 1" in evaluate.read_outputs(wrong, 1)[1]
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("__meta__.npy", b"\0" * (80 * 1024 * 1024))
    assert evaluate.parse_blob(bomb.getvalue())[1] == "the outputs file is too large"
    odd = evaluate.read_outputs  # a case that is not a dict becomes "missing", not a crash
    junk = tmp_path / "junk.npz"
    junk.write_bytes(to_bytes({"outputs": ["x"]}))
    assert odd(junk, 1)[0]["outputs"][0]["status"] == "missing"


def test_judging_recomputes_expected_values():
    ex = EXERCISES["tanh_backward"]
    cases = ex.make_cases(123)
    right = [{"status": "returned", "value": c["inputs"]["dout"] * (1 - c["inputs"]["cache"] ** 2),
              "mutated": []} for c in cases]
    wrong = [dict(o, value=o["value"] * 1.001) for o in right]
    assert evaluate.judge_exercise(ex, cases, {"outputs": right}, None)["points"] == ex.points
    entry = evaluate.judge_exercise(ex, cases, {"outputs": wrong}, None)
    assert entry["points"] == 0 and not entry["passed"]
    flagged = evaluate.judge_exercise(ex, cases, {"outputs": right}, None, flag="it calls x")
    assert flagged["points"] == 0 and flagged["message"].startswith("Flagged, 0 points: it calls x")


def test_runtime_report_can_only_add_flags():
    keys = [["/lib/nn.py", "tanh_backward"]]
    assert evaluate.runtime_flag({"reference_calls": ["/lib/nn.py:tanh_backward"]}, "f", keys)
    assert evaluate.runtime_flag({"identity": {"file": "/lib/nn.py", "name": "tanh_backward",
                                               "module": "__main__"}}, "f", keys)
    assert evaluate.runtime_flag({"reference_calls": [], "identity": {"module": "__main__"}},
                                 "f", keys) is None
    assert evaluate.runtime_flag("garbage", "f", keys) is None
