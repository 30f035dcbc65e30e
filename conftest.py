"""Root pytest configuration: one BLAS thread, no progress recording, the ``slow`` marker on
whole kinds of tests, and how pytest-xdist spreads the suite over worker processes.

The BLAS variables are set before any kernel starts (nbval kernels inherit this process's
environment) and before numpy is imported by the tests, so notebook outputs match to the last
digit. ``check()`` records each verdict in ``~/.rnncourse``; the suite runs thousands, so
recording is off (``RNNCOURSE_PROGRESS=off``) except in the tests of recording, which turn it on
for a temporary folder.

``pytest -m "not slow"`` is the quick subset for development (README, "Running the tests"):
besides the tests marked ``slow`` in their modules, every solution notebook's cell under nbval,
every browser test and every test that grades through a private install of the course (the
``private_python`` fixture: a whole ``rnncourse grade`` batch in a subprocess) counts as slow.
"""

import os

import pytest

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

os.environ["RNNCOURSE_PROGRESS"] = "off"


SHARED_SCOPES = {
    # folders whose test modules share one session-scoped fixture or a machine-wide resource, so
    # they run in one pytest-xdist worker: the class graded once for every report test
    # (tests/grading/reports/conftest.py), and the hub's Unix accounts (useradd locks /etc/passwd).
    "tests/grading/reports/": "tests/grading/reports",
    "tests/hub/": "tests/hub",
}


LONGEST_FIRST = [
    # the scopes that took longest in a parallel run (each 30-170 s), handed out first so that
    # none of them starts last and runs alone while the other workers have finished
    "tests/hub",
    "tests/grading/platforms/test_nbgrader_roundtrip.py",
    "tests/test_portability.py",
    "tests/grading/test_grading_hostile.py",
    "tests/grading/platforms/test_gradescope_autograder.py",
    "tests/grading/test_grading_unsafe.py",
    "tests/grading/reports",
    "tests/grading/test_grading_real.py",
    "tests/grading/test_grading_verdicts.py",
]


def xdist_scope(nodeid: str) -> str:
    """The unit of work pytest-xdist hands one worker: a test's file (so a module's fixtures are
    made once and a notebook's cells run in order in one kernel), or a whole shared folder."""
    path = nodeid.split("::", 1)[0]
    for folder, scope in SHARED_SCOPES.items():
        if path.startswith(folder):
            return scope
    return path


MAX_WORKERS = 6


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config):
    """``-n auto``: one worker more than the machine has cores (at most :data:`MAX_WORKERS`), since
    much of the suite waits on other processes (kernels, JupyterHub, Chromium, pip): on 2 cores,
    3 workers took 338 s where 2 took 391 s."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(MAX_WORKERS, cores + 1)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Under ``pytest -n N``: hand out whole files (and the shared folders above) in the order the
    workers collected them, which puts :data:`LONGEST_FIRST` first."""
    from xdist.scheduler import LoadScopeScheduling

    class CourseScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return xdist_scope(nodeid)

    config.option.loadscopereorder = False  # keep the order the workers collected (below)
    return CourseScheduling(config, log)


def _longest_first(items):
    """Items reordered (stably) so that the scopes of :data:`LONGEST_FIRST` come first, in that order."""
    rank = {scope: i for i, scope in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(xdist_scope(item.nodeid), len(rank)))


def _is_slow(item):
    return (str(item.fspath).endswith(".ipynb")
            or item.get_closest_marker("browser") is not None
            or "private_python" in getattr(item, "fixturenames", ()))


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _is_slow(item) and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.slow)
    if hasattr(config, "workerinput"):  # a pytest-xdist worker: this order is the queue's
        _longest_first(items)
