"""Grade one submission: private folder -> kernel -> every code cell -> harness -> judge -> sweep.

:func:`grade_submission` runs in a process of its own (forked by :mod:`rnncourse.grading.batch.run`)
that has made itself a child subreaper, so whatever the student's code starts — even a process
that double-forks into a session of its own — stays below it and is killed at the end
(:func:`rnncourse.grading.sandbox.containment.kill_descendants`). It returns a
:class:`~rnncourse.grading.judging.results.SubmissionResult`.

Cells run in order; an error in a cell does not stop the run (like nbgrader). A cell that runs
past its limit is interrupted; if the kernel answers again the remaining cells run while the
submission's time lasts, otherwise the kernel is killed. Judging has its own time, per exercise.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time

from rnncourse.checks import EXERCISES, to_bytes
from rnncourse.checks.engine import knock_on, same_lesson_dependencies
from rnncourse.checks.references import static_flags
from rnncourse.grading.judging import recovery
from rnncourse.grading.judging.cellnames import cell_name
from rnncourse.grading.judging.evaluate import judge_result, read_outputs, result_entry, runtime_flag
from rnncourse.grading.judging.question_grades import grade_questions
from rnncourse.grading.judging.results import SEVERITY, Status, SubmissionResult, lesson_exercises
from rnncourse.grading.sandbox import containment
from rnncourse.grading.sandbox.harness import forbidden_code_keys, harness_request
from rnncourse.grading.sandbox.kernel import Kernel

EXERCISE_TIME_LIMIT = 10.0
"""Seconds the student's function gets for all the cases of one exercise while being graded."""

HARNESS_SLACK = 15.0
SUBMISSION_FILE = "submission.ipynb"


def code_cells(notebook):
    return [(i, c["source"]) for i, c in enumerate(notebook["cells"])
            if c.get("cell_type") == "code" and c.get("source", "").strip()]


def function_names(notebook, exercises):
    """Exercise id -> the student's function name, from the graded check cell's second argument.

    ``check("warmup_sum_of_squares", sum_of_squares)`` names ``sum_of_squares``. When the graded
    cell has no such call (a notebook from an nbgrader source folder, whose graded cell holds a
    hidden test), the last ungraded cell above it that calls ``check(id, NAME)`` names it; when
    there is none (or the argument is not a plain name), the name is the exercise id.
    Only exercises answered by a function (``answer_kind == "function"``) are named.
    """
    import ast

    def named_in(source, grade_id):
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            return None
        found = None
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "check" and len(node.args) >= 2
                    and isinstance(node.args[0], ast.Constant) and node.args[0].value == grade_id
                    and isinstance(node.args[1], ast.Name)):
                found = node.args[1].id
        return found

    names = {ex.id: ex.id for ex in exercises if ex.answer_kind == "function"}
    last_above = {}  # exercise id -> the name in the last ungraded check(id, NAME) cell so far
    for cell in notebook["cells"]:
        if cell.get("cell_type") != "code":
            continue
        meta = cell.get("metadata", {}).get("nbgrader")
        graded = isinstance(meta, dict) and meta.get("grade") is True
        if not graded:
            # an nbgrader-source notebook (rnncourse release --nbgrader-source) has the check in
            # the ungraded cell just above its graded cell, which holds nbgrader's hidden test
            for ex_id in names:
                if ex_id in cell.get("source", ""):
                    name = named_in(cell.get("source", ""), ex_id)
                    if name is not None:
                        last_above[ex_id] = name
            continue  # only the graded check cell names the function, not demonstration cells
        grade_id = meta.get("grade_id")
        if grade_id not in names:
            continue
        name = named_in(cell.get("source", ""), grade_id)
        if name is None:
            name = last_above.get(grade_id)
        if name is not None:
            names[grade_id] = name
    return names


def remove_tree(path):
    """Remove ``path`` and everything in it, even folders the student's code made unreadable."""
    def unlock(function, failed, _exc):
        for folder in {os.path.dirname(failed), failed}:
            try:
                os.chmod(folder, 0o700)
            except OSError:
                pass
        try:
            function(failed)
        except OSError:
            pass
    if os.path.lexists(path):
        shutil.rmtree(path, onerror=unlock)
        if os.path.lexists(path):  # a second pass after the first one unlocked the folders
            shutil.rmtree(path, ignore_errors=True)


def grade_submission(sub, lesson, settings, seed, launcher=None, workdir=None):
    """Grade one valid submission for ``lesson``; returns a :class:`SubmissionResult`.

    ``launcher`` (:mod:`rnncourse.grading.sandbox.launchers`) says how the kernel runs; only exercises
    answered by a function are called in the kernel. ``workdir`` is a folder to create for the
    private files (the batch removes it even if this process is killed); default: a new
    temporary folder. Self-check questions are judged from the literal answers of their graded
    cells (:mod:`rnncourse.checks.engine.answers`), outside the kernel.
    """
    start = time.monotonic()
    exercises = [ex for ex in lesson_exercises(lesson) if ex.harness_spec() is not None]
    result = SubmissionResult(name=sub.name, path=sub.path, sha256=sub.sha256, seed=seed,
                              lesson=lesson)
    names = function_names(sub.notebook, exercises)
    flags = static_flags(sub.notebook, names)
    if workdir is None:
        workdir = tempfile.mkdtemp(prefix="rnncourse-grade-")
    else:
        os.makedirs(workdir, mode=0o700)
    private = os.path.join(workdir, "work")
    os.makedirs(private)
    events = set()
    crash = None
    policy = settings.get("knock_on", {}).get(lesson, "full")  # the course file's, per lesson
    try:
        with contextlib.ExitStack() as kernels:  # the first kernel, and any revived one
            kernel = kernels.enter_context(Kernel(private, settings["memory_mb"],
                                                  launcher=launcher,
                                                  files=settings.get("kernel_files", ())))
            with open(os.path.join(private, SUBMISSION_FILE), "wb") as fh:
                fh.write(sub.data)
            started = kernel.start()
            result.details["timing"] = {"kernel_start": round(time.monotonic() - start, 3)}
            run_start = time.monotonic()
            if not started:
                events.add(Status.KERNEL_DIED)
                result.problems.append(kernel.start_error)
            else:
                crash = _run_cells(kernel, sub.notebook, lesson, settings, run_start, result,
                                   events)
            if crash is None:
                judge_start = time.monotonic()
                revive = _reviver(kernels, sub, None, settings, run_start, launcher, workdir,
                                  result)
                result.exercises = _judge_all(_Judge(kernel, private, revive), exercises, names,
                                              flags, seed, result, events,
                                              knock_on_policy=policy)
        if crash is not None:  # keep the work done before the crash: re-run up to it, judge
            judge_start = time.monotonic()
            result.exercises = _judge_after_crash(sub, lesson, crash, settings, run_start,
                                                  launcher, workdir, exercises, names, flags,
                                                  seed, result, events)
        result.exercises.update(grade_questions(sub.notebook, lesson, seed))  # never run
        result.details["timing"]["judging"] = round(time.monotonic() - judge_start, 3)
    finally:
        containment.kill_descendants()
        remove_tree(workdir)
    result.status = next((status for status in SEVERITY if status in events), Status.OK)
    result.details["seconds"] = round(time.monotonic() - start, 3)
    return result


def _run_cells(kernel, notebook, lesson, settings, start, result, events):
    """Run every code cell in order; returns the position (among the code cells) of the cell
    during which the kernel died, or None."""
    deadline = start + settings["timeout"]
    cells = code_cells(notebook)
    for position, (index, source) in enumerate(cells):
        name = cell_name(notebook, index, lesson)
        left = deadline - time.monotonic()
        if left <= 0:
            events.add(Status.TIMEOUT)
            result.problems.append(
                f"the notebook ran out of time ({settings['timeout']:g} s) before {name}; "
                f"{len(cells) - position} code cell(s) did not run")
            return
        limit = min(left, settings["cell_timeout"])
        reply = kernel.execute(source, limit)
        entry = {"cell": index + 1, "name": name, **reply.as_dict()}
        result.cells.append(entry)
        if reply.status == "error" and reply.ename == "MemoryError":
            events.add(Status.MEMORY)
            result.problems.append(f"{name} ran out of memory (the limit is "
                                   f"{settings['memory_mb']} MB)")
        elif reply.status == "timeout":
            events.add(Status.TIMEOUT)
            result.problems.append(f"{name} did not finish within {limit:.0f} s "
                                   "and was interrupted")
            if not kernel.interrupt():
                result.problems.append("the kernel did not respond to the interrupt and "
                                          "was stopped")
                kernel.shutdown()
                return
        elif reply.status == "died":
            events.add(Status.KERNEL_DIED)
            result.problems.append(f"the kernel stopped during {name} "
                                   f"({kernel.exit_description()})")
            return position
    return None


def _judge_after_crash(sub, lesson, crash, settings, run_start, launcher, workdir, exercises,
                       names, flags, seed, result, events):
    """Judge in a fresh kernel that re-ran the code cells before the crash
    (:mod:`rnncourse.grading.judging.recovery`)."""
    cells = code_cells(sub.notebook)
    crash_name = cell_name(sub.notebook, cells[crash][0], lesson)
    kernel, private = recovery.recovered_kernel(workdir, sub.data, settings["memory_mb"],
                                                launcher, SUBMISSION_FILE,
                                                files=settings.get("kernel_files", ()))
    with contextlib.ExitStack() as kernels:
        kernels.enter_context(kernel)
        ran, stopped = 0, "the fresh kernel did not start"
        if kernel.start():
            ran, stopped = recovery.rerun_before(kernel, cells, crash,
                                                 run_start + settings["timeout"],
                                                 settings["cell_timeout"])
        result.problems.append(recovery.rerun_note(crash_name, ran, stopped))
        revive = _reviver(kernels, sub, crash, settings, run_start, launcher, workdir, result)
        return _judge_all(_Judge(kernel, private, revive), exercises, names, flags, seed, result,
                          events, crash_name=crash_name,
                          knock_on_policy=settings.get("knock_on", {}).get(lesson, "full"))


def _reviver(kernels, sub, upto, settings, run_start, launcher, workdir, result):
    """``revive(exercise_id)``: once the kernel died while ``exercise_id`` was judged, a fresh,
    started kernel that re-ran the notebook's code cells (those before position ``upto``, or all
    of them), entered into ``kernels`` so it is killed with the others; returns ``(kernel,
    private folder)``, or None after :data:`~rnncourse.grading.judging.recovery.MAX_REVIVALS`. The cells
    re-run within what is left of the submission's time."""
    cells = code_cells(sub.notebook)
    stop = len(cells) if upto is None else upto
    used = []

    def revive(exercise_id):
        if len(used) >= recovery.MAX_REVIVALS:
            return None
        used.append(exercise_id)
        kernel, private = recovery.recovered_kernel(workdir, sub.data, settings["memory_mb"],
                                                    launcher, SUBMISSION_FILE,
                                                    folder=f"revived-{len(used)}",
                                                    files=settings.get("kernel_files", ()))
        kernels.enter_context(kernel)
        ran, stopped = 0, "the fresh kernel did not start"
        if kernel.start():
            ran, stopped = recovery.rerun_before(kernel, cells, stop,
                                                 run_start + settings["timeout"],
                                                 settings["cell_timeout"])
        result.problems.append(recovery.revive_note(exercise_id, ran, stop, stopped))
        return kernel, private

    return revive


class _Judge:
    """The kernel the functions are judged in. When it dies (or is stopped) while a function is
    judged, the next call first gets a fresh one from ``revive`` (:func:`_reviver`), so one
    crashing function costs only its own exercise."""

    def __init__(self, kernel, private, revive=None):
        self.kernel, self.private, self.revive = kernel, private, revive
        self.died_during = None

    def call(self, ex, fn_name, cases, problems, events, crash_name, inject=None):
        """:func:`_call_in_kernel` in the current kernel (revived first if it died)."""
        if self.died_during is not None and self.revive is not None:
            revived = self.revive(self.died_during)
            self.died_during = None
            if revived is not None:
                self.kernel, self.private = revived
        alive = self.kernel.alive()
        outcome = _call_in_kernel(self.kernel, ex, fn_name, cases, self.private, problems, events,
                                  crash_name, inject=inject)
        if alive and not self.kernel.alive():
            self.died_during = ex.id
        return outcome


def _judge_all(judge, exercises, names, flags, seed, result, events, crash_name=None,
               knock_on_policy="full"):
    """Judge every exercise through ``judge`` (a :class:`_Judge`), then re-judge the knock-on
    failures: an exercise that failed while an exercise of the same lesson it calls failed too
    is called again with the course's reference for those
    (:mod:`rnncourse.checks.engine.dependencies`). The re-judge runs after every first verdict,
    and what goes wrong in it does not change the row's status.
    """
    judged, firsts = {}, {}
    for ex in exercises:
        cases = ex.make_cases(seed)
        report, problem, timed_out = judge.call(ex, names[ex.id], cases, result.problems, events,
                                                crash_name)
        flag = flags.get(ex.id) or runtime_flag(report, names[ex.id], forbidden_code_keys(ex.id))
        first = judge_result(ex, cases, report, problem)
        firsts[ex.id] = (cases, first, timed_out)
        judged[ex.id] = dict(result_entry(ex, first, flag, len(cases)), function=names[ex.id])
    for ex in exercises:
        cases, first, timed_out = firsts[ex.id]
        failing = [dep.id for dep in same_lesson_dependencies(ex, EXERCISES)
                   if dep.id in judged and not judged[dep.id]["passed"]]
        if first.passed or judged[ex.id]["flag"] or timed_out or not failing:
            continue
        report, problem, _ = judge.call(ex, names[ex.id], cases, [], set(), crash_name,
                                        inject={names[d]: d for d in failing})
        rejudged = judge_result(ex, cases, report, problem)
        flag = runtime_flag(report, names[ex.id], forbidden_code_keys(ex.id))  # still watched
        combined = knock_on(ex, first, rejudged, failing, knock_on_policy)
        judged[ex.id] = dict(result_entry(ex, combined, flag, len(cases)), function=names[ex.id])
    return judged


def _call_in_kernel(kernel, ex, fn_name, cases, private, problems, events, crash_name,
                    inject=None):
    """Have the harness call ``fn_name`` on ``cases`` in ``kernel``; returns ``(report or None,
    problem or None, whether the function ran out of time)``. Incidents go to ``problems`` and
    ``events``."""
    if not kernel.alive():
        return None, "the kernel was not running", False
    tag = "-knock-on" if inject else ""
    cases_path = os.path.join(private, f".cases-{ex.id}{tag}.npz")
    out_path = os.path.join(private, f".outputs-{ex.id}{tag}.npz")
    with open(cases_path, "wb") as fh:
        fh.write(to_bytes(cases))
    code = harness_request(ex.id, fn_name, kernel.place(cases_path), kernel.kernel_path(out_path),
                           EXERCISE_TIME_LIMIT, inject=inject)
    reply = kernel.execute(code, EXERCISE_TIME_LIMIT + HARNESS_SLACK)
    if reply.status == "timeout":
        events.add(Status.TIMEOUT)
        problems.append(f"grading {ex.id} did not finish in time; the kernel was stopped")
        kernel.shutdown()
    elif reply.status == "died":
        events.add(Status.KERNEL_DIED)
        problems.append(f"the kernel stopped while {ex.id} was being graded "
                        f"({kernel.exit_description()})")
    report, problem = read_outputs(out_path, len(cases))
    if crash_name and report is not None and report.get("found") is False:
        problem = recovery.unbound_problem(fn_name, crash_name)
    if reply.status == "error" and problem:
        problem = f"{problem}; the grading cell raised {reply.ename}: {reply.evalue}"
    timed_out = report is not None and any(o["status"] == "timeout" for o in report["outputs"])
    if timed_out:
        # the harness's own time limit stopped the function: the kernel replied in time, but
        # the exercise ran out of time all the same
        events.add(Status.TIMEOUT)
        problems.append(f"{fn_name} ({ex.id}) ran out of time while being graded: its test cases "
                        f"did not finish within {EXERCISE_TIME_LIMIT:g} s (the limit for all of "
                        "them together), so the cases from there on fail")
    return report, problem, timed_out
