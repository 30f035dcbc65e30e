"""grading.batch.pool: forked workers, results as JSON on pipes, time budgets, and what a worker
that dies, floods or hangs leaves: a ``None`` or ``timeout`` result, never a stuck batch.

The workers are real forks; what they grade is a stand-in for ``grade_submission`` (patched
before the fork, so the child runs it), named by the submission it is given.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rnncourse.grading.batch import pool
from rnncourse.grading.judging.recovery import MAX_REVIVALS
from rnncourse.grading.judging.results import Status, SubmissionResult
from rnncourse.grading.judging.worker import EXERCISE_TIME_LIMIT, HARNESS_SLACK
from rnncourse.grading.sandbox import containment
from rnncourse.grading.sandbox.kernel import KERNEL_START_TIMEOUT

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="forked workers and their containment are Linux-only")

LESSON = "00_welcome"


class _Launcher:
    description = "stand-in launcher"
    sandboxed = False


class _Progress:
    def __init__(self):
        self.steps = 0

    def step(self):
        self.steps += 1


def _settings(tmp_path, **kw):
    return {"jobs": 1, "timeout": 60.0, "drop_privileges": False, "sandbox": False, "keep": (),
            "markers": str(tmp_path), **kw}


def _grade(sub, lesson, settings, seed, launcher, workdir):
    """What a worker runs, chosen by the submission's name (in the forked child)."""
    os.makedirs(workdir)
    Path(workdir, "left-behind.txt").write_text("x")
    kind = sub.split(":")[0]
    if kind == "ok":
        return SubmissionResult(name=sub, lesson=lesson, seed=seed,
                                problems=[f"graded in {os.getpid()}", f"workdir {workdir}"])
    if kind == "raise":
        raise RuntimeError("the judge broke")
    if kind == "exit":  # the worker dies before it sends anything
        os._exit(3)
    if kind == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if kind == "hang":
        time.sleep(120)
    if kind == "big":
        return SubmissionResult(name=sub, lesson=lesson, problems=["x" * 4096])
    if kind == "orphan":  # a process the worker started and did not wait for
        child = subprocess.Popen(["sleep", "120"], start_new_session=True)
        Path(settings["markers"], f"orphan-{sub}").write_text(str(child.pid))
        return SubmissionResult(name=sub, lesson=lesson)
    if kind == "siblings":  # the private folders of the workers before this one
        others = sorted(set(os.listdir(os.path.dirname(workdir))) - {os.path.basename(workdir)})
        return SubmissionResult(name=sub, lesson=lesson, problems=others)
    if kind == "concurrent":  # how many workers run at once, seen from inside one of them
        marker = Path(settings["markers"], f"running-{os.getpid()}")
        marker.write_text("")
        seen = len(list(Path(settings["markers"]).glob("running-*")))
        time.sleep(0.3)
        marker.unlink()
        return SubmissionResult(name=sub, lesson=lesson, problems=[f"seen {seen}"])
    raise AssertionError(sub)


@pytest.fixture
def workers(monkeypatch):
    """``run(subs, tmp_path, **settings) -> (results by index, progress)`` with the stand-ins."""
    monkeypatch.setattr(pool, "grade_submission", _grade)
    monkeypatch.setattr(pool, "choose_launcher", lambda *a, **k: _Launcher())
    containment.set_subreaper()  # as a batch does: orphans of a killed worker come back here

    def run(subs, tmp_path, **kw):
        progress = _Progress()
        results = pool.run_workers([(i, sub, LESSON) for i, sub in enumerate(subs)],
                                   _settings(tmp_path, **kw), 7, progress)
        return results, progress

    return run


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as fh:  # a zombie is not alive
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_each_result_comes_back_from_its_own_forked_worker_as_json(workers, tmp_path):
    results, progress = workers(["ok:a", "ok:b", "ok:c"], tmp_path, jobs=2)
    assert sorted(results) == [0, 1, 2]
    assert [results[i].name for i in range(3)] == ["ok:a", "ok:b", "ok:c"]
    assert all(isinstance(r, SubmissionResult) and r.seed == 7 for r in results.values())
    assert {r.isolation for r in results.values()} == {"stand-in launcher"}
    pids = {r.problems[0] for r in results.values()}
    assert len(pids) == 3 and f"graded in {os.getpid()}" not in pids
    assert progress.steps == 3


def test_no_more_workers_run_at_once_than_jobs(workers, tmp_path):
    for jobs in (1, 2):
        results, _ = workers([f"concurrent:{i}" for i in range(4)], tmp_path, jobs=jobs)
        seen = [int(r.problems[0].split()[1]) for r in results.values()]
        assert len(seen) == 4 and max(seen) <= jobs, (jobs, seen)


def test_an_exception_in_the_grader_is_a_kernel_died_row_with_the_traceback(workers, tmp_path):
    results, _ = workers(["raise:a", "ok:b"], tmp_path)
    assert results[0].status is Status.KERNEL_DIED
    assert results[0].problems[0].startswith("internal error in the grader: Traceback")
    assert "RuntimeError: the judge broke" in results[0].problems[0]
    assert results[1].status is Status.OK  # the next submission is graded as usual


@pytest.mark.parametrize("kind", ["exit", "kill"])
def test_a_worker_that_dies_before_sending_gives_none_and_the_batch_goes_on(workers, tmp_path,
                                                                              kind):
    results, progress = workers([f"{kind}:a", "ok:b"], tmp_path)
    assert results[0] is None
    assert results[1].name == "ok:b"
    assert progress.steps == 2


@pytest.mark.parametrize("sent", [b"", b'{"name": "half', b"not json at all", b"[1, 2, 3]",
                                  b"\xff\xfe", b'{"status": "ok", "outcome": "nonsense"}'])
def test_a_pipe_closed_early_or_holding_no_result_gives_none(workers, tmp_path, monkeypatch,
                                                             sent):
    parent, real_write = os.getpid(), os.write

    def write_then_die(fd, data):
        if os.getpid() == parent:
            return real_write(fd, data)
        real_write(fd, sent)  # the worker writes this much of its result, then is gone
        os._exit(0)

    monkeypatch.setattr(os, "write", write_then_die)
    results, _ = workers(["ok:a"], tmp_path)
    assert results == {0: None}


def test_a_result_larger_than_the_limit_is_dropped_not_parsed(workers, tmp_path, monkeypatch):
    monkeypatch.setattr(pool, "MAX_RESULT_BYTES", 2048)
    results, _ = workers(["big:a", "ok:b"], tmp_path)
    assert results[0] is None
    assert results[1].name == "ok:b"  # under the limit: parsed as usual


def test_a_worker_past_its_time_budget_is_killed_and_gets_a_timeout_row(workers, tmp_path,
                                                                         monkeypatch):
    monkeypatch.setattr(pool, "time_budget", lambda timeout, n: 1.0)
    results, progress = workers(["hang:a", "ok:b"], tmp_path, jobs=2)
    assert results[0].status is Status.TIMEOUT
    assert results[0].problems == [
        "the submission's grading ran past its total time and was stopped"]
    assert results[1].name == "ok:b"
    assert progress.steps == 2


def test_the_time_budget_covers_the_run_every_kernel_start_and_each_exercises_judging():
    base = pool.time_budget(300.0, 0)
    assert base >= 300.0 + (2 + MAX_REVIVALS) * KERNEL_START_TIMEOUT
    assert pool.time_budget(400.0, 0) - base == pytest.approx(100.0)
    per_exercise = pool.time_budget(300.0, 5) - base
    assert per_exercise >= 5 * (EXERCISE_TIME_LIMIT + HARNESS_SLACK)


def test_workers_leave_no_private_folder_and_no_process_behind(workers, tmp_path, monkeypatch):
    folders = []
    real_mkdtemp = pool.tempfile.mkdtemp

    def mkdtemp(**kw):
        folders.append(real_mkdtemp(**kw))
        return folders[-1]

    monkeypatch.setattr(pool.tempfile, "mkdtemp", mkdtemp)
    monkeypatch.setattr(pool, "time_budget", lambda timeout, n: 3.0)
    results, _ = workers(["orphan:a", "kill:b", "hang:c", "ok:d"], tmp_path, jobs=2)
    assert results[3].name == "ok:d"
    [batch_dir] = folders
    assert not os.path.exists(batch_dir)  # every worker's private folder was inside it
    orphan = int((tmp_path / "orphan-orphan:a").read_text())
    assert not _alive(orphan)
    assert containment.descendants(os.getpid()) == []


def test_a_finished_or_killed_workers_private_folder_is_removed_before_the_next_one(workers,
                                                                                    tmp_path):
    results, _ = workers(["kill:a", "exit:b", "ok:c", "siblings:d"], tmp_path, jobs=1)
    assert results[3].problems == []  # folders 0, 1 and 2 were there, each with a file
