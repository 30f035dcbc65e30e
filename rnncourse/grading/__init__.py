"""The homework autograder behind ``rnncourse grade``: load -> sandboxed kernel -> judge -> records
-> reports.

The submission is treated as hostile. Its notebook runs in a separate ipykernel inside a
bubblewrap sandbox (its own mount, PID and network namespaces; only the system, Python and the
course package, read-only, and a private folder), with time, memory, file-size and process
limits, under a process that is a child subreaper so no process it starts outlives its
grading. The verdicts are computed outside that kernel: the grader
sends freshly seeded inputs, the kernel only calls the student's functions and hands back plain
arrays, and the trusted process compares them with values it computed itself. See
docs/grading.md for the instructor guide and for what this does and does not protect against.

Subpackages, one phase each; a subpackage imports only from those listed above it (and from
:mod:`rnncourse.checks`):

``load/``: before anything runs

- :mod:`~rnncourse.grading.load.course_file`: the course file (points, partial credit, knock-on policy)
- :mod:`~rnncourse.grading.load.submissions`: read and validate submissions into memory; which lesson each is
- :mod:`~rnncourse.grading.load.snapshot`: hash the course package, preload what judging needs

``sandbox/``: execute in a contained kernel

- :mod:`~rnncourse.grading.sandbox.containment`: subreaper, descendants, kill them all
- :mod:`~rnncourse.grading.sandbox.launchers`: how the kernel is launched (user, limits, paths it sees)
- :mod:`~rnncourse.grading.sandbox.kernel`: the kernel process and its one channel (a context manager)
- :mod:`~rnncourse.grading.sandbox.disk`: what a kernel wrote, against ``--disk``
- :mod:`~rnncourse.grading.sandbox.bubblewrap`: the sandbox launcher (the default) and its probe
- :mod:`~rnncourse.grading.sandbox.launcher_choice`: which launcher; never a silent fallback
- :mod:`~rnncourse.grading.sandbox.harness`: the code sent into the kernel to call the functions

``judging/``: judge outside the kernel

- :mod:`~rnncourse.grading.judging.evaluate`: defensive parsing of the kernel's outputs, trusted judging
- :mod:`~rnncourse.grading.judging.question_grades`: self-check answers (read statically by
  :mod:`rnncourse.checks.engine.answers`) judged with the hashed key
- :mod:`~rnncourse.grading.judging.cellnames`: a cell named by its exercise or heading and first line
- :mod:`~rnncourse.grading.judging.results`: typed results (:class:`Status`, :class:`SubmissionResult`)
- :mod:`~rnncourse.grading.judging.recovery`: after a crash, a fresh kernel re-runs the cells before it
- :mod:`~rnncourse.grading.judging.worker`: one submission from start to sweep

Calls to the course's reference implementation are found statically by
:mod:`rnncourse.checks.references`, which the checks use too.

``records/``: what a run writes

- :mod:`~rnncourse.grading.records.gradebook_csv`: reading and merging an existing gradebook
- :mod:`~rnncourse.grading.records.identity`: submission identities and their root (``--root``)
- :mod:`~rnncourse.grading.records.roster`: ``--roster``, matching submissions to students
- :mod:`~rnncourse.grading.records.term`: the term ledger: which submission counts, adjustments,
  the history of every grading; :mod:`~rnncourse.grading.records.late`: late penalties
- :mod:`~rnncourse.grading.records.writers`: the registry of writers: gradebook CSV, JSON reports, feedback

``reports/``: what an instructor reads after a batch (from the gradebook and JSON reports)

- :mod:`~rnncourse.grading.reports.classview`: the class as numbers (``summary.json``)
- :mod:`~rnncourse.grading.reports.class_figures`: the report's figures (each takes an ``ax``)
- :mod:`~rnncourse.grading.reports.htmlpage`: self-contained pages: escaping, a strict CSP, sortable tables
- :mod:`~rnncourse.grading.reports.feedback_pages`: a student's notebook rendered (nbconvert,
  sanitized) with each verdict beside its cell
- :mod:`~rnncourse.grading.reports.similarity`: similar answers per exercise (copydetect), evidence for a person
- :mod:`~rnncourse.grading.reports.class_page`: ``rnncourse report``'s page, figures, summary, feedback pages

``batch/``: a class graded end to end

- :mod:`~rnncourse.grading.batch.memory`: the least ``--memory`` a bare kernel needs here, measured
- :mod:`~rnncourse.grading.batch.progress_bar`: the progress bar and notes on stderr
- :mod:`~rnncourse.grading.batch.summary`: the end-of-run summary (seed, merge, unmatched students)
- :mod:`~rnncourse.grading.batch.pool`: forked worker processes, their pipes and time budgets
- :mod:`~rnncourse.grading.batch.run`: the course-package hash check around a batch;
  :func:`grade_paths` (a batch) and :func:`grade_one` (one notebook)

``platforms/``: other systems

- :mod:`~rnncourse.grading.platforms.lms`: Canvas, Moodle and CSV exports (``rnncourse gradebook export``)
- :mod:`~rnncourse.grading.platforms.moodle_feedback`: the feedback pages as a zip for Moodle's feedback upload
- :mod:`~rnncourse.grading.platforms.gradescope_autograder`: what runs inside Gradescope's container
- :mod:`~rnncourse.grading.platforms.gradescope_export`,
  :mod:`~rnncourse.grading.platforms.course_wheel`: building the Gradescope autograder (``rnncourse export``)
"""

from __future__ import annotations


def __getattr__(name: str):
    """The public names, imported when first used, so that importing one phase's module (e.g.
    ``platforms.lms`` for ``rnncourse gradebook export``) does not import a whole batch."""
    if name in ("grade_paths", "grade_one"):
        from rnncourse.grading.batch import run as module
    elif name in ("Status", "SubmissionResult"):
        from rnncourse.grading.judging import results as module
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = ["grade_paths", "grade_one", "Status", "SubmissionResult"]
