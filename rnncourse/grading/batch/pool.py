"""Parallel worker processes: one forked worker per submission, at most ``jobs`` at a time.

:func:`run_workers` forks a worker for each submission (:func:`_child`, which grades it with
:func:`rnncourse.grading.judging.worker.grade_submission` and writes the result as JSON on a
pipe, never pickle), reads the pipes without blocking, and gives each worker a time budget
(:func:`time_budget`: the submission's time, kernel starts and re-runs after a crash, and each
exercise's judging). A
worker that sends nothing readable, more than :data:`MAX_RESULT_BYTES`, or outlives its budget
gives ``None`` or a ``timeout`` result; everything a finished or killed worker left behind (its
orphaned processes, its private folder inside the batch's temporary folder) is removed here,
since this process is their child subreaper.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import tempfile
import time
import traceback

from rnncourse.grading.judging.recovery import MAX_REVIVALS
from rnncourse.grading.judging.results import Status, SubmissionResult, lesson_exercises
from rnncourse.grading.judging.worker import EXERCISE_TIME_LIMIT, HARNESS_SLACK, grade_submission, remove_tree
from rnncourse.grading.sandbox import containment
from rnncourse.grading.sandbox.kernel import KERNEL_START_TIMEOUT
from rnncourse.grading.sandbox.launcher_choice import choose_launcher

MAX_RESULT_BYTES = 32 * 1024 * 1024
RERUN_SLACK = 30.0
"""Seconds a worker's budget adds for re-running cells after a crash, besides the kernel starts."""
JUDGING_SLACK = 5.0
"""Seconds a worker's budget adds per exercise, besides its time limit and the harness's slack."""


def time_budget(timeout, n_exercises):
    """Seconds a worker may take for one submission: its ``timeout``, a kernel start for the run,
    one for a re-run after a crash in a cell and one per kernel revived while judging
    (:data:`~rnncourse.grading.judging.recovery.MAX_REVIVALS`), and each exercise's judging."""
    return (timeout + (2 + MAX_REVIVALS) * KERNEL_START_TIMEOUT + RERUN_SLACK
            + n_exercises * (EXERCISE_TIME_LIMIT + HARNESS_SLACK + JUDGING_SLACK))


# ----------------------------------------------------------------------------- workers
class _Running:
    def __init__(self, index, pid, fd, deadline, workdir):
        self.index, self.pid, self.fd, self.deadline = index, pid, fd, deadline
        self.workdir = workdir
        self.chunks, self.size, self.overflow = [], 0, False


def _child(sub, lesson, settings, seed, write_fd, close_fds, workdir):
    """Body of a forked worker; never returns."""
    code = 0
    try:
        for fd in close_fds:
            try:
                os.close(fd)
            except OSError:
                pass
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        containment.set_subreaper()
        containment.die_with_parent(signal.SIGKILL)
        launcher = choose_launcher(settings["drop_privileges"], sandbox=settings["sandbox"])
        try:
            result = grade_submission(sub, lesson, settings, seed, launcher, workdir)
            result.isolation = launcher.description
        except Exception:
            result = SubmissionResult(lesson=lesson, status=Status.KERNEL_DIED, problems=[
                "internal error in the grader: " + traceback.format_exc()[-1500:]])
        data = json.dumps(result.to_dict(), default=str).encode()
        view = memoryview(data)
        while view:
            written = os.write(write_fd, view)
            view = view[written:]
    except BaseException:
        code = 1
    finally:
        containment.kill_descendants()
        os._exit(code)


def run_workers(jobs_list, settings, seed, progress):
    """Fork up to ``settings['jobs']`` workers; returns ``{index: SubmissionResult or None}``."""
    results = {}
    pending = list(jobs_list)
    running = {}
    selector = selectors.DefaultSelector()
    n_exercises = max((len(lesson_exercises(lesson)) for _, _, lesson in jobs_list), default=0)
    budget = time_budget(settings["timeout"], n_exercises)
    batch_dir = tempfile.mkdtemp(prefix="rnncourse-grade-")
    try:
        while pending or running:
            while pending and len(running) < settings["jobs"]:
                index, sub, lesson = pending.pop(0)
                read_fd, write_fd = os.pipe()
                others = [r.fd for r in running.values()] + [read_fd]
                workdir = os.path.join(batch_dir, str(index))
                pid = os.fork()
                if pid == 0:  # pragma: no cover - runs in the child
                    _child(sub, lesson, settings, seed, write_fd, others, workdir)
                os.close(write_fd)
                os.set_blocking(read_fd, False)
                job = _Running(index, pid, read_fd, time.monotonic() + budget, workdir)
                running[read_fd] = job
                selector.register(read_fd, selectors.EVENT_READ, job)
            for key, _ in selector.select(timeout=0.2):
                job = key.data
                try:
                    chunk = os.read(job.fd, 1 << 16)
                except BlockingIOError:
                    continue
                except OSError:
                    chunk = b""
                if chunk:
                    job.size += len(chunk)
                    if job.size > MAX_RESULT_BYTES:
                        job.overflow = True
                    else:
                        job.chunks.append(chunk)
                    continue
                _finish(job, running, selector, results, progress, settings["keep"])
            now = time.monotonic()
            for job in list(running.values()):
                if now > job.deadline:
                    try:
                        os.kill(job.pid, signal.SIGKILL)
                    except OSError:
                        pass
                    job.overflow = True
                    job.timed_out = True
                    _finish(job, running, selector, results, progress, settings["keep"])
    finally:
        for job in list(running.values()):
            try:
                os.kill(job.pid, signal.SIGKILL)
            except OSError:
                pass
        containment.kill_descendants(keep=settings["keep"])
        selector.close()
        remove_tree(batch_dir)
    return results


def _finish(job, running, selector, results, progress, keep):
    selector.unregister(job.fd)
    os.close(job.fd)
    del running[job.fd]
    try:
        os.waitpid(job.pid, 0)
    except ChildProcessError:
        pass
    result = None
    if not job.overflow:
        try:
            result = SubmissionResult.from_dict(json.loads(b"".join(job.chunks).decode()))
        except (ValueError, TypeError, AttributeError, UnicodeDecodeError):
            result = None
    if getattr(job, "timed_out", False):
        result = SubmissionResult(status=Status.TIMEOUT, problems=[
            "the submission's grading ran past its total time and was stopped"])
    results[job.index] = result
    # a worker killed from inside leaves orphans here (we are their subreaper): kill them, then
    # remove its private folder (a killed worker could not)
    containment.kill_descendants(keep={j.pid for j in running.values()} | set(keep))
    remove_tree(job.workdir)
    progress.step()


__all__ = ["MAX_RESULT_BYTES", "run_workers", "time_budget"]
