"""The homework autograder behind ``rnncourse grade``: load -> sandboxed kernel -> judge -> report.

The submission is treated as hostile. Its notebook runs in a separate ipykernel inside a
bubblewrap sandbox (its own mount, PID and network namespaces; only the system, Python and the
course package, read-only, and a private folder), with time, memory, file-size and process
limits, under a process that is a child subreaper so no process it starts outlives its
grading. The verdicts are computed outside that kernel: the grader
sends freshly seeded inputs, the kernel only calls the student's functions and hands back plain
arrays, and the trusted process compares them with values it computed itself. See
docs/grading.md for the instructor guide and for what this does and does not protect against.

Modules (one step each):

- :mod:`~rnncourse.grading.loading`: read and validate submissions into memory; which lesson each is
- :mod:`~rnncourse.grading.snapshot`: hash the course package, preload what judging needs
- :mod:`~rnncourse.grading.containment`: subreaper, descendants, kill them all
- :mod:`~rnncourse.grading.launchers`: how the kernel is launched (user, limits, paths it sees)
- :mod:`~rnncourse.grading.bubblewrap`: the sandbox launcher (the default) and its probe
- :mod:`~rnncourse.grading.sandbox`: the kernel process and its one channel (a context manager)
- :mod:`~rnncourse.grading.harness`: the code sent into the kernel to call the functions
- :mod:`~rnncourse.grading.references`: static detection of calls to the reference implementation
- :mod:`~rnncourse.grading.evaluate`: defensive parsing of the kernel's outputs, trusted judging
- :mod:`~rnncourse.grading.memory`: the least ``--memory`` a bare kernel needs here, measured
- :mod:`~rnncourse.grading.cellnames`: a cell named by its exercise or heading and first line
- :mod:`~rnncourse.grading.worker`: one submission from start to sweep
- :mod:`~rnncourse.grading.recovery`: after a crash, a fresh kernel re-runs the cells before it
- :mod:`~rnncourse.grading.course`: the course file (points, partial credit, knock-on policy)
- :mod:`~rnncourse.grading.results`: typed results (:class:`Status`, :class:`SubmissionResult`)
- :mod:`~rnncourse.grading.writers`: the registry of writers: gradebook CSV, JSON reports, feedback
- :mod:`~rnncourse.grading.identity`: submission identities and their root (``--root``)
- :mod:`~rnncourse.grading.gradebook`: reading and merging an existing gradebook
- :mod:`~rnncourse.grading.roster`: ``--roster``, matching submissions to students
- :mod:`~rnncourse.grading.summary`: the end-of-run summary (seed, merge, unmatched students)
- :mod:`~rnncourse.grading.lms`: Canvas, Moodle and CSV exports (``rnncourse gradebook export``)
- :mod:`~rnncourse.grading.progress`: the progress bar and notes on stderr
- :mod:`~rnncourse.grading.pool`: forked worker processes, their pipes and time budgets
- :mod:`~rnncourse.grading.batch`: the course-package hash check around a batch;
  :func:`grade_paths` (a batch) and :func:`grade_one` (one notebook)
- :mod:`~rnncourse.grading.gradescope`, :mod:`~rnncourse.grading.gradescope_export`,
  :mod:`~rnncourse.grading.course_wheel`: the Gradescope autograder (``rnncourse export``)
"""

from rnncourse.grading.batch import grade_one, grade_paths
from rnncourse.grading.results import Status, SubmissionResult

__all__ = ["grade_paths", "grade_one", "Status", "SubmissionResult"]
