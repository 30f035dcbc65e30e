"""Run a batch: snapshot, read everything, grade in parallel worker processes, report.

:func:`grade_paths` (what ``rnncourse grade`` calls) does, in this order:

1. makes this process a child subreaper, so processes orphaned by a killed worker come back here;
2. hashes the course package's files and imports every module the judges need, before any
   student code runs;
3. reads and validates every submission into memory (:mod:`rnncourse.grading.loading`);
4. forks one worker process per submission, at most ``jobs`` at a time; a worker sends back its
   result as JSON on a pipe (never pickle); a worker that dies, or outlives its time, gives a
   ``kernel died`` / ``timeout`` row, and every process left from it is killed;
5. kills whatever is left, checks the course files again, and writes the gradebook, the JSON
   reports and the feedback files itself.

A text progress bar on stderr shows how far the batch is.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import selectors
import signal
import sys
import time
import traceback
from pathlib import Path

import rnncourse
from rnncourse.checks import EXERCISES, LESSONS
from rnncourse.grading import containment, report
from rnncourse.grading.loading import load_submissions
from rnncourse.grading.references import EQUIVALENTS, forbidden_functions
from rnncourse.grading.sandbox import KERNEL_START_TIMEOUT, choose_isolation
from rnncourse.grading.worker import EXERCISE_TIME_LIMIT, HARNESS_SLACK, grade_submission

MAX_RESULT_BYTES = 32 * 1024 * 1024


# ----------------------------------------------------------------------------- course snapshot
def course_files_digest(root=None):
    """``{relative path: sha256}`` of every ``*.py`` file of the course package."""
    root = Path(root or os.path.dirname(os.path.abspath(rnncourse.__file__)))
    digest = {}
    for path in sorted(root.rglob("*.py")):
        try:
            digest[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            digest[str(path.relative_to(root))] = "unreadable"
    return digest


def changed_files(before, after):
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def preload():
    """Import every reference and variant the judges use, so nothing is imported mid-batch."""
    for exercise_id in EXERCISES:
        forbidden_functions(exercise_id)
        EXERCISES[exercise_id].reference_function
    for names in EQUIVALENTS.values():
        for name in names:
            __import__(name.partition(":")[0])
    import IPython.core.inputtransformer2  # noqa: F401  (used by the static reference check)


# ----------------------------------------------------------------------------- lessons
def resolve_lesson(text):
    """A lesson stem from ``--lesson`` (the stem or its unique number prefix such as ``04``)."""
    if text in LESSONS:
        return text
    matches = [stem for stem in LESSONS if stem.startswith(f"{text}_") or stem.split("_")[0] == text]
    if len(matches) == 1:
        return matches[0]
    raise ValueError(f"unknown lesson {text!r}; use one of: {', '.join(LESSONS)}")


def lesson_of(sub, forced):
    """``(lesson, None)`` to grade ``sub`` as, or ``(None, reason)``.

    ``--lesson`` wins; then the notebook's ``metadata["rnncourse"]["lesson"]`` (written by
    ``rnncourse release``); then a file name that is exactly a lesson's (``04_bptt.ipynb``).
    """
    if forced:
        return forced, None
    meta = sub.notebook.get("metadata", {}).get("rnncourse")
    stem = meta.get("lesson") if isinstance(meta, dict) else None
    if isinstance(stem, str) and stem in LESSONS:
        return stem, None
    if stem is None:
        file_stem = os.path.basename(sub.path)[: -len(".ipynb")] if sub.path.endswith(".ipynb") else ""
        if file_stem in LESSONS:  # e.g. a solution notebook, which carries no release metadata
            return file_stem, None
    if stem is not None:
        return None, f"its metadata names an unknown lesson {str(stem)[:40]!r}; grade it with --lesson ID"
    return None, "no lesson in its metadata (was it released by rnncourse?); grade it with --lesson ID"


# ----------------------------------------------------------------------------- progress
class Progress:
    """``[#####.....] 10/20`` on stderr, redrawn in place on a terminal, one line per step otherwise."""

    def __init__(self, total, stream=None, width=20):
        self.total, self.done, self.width = total, 0, width
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def step(self, label=""):
        self.done += 1
        filled = int(self.width * self.done / max(self.total, 1))
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} {label}"
        if self.tty:
            self.stream.write("\r\x1b[2K" + line[:120])
            if self.done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(line[:200] + "\n")
        self.stream.flush()


# ----------------------------------------------------------------------------- workers
class _Running:
    def __init__(self, index, pid, fd, deadline):
        self.index, self.pid, self.fd, self.deadline = index, pid, fd, deadline
        self.chunks, self.size, self.overflow = [], 0, False


def _child(sub, lesson, settings, seed, write_fd, close_fds):
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
        uid, isolation = choose_isolation(settings["drop_privileges"])
        try:
            result = grade_submission(sub, lesson, settings, seed, uid=uid)
            result["isolation"] = isolation
        except Exception:
            result = {"status": "kernel died", "problems": [
                "internal error in the grader: " + traceback.format_exc()[-1500:]],
                "exercises": {}, "lesson": lesson}
        data = json.dumps(result, default=str).encode()
        view = memoryview(data)
        while view:
            written = os.write(write_fd, view)
            view = view[written:]
    except BaseException:
        code = 1
    finally:
        containment.kill_descendants()
        os._exit(code)


def _run_workers(jobs_list, settings, seed, progress):
    """Fork up to ``settings['jobs']`` workers; returns ``{index: result dict or None}``."""
    results = {}
    pending = list(jobs_list)
    running = {}
    selector = selectors.DefaultSelector()
    n_exercises = max((len([e for e in EXERCISES.values() if e.lesson == lesson])
                       for _, _, lesson in jobs_list), default=0)
    budget = (settings["timeout"] + KERNEL_START_TIMEOUT + 30.0
              + n_exercises * (EXERCISE_TIME_LIMIT + HARNESS_SLACK + 5.0))
    try:
        while pending or running:
            while pending and len(running) < settings["jobs"]:
                index, sub, lesson = pending.pop(0)
                read_fd, write_fd = os.pipe()
                others = [r.fd for r in running.values()] + [read_fd]
                pid = os.fork()
                if pid == 0:  # pragma: no cover - runs in the child
                    _child(sub, lesson, settings, seed, write_fd, others)
                os.close(write_fd)
                os.set_blocking(read_fd, False)
                job = _Running(index, pid, read_fd, time.monotonic() + budget)
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
            result = json.loads(b"".join(job.chunks).decode())
        except (ValueError, UnicodeDecodeError):
            result = None
    if getattr(job, "timed_out", False):
        result = {"status": "timeout", "exercises": {},
                  "problems": ["the submission's grading ran past its total time and was stopped"]}
    results[job.index] = result
    # a worker killed from inside leaves orphans here (we are their subreaper): kill them
    containment.kill_descendants(keep={j.pid for j in running.values()} | set(keep))
    progress.step()


# ----------------------------------------------------------------------------- entry point
def grade_paths(paths, *, lesson=None, jobs=1, timeout=300.0, memory_mb=2048,
                out="gradebook.csv", feedback=None, cell_timeout=None, drop_privileges="auto",
                seed=None, stream=None):
    """Grade every notebook under ``paths``; write the gradebook and reports; return an exit code.

    Parameters
    ----------
    paths : list of str or Path, notebooks or folders of notebooks
    lesson : str or None, grade every submission as this lesson (stem such as ``"04_bptt"`` or
        its number ``"04"``) instead of the lesson in each notebook's metadata
    jobs : int, submissions graded in parallel
    timeout : float, seconds for running one submission's cells (judging has its own time)
    memory_mb : int, address-space limit of each kernel, in MB
    out : str or Path, the gradebook CSV; JSON reports go to ``<out stem>-reports/`` beside it
    feedback : str, Path or None, folder for one readable feedback file per submission
    cell_timeout : float or None, seconds per cell (default: ``timeout``)
    drop_privileges : "auto", True or False, run kernels as a fresh unprivileged user when root
    seed : int or None, seed of the test cases (default: a fresh random one, recorded)
    stream : file for the progress bar and messages (default: stderr)

    Returns
    -------
    int, 0 when grading ran, 1 when course files changed during the run (the gradebook is
    written but marked), 2 for a usage error (unknown lesson, no notebooks)
    """
    stream = stream or sys.stderr
    before = course_files_digest()
    preload()
    try:
        forced = resolve_lesson(lesson) if lesson else None
    except ValueError as exc:
        print(f"rnncourse grade: error: argument --lesson: {exc}", file=stream)
        return 2
    submissions = load_submissions(paths)
    if not submissions:
        shown = ", ".join(repr(str(p)) for p in paths)
        print(f"rnncourse grade: error: no notebooks (*.ipynb) found in {shown}", file=stream)
        return 2
    containment.set_subreaper()
    # processes this caller already had (e.g. when called from Python, not the command line) are
    # not ours to kill; everything that appears below us later is
    existing = set(containment.children(os.getpid()))
    seed = secrets.randbelow(2**31) if seed is None else int(seed)
    settings = {"jobs": int(jobs), "timeout": float(timeout), "memory_mb": int(memory_mb),
                "cell_timeout": float(cell_timeout or timeout), "drop_privileges": drop_privileges,
                "keep": existing}
    rows, jobs_list = [], []
    for index, sub in enumerate(submissions):
        row = {"name": sub.name, "path": sub.path, "sha256": sub.sha256, "seed": seed}
        rows.append(row)
        if not sub.valid:
            row.update(status=f"invalid notebook: {sub.error}", lesson=forced, exercises={})
            continue
        stem, problem = lesson_of(sub, forced)
        if problem:
            row.update(status=f"invalid notebook: {problem}", lesson=None, exercises={})
            continue
        row["lesson"] = stem
        jobs_list.append((index, sub, stem))
    lessons = sorted({stem for _, _, stem in jobs_list})
    if len(lessons) > 1:
        print(f"rnncourse grade: note: the notebooks name {len(lessons)} different lessons "
              f"({', '.join(lessons)}); check the lesson column, or pass --lesson", file=stream)
    progress = Progress(len(submissions), stream)
    for row in rows:
        if "status" in row:
            progress.step()
    results = _run_workers(jobs_list, settings, seed, progress)
    containment.kill_descendants(keep=existing)
    for index, sub, stem in jobs_list:
        result = results.get(index)
        if result is None:
            result = {"status": "kernel died", "exercises": {}, "problems": [
                "the grading process for this submission was killed (by the submission?)"]}
        rows[index].update(result)
        rows[index]["lesson"] = stem
    changed = changed_files(before, course_files_digest())
    columns = report.exercise_columns(rows)
    for row in rows:
        report.fill_points(row)
        if changed:
            row["status"] += "; course files changed during grading"
    report.write_all(rows, columns, Path(out), Path(feedback) if feedback else None,
                     {"seed": seed, "course_files_changed": changed,
                      "settings": {k: v for k, v in settings.items() if k != "keep"}})
    if changed:
        print("rnncourse grade: WARNING: course files changed during grading, so these scores "
              f"cannot be trusted: {', '.join(changed[:10])}. Reinstall the course package "
              "and grade again.", file=stream)
        return 1
    print(f"rnncourse grade: {len(rows)} submission(s) graded; gradebook: {out}", file=stream)
    return 0
