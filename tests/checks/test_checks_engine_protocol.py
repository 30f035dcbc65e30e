"""checks.engine.protocol: the three steps of every exercise survive a serialisation round trip."""

import io
import json
import os
import subprocess
import sys
import zlib

import numpy as np
import pytest

from rnncourse.checks import EXERCISES, exercises_for_lesson, from_bytes, pack, to_bytes, unpack
from rnncourse.checks.engine import Exercise, Verdict, aggregate, derive_seed, lesson_number, run_check
from rnncourse.grading.judging.worker import function_names


# ----------------------------------------------------------------------------- the protocol
def _through_npz_and_json(value):
    """What the grader does: arrays into an .npz (no pickles), the rest as JSON text."""
    tree, arrays = pack(value)
    text = json.dumps(tree)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    buf.seek(0)
    with np.load(buf, allow_pickle=False) as z:
        loaded = {k: z[k] for k in z.files}
    return unpack(json.loads(text), loaded)


class CycleError(ValueError):
    def __init__(self, cycle):
        self.cycle = list(cycle)
        super().__init__(f"the graph has a cycle: {self.cycle}")


def _own_cycle_error(edges):
    """The library's sort with the learner's own CycleError, as lesson 2 asks."""
    from rnncourse.graph import CycleError as LibraryCycleError
    from rnncourse.graph import topological_sort

    try:
        return topological_sort(edges)
    except LibraryCycleError as err:
        raise CycleError(err.cycle) from None


CORRECT = {"topological_sort": _own_cycle_error}
"""A correct answer where the library's reference is not one (it raises the library's CycleError)."""


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
def test_three_steps_across_a_serialisation_round_trip(exercise_id):
    ex = EXERCISES[exercise_id]
    fn = CORRECT.get(exercise_id, ex.reference_function)
    wrong = next(m.variant for m in ex.mistakes if m.variant is not None)
    verdicts, wrong_verdicts = [], []
    for case in ex.make_cases(3):
        shipped = _through_npz_and_json(case)  # trusted -> learner's kernel
        outputs = _through_npz_and_json(ex.call(fn, shipped, time_limit=2.0))  # and back
        verdicts.append(ex.judge(case, outputs))
        bad = from_bytes(to_bytes(ex.call(wrong, from_bytes(to_bytes(case)))))
        wrong_verdicts.append(ex.judge(case, bad))
    assert all(v.passed for v in verdicts), [v.message for v in verdicts if not v.passed]
    assert aggregate(ex, verdicts, len(verdicts)).passed
    result = aggregate(ex, wrong_verdicts, len(wrong_verdicts))
    assert not result.passed and result.mistake is not None


# ----------------------------------------------------------------------------- seeds
def test_case_seeds_are_derived_from_the_seed_and_the_exercise_id():
    assert derive_seed(0, "rnn_forward") == zlib.crc32(b"0:rnn_forward")
    seeds = {ex.case_seed(0) for ex in EXERCISES.values()}
    assert len(seeds) == len(EXERCISES)  # no two exercises share a random stream
    assert EXERCISES["rnn_forward"].case_seed(1) != EXERCISES["rnn_forward"].case_seed(0)
    for ex in EXERCISES.values():  # every exercise, none on an older hand-picked stream
        assert ex.case_seed(7) == zlib.crc32(f"7:{ex.id}".encode())


def test_cases_do_not_depend_on_the_hash_seed_of_the_process():
    code = ("from rnncourse.checks import EXERCISES, to_bytes; import hashlib, sys; "
            "sys.stdout.write(hashlib.sha256(b''.join(to_bytes(ex.make_cases(5)) "
            "for ex in EXERCISES.values())).hexdigest())")
    digests = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True, env=dict(os.environ, PYTHONHASHSEED=h)).stdout
               for h in ("0", "1", "12345")}
    assert len(digests) == 1


# ----------------------------------------------------------------------------- room for questions
class _Question(Exercise):
    """A conceptual question answered by a letter: what the protocol must allow, in a few lines."""

    answer_kind = "value"

    def __init__(self):
        self.id, self.lesson, self.points = "q2_cycle", "02_recurrence_and_cycles", 1

    def make_cases(self, seed):
        return [{"label": "the answer", "inputs": {}}]

    def accepts(self, answer):
        return None if isinstance(answer, str) else f"answer with a letter, e.g. check({self.id!r}, 'b')"

    def call(self, answer, case, time_limit=None):
        return {"status": "returned", "value": answer, "mutated": []}

    def judge_outputs(self, case, outputs):
        right = str(outputs["value"]).strip().lower() == "b"
        return Verdict(right, "correct" if right else "not quite: a cycle has no first node")


def test_a_question_with_a_plain_answer_fits_the_protocol():
    q = _Question()
    assert run_check(q, "b").passed
    assert run_check(q, "b").message == "correct"  # a question says its one verdict, no counts
    wrong = run_check(q, "a")
    assert not wrong.passed and "a cycle has no first node" in wrong.message
    assert run_check(q, 3).message == "answer with a letter, e.g. check('q2_cycle', 'b')"
    assert q.reference_names() == () and q.harness_spec() is None and q.harness_functions() == {}
    assert function_names({"cells": []}, [q, EXERCISES["tanh_backward"]]) == {
        "tanh_backward": "tanh_backward"}  # only answers that are functions are looked up


def test_lesson_numbers_come_from_the_stem():
    assert [ex.lesson_number for ex in exercises_for_lesson("04_bptt")] == [4, 4]
    assert lesson_number("12_more") == 12
    with pytest.raises(ValueError, match=r"lesson stem 'bptt' does not start with its number; "
                                         r"name it like '04_bptt'"):
        lesson_number("bptt")
