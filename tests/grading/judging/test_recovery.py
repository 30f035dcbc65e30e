"""grading.judging.recovery: after a crash, a fresh kernel re-runs the cells before it; a kernel
that dies while a function is judged is revived at most MAX_REVIVALS times per submission.

The kernels here are stand-ins that answer ``execute`` as told; a real notebook whose kernel dies
is graded end to end in test_worker.py and test_grading_verdicts.py.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from rnncourse.grading.judging import recovery, worker
from rnncourse.grading.judging.recovery import MAX_REVIVALS
from rnncourse.grading.sandbox.kernel import Kernel
from rnncourse.grading.sandbox.launchers import SameUserLauncher


class _Kernel:
    """Answers each ``execute`` with the next status of ``replies`` (then "ok")."""

    def __init__(self, replies=(), starts=True, clock=None):
        self.replies, self.starts, self.clock = list(replies), starts, clock
        self.ran, self.limits = [], []
        self.entered = self.exited = False

    def execute(self, source, limit):
        self.ran.append(source)
        self.limits.append(limit)
        if self.clock is not None:
            self.clock.append(source)
        return SimpleNamespace(status=self.replies.pop(0) if self.replies else "ok")

    def start(self):
        return self.starts

    def __enter__(self):
        self.entered = True
        return self

    def __exit__(self, *exc):
        self.exited = True


CELLS = [(0, "a = 1"), (2, "b = 2"), (3, "boom()"), (5, "c = 3")]


# ----------------------------------------------------------------------------- rerun_before
def test_the_cells_before_the_crash_run_again_in_order_and_errors_do_not_stop_them():
    kernel = _Kernel(replies=["error", "ok"])
    ran, stopped = recovery.rerun_before(kernel, CELLS, 2, time.monotonic() + 60, 10.0)
    assert (ran, stopped) == (2, None)
    assert kernel.ran == ["a = 1", "b = 2"]  # not the crashing cell, nor any after it


def test_each_cell_gets_the_cell_limit_or_what_is_left_of_the_submissions_time():
    kernel = _Kernel()
    recovery.rerun_before(kernel, CELLS, 2, time.monotonic() + 60, 10.0)
    assert kernel.limits == [10.0, 10.0]
    kernel = _Kernel()
    recovery.rerun_before(kernel, CELLS, 2, time.monotonic() + 3, 10.0)
    assert all(0 < limit <= 3 for limit in kernel.limits)


def test_no_time_left_runs_nothing():
    kernel = _Kernel()
    assert recovery.rerun_before(kernel, CELLS, 3, time.monotonic() - 1, 10.0) == (
        0, "the submission's time ran out")
    assert kernel.ran == []


@pytest.mark.parametrize("reply, why", [("timeout", "a cell did not finish in time"),
                                        ("died", "the kernel died again")])
def test_a_rerun_stops_at_a_cell_that_times_out_or_kills_the_kernel_again(reply, why):
    kernel = _Kernel(replies=["ok", reply])
    assert recovery.rerun_before(kernel, CELLS, 3, time.monotonic() + 60, 10.0) == (1, why)
    assert kernel.ran == ["a = 1", "b = 2"]


def test_a_crash_in_the_first_cell_reruns_nothing():
    kernel = _Kernel()
    assert recovery.rerun_before(kernel, CELLS, 0, time.monotonic() + 60, 10.0) == (0, None)
    assert kernel.ran == []


# ----------------------------------------------------------------------------- a fresh kernel
def test_the_fresh_kernel_gets_a_private_folder_holding_only_the_submission(tmp_path):
    launcher = SameUserLauncher()
    kernel, private = recovery.recovered_kernel(str(tmp_path), b"{notebook}", 900, launcher,
                                                "submission.ipynb")
    assert private == str(tmp_path / "rerun")
    assert sorted(p.name for p in (tmp_path / "rerun").iterdir()) == ["submission.ipynb"]
    assert (tmp_path / "rerun" / "submission.ipynb").read_bytes() == b"{notebook}"
    assert isinstance(kernel, Kernel) and kernel.private_dir == private
    assert (kernel.memory_mb, kernel.launcher) == (900, launcher)
    assert not kernel.alive()  # not started: the caller starts it inside its own block


def test_each_fresh_kernel_needs_a_folder_of_its_own(tmp_path):
    recovery.recovered_kernel(str(tmp_path), b"x", 900, SameUserLauncher(), "s.ipynb",
                              folder="revived-1")
    with pytest.raises(FileExistsError):  # never reuse (or share) a folder a kernel wrote in
        recovery.recovered_kernel(str(tmp_path), b"x", 900, SameUserLauncher(), "s.ipynb",
                                  folder="revived-1")


# ----------------------------------------------------------------------------- the report lines
def test_the_lines_in_the_report_say_what_was_rerun_and_why_it_stopped():
    assert recovery.rerun_note("the cell of exercise 2", 4, None) == (
        "the exercises were judged on a re-run in a fresh kernel of the 4 code cell(s) before "
        "the cell of exercise 2, where the kernel died")
    assert recovery.rerun_note("cell 7", 1, "the kernel died again").endswith(
        "before cell 7, where the kernel died (the re-run stopped early: the kernel died again)")
    assert recovery.revive_note("rnn_step_backward", 9, 12, None) == (
        "the exercises after rnn_step_backward were judged in a fresh kernel that re-ran 9 of "
        "the notebook's 12 code cell(s)")
    assert recovery.revive_note("x", 0, 3, "the fresh kernel did not start").endswith(
        "re-ran 0 of the notebook's 3 code cell(s) (the re-run stopped early: the fresh kernel "
        "did not start)")
    assert recovery.unbound_problem("rnn_backward", "cell 7") == (
        "rnn_backward was not defined by the cells before cell 7, where the kernel died, so it "
        "could not be judged")


# ----------------------------------------------------------------------------- revivals
def _reviver(monkeypatch, tmp_path, upto=None, starts=True):
    made = []

    def fresh(workdir, data, memory_mb, launcher, submission_file, folder="rerun", files=()):
        made.append(folder)
        kernel = _Kernel(starts=starts)
        return kernel, f"{workdir}/{folder}"

    monkeypatch.setattr(recovery, "recovered_kernel", fresh)
    monkeypatch.setattr(worker, "code_cells", lambda notebook: CELLS)
    sub = SimpleNamespace(notebook={}, data=b"{}")
    settings = {"memory_mb": 900, "timeout": 60.0, "cell_timeout": 10.0}
    result = SimpleNamespace(problems=[])
    kernels = _Stack()
    revive = worker._reviver(kernels, sub, upto, settings, time.monotonic(), None,
                             str(tmp_path), result)
    return revive, made, kernels, result


class _Stack:
    def __init__(self):
        self.entered = []

    def enter_context(self, kernel):
        self.entered.append(kernel)
        return kernel


def test_a_kernel_that_dies_while_judging_is_revived_at_most_max_revivals_times(monkeypatch,
                                                                                tmp_path):
    revive, made, kernels, result = _reviver(monkeypatch, tmp_path)
    revived = [revive(ex) for ex in ("rnn_step_backward", "rnn_backward", "lstm_step_forward")]
    assert MAX_REVIVALS == 2
    assert [r is not None for r in revived] == [True] * MAX_REVIVALS + [False]
    assert made == [f"revived-{i}" for i in range(1, MAX_REVIVALS + 1)]  # a folder each
    assert kernels.entered == [r[0] for r in revived if r]  # killed with the others
    assert all(k.ran == [source for _, source in CELLS] for k in kernels.entered)  # every cell
    assert result.problems == [recovery.revive_note("rnn_step_backward", 4, 4, None),
                               recovery.revive_note("rnn_backward", 4, 4, None)]



def test_after_a_crash_in_a_cell_a_revived_kernel_reruns_only_the_cells_before_it(monkeypatch,
                                                                                  tmp_path):
    revive, _, kernels, result = _reviver(monkeypatch, tmp_path, upto=2)
    revive("tanh_backward")
    assert kernels.entered[0].ran == ["a = 1", "b = 2"]
    assert result.problems == [recovery.revive_note("tanh_backward", 2, 2, None)]


def test_a_revived_kernel_that_does_not_start_is_said_so(monkeypatch, tmp_path):
    revive, _, kernels, result = _reviver(monkeypatch, tmp_path, starts=False)
    assert revive("rnn_backward") is not None
    assert kernels.entered[0].ran == []
    assert result.problems == [recovery.revive_note("rnn_backward", 0, 4,
                                                    "the fresh kernel did not start")]


def test_the_judge_revives_the_kernel_before_the_next_call_once_it_died(monkeypatch):
    calls = []

    class _Dying:
        def __init__(self, name, dies_on=()):
            self.name, self.dies_on, self.up = name, set(dies_on), True

        def alive(self):
            return self.up

    def call_in_kernel(kernel, ex, fn_name, cases, private, problems, events, crash_name,
                       inject=None):
        calls.append((kernel.name, ex.id, private))
        if ex.id in kernel.dies_on:
            kernel.up = False
        return ex.id

    monkeypatch.setattr(worker, "_call_in_kernel", call_in_kernel)
    revivals = iter([(_Dying("second", dies_on={"c"}), "p2"), (_Dying("third"), "p3"), None])
    asked = []

    def revive(exercise_id):
        asked.append(exercise_id)
        return next(revivals)

    judge = worker._Judge(_Dying("first", dies_on={"a"}), "p1", revive)
    for ex_id in ("a", "b", "c", "d", "e"):
        judge.call(SimpleNamespace(id=ex_id), "f", [], [], set(), None)
    assert calls == [("first", "a", "p1"), ("second", "b", "p2"), ("second", "c", "p2"),
                     ("third", "d", "p3"), ("third", "e", "p3")]
    assert asked == ["a", "c"]  # revived once per death, for the exercise judged when it died
