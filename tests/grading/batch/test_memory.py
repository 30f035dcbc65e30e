"""grading.memory: a --memory too small for a bare kernel is refused before anything is graded."""

from __future__ import annotations

import re
import sys

import pytest

from rnncourse.grading.batch.memory import BareKernel, memory_problem, recommended_minimum
from tests.grading.real_lessons import grade, real_submission, write_notebook
from tests.grading.sandbox_required import require_sandbox

REFUSED = re.compile(r"rnncourse grade: error: --memory (\d+): a bare kernel needs about (\d+) MB "
                     r"here \(to start and import numpy and the course\); pass at least (\d+)\n")


def test_the_minimum_is_the_peak_plus_a_quarter_at_least_128_mb_rounded_up_to_50():
    assert recommended_minimum(610) == 800    # 610 + 152.5 = 762.5 -> 800
    assert recommended_minimum(400) == 550    # 400 + 128 (a quarter is less) = 528 -> 550
    assert recommended_minimum(872) == 1100   # 872 + 218 = 1090 -> 1100


def test_the_refusal_names_the_value_and_the_minimum():
    bare = BareKernel(peak_mb=729, minimum_mb=950)
    assert memory_problem(256, bare) == ("--memory 256: a bare kernel needs about 729 MB here (to "
                                         "start and import numpy and the course); pass at least 950")
    assert memory_problem(949, bare) is not None
    assert memory_problem(950, bare) is None
    assert memory_problem(1, None) is None  # not measured (no kernel started): not refused


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the grader is Linux-only")
def test_too_little_memory_is_refused_before_grading_and_the_minimum_named_works(tmp_path,
                                                                                 private_python):
    require_sandbox()
    write_notebook(real_submission("00_welcome"), tmp_path / "subs" / "alice.ipynb")
    minimums = []
    for given in ("1", "256"):
        proc, rows = grade(private_python, tmp_path, "--memory", given, "subs")
        assert proc.returncode == 2, proc.stderr[-2000:]
        match = REFUSED.search(proc.stderr)
        assert match, proc.stderr[-2000:]
        assert match.group(1) == given
        peak, minimum = int(match.group(2)), int(match.group(3))
        assert 256 < peak < minimum and minimum % 50 == 0
        minimums.append(minimum)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["subs"]  # nothing written
        assert "[" not in proc.stderr  # no progress bar: nothing was graded
    # the value the message asks for is accepted and is enough to grade the real lesson
    proc, rows = grade(private_python, tmp_path, "--memory", str(max(minimums)), "--timeout",
                       "60", "subs")
    assert proc.returncode == 0, proc.stderr[-2000:]
    row = rows["alice.ipynb"]
    assert (row["status"], row["total"], row["possible"]) == ("ok", "1", "1"), row
