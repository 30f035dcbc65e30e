"""Verdicts never depend on the process: the same answer gets the same verdict, case by case and
word for word, under every PYTHONHASHSEED (a learner's kernel, the next kernel, the grader).
And no message gives the course's machinery away."""

import json
import os
import subprocess
import sys

import pytest

from rnncourse.checks import EXERCISES
from tests.checks.named_mistakes import assert_no_internal_names
from tests.checks.verdicts import answers, collect

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "verdicts.py")


def _verdicts_under(hash_seed):
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    done = subprocess.run([sys.executable, SCRIPT], capture_output=True, text=True, env=env,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.mark.slow
def test_every_verdict_is_the_same_under_four_hash_seeds():
    runs = {seed: _verdicts_under(seed) for seed in ("0", "1", "2", "random")}
    first = runs["0"]
    assert len(first) == len(answers()) > 100
    for seed, entries in runs.items():
        assert [e["answer"] for e in entries] == [e["answer"] for e in first]
        for mine, theirs in zip(entries, first):
            assert mine == theirs, (seed, mine["exercise"], mine["answer"])


def test_set_ordered_cycles_fail_whatever_the_set_order():
    """list(set(cycle)) fails under every seed: its verdict is not decided by luck."""
    runs = [_verdicts_under(seed) for seed in ("3", "4")]
    picked = [[e for e in run if e["answer"].endswith("(cycle_out_of_order)")] for run in runs]
    assert picked[0] and picked[0] == picked[1]
    assert all(not e["passed"] and e["mistake"] == "cycle_out_of_order" for e in picked[0])


def test_no_message_names_the_checks_machinery():
    for ex in EXERCISES.values():
        for m in ex.mistakes:
            assert_no_internal_names(m.message)
        for a in getattr(ex, "alternatives", ()):
            assert_no_internal_names(a.note)
    for entry in collect():
        assert_no_internal_names(entry["message"])
        for _, _, message, note in entry["cases"]:
            assert_no_internal_names(message + note)


def test_every_wrong_answer_fails_and_every_alternative_passes():
    for entry in collect():
        if entry["answer"].startswith("alternative"):
            assert entry["passed"], entry
        else:
            assert not entry["passed"], entry
            assert "No known mistake matches" not in entry["message"], entry


def test_a_right_answer_that_walks_a_set_passes_under_every_hash_seed():
    """Kahn's walk may start at next(iter(leftovers)): a different (real) cycle in each process,
    the same verdict in all of them."""
    code = (
        f"import sys; sys.path.insert(0, {os.path.dirname(os.path.dirname(os.path.dirname(SCRIPT)))!r})\n"
        "from tests.checks.test_checks_catalogue_graph import kahn\n"
        "import tests.checks.test_checks_catalogue_graph as g\n"
        "from rnncourse.checks import check\n"
        "def any_start(edges):\n"
        "    try:\n"
        "        return kahn(edges)\n"
        "    except g.CycleError:\n"
        "        left = set(g.kahn_leftovers(edges))\n"
        "        preds = {v: u for u in left for v in edges.get(u, []) if v in left}\n"
        "        node, seen = next(iter(left)), []\n"
        "        while node not in seen:\n"
        "            seen.append(node)\n"
        "            node = preds[node]\n"
        "        raise g.CycleError(seen[seen.index(node):][::-1]) from None\n"
        "r = check('topological_sort', any_start)\n"
        "print(r.passed, r.mistake)\n")
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=dict(os.environ, PYTHONHASHSEED=seed), check=True).stdout
            for seed in ("0", "1", "2", "random")}
    assert outs == {"True None\n"}
