"""grading.harness: the code sent into the kernel is self-contained and calls like check() does."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np

from rnncourse.checks import EXERCISES, from_bytes, to_bytes
from rnncourse.grading.sandbox.harness import harness_request, harness_source

BLOCK_THE_COURSE = "import sys\nsys.modules['rnncourse'] = None  # any course import now fails\n"


def test_the_harness_imports_nothing_from_the_course():
    source = harness_source()
    assert not re.search(r"^\s*(from|import) rnncourse", source, re.M)
    assert "def make_test_function" in source  # the declared builder, captured by name


def test_the_harness_calls_a_function_without_the_course_package(tmp_path):
    ex = EXERCISES["numerical_gradient"]  # its argument f is built inside the kernel
    cases = ex.make_cases(3)
    cases_path, out_path = tmp_path / "cases.npz", tmp_path / "out.npz"
    cases_path.write_bytes(to_bytes(cases))
    notebook = ("import numpy as np\n"
                "def numerical_gradient(f, x, h=1e-5):\n"
                "    grad = np.zeros_like(x)\n"
                "    for i in np.ndindex(x.shape):\n"
                "        old = x[i]\n"
                "        x[i] = old + h; fp = f()\n"
                "        x[i] = old - h; fm = f()\n"
                "        x[i] = old\n"
                "        grad[i] = (fp - fm) / (2 * h)\n"
                "    return grad\n")
    cell = harness_request(ex.id, "numerical_gradient", str(cases_path), str(out_path), 10.0)
    subprocess.run([sys.executable, "-c", BLOCK_THE_COURSE + notebook + cell], check=True,
                   cwd=tmp_path, timeout=60)
    report = from_bytes(out_path.read_bytes())
    assert report["found"] and report["reference_calls"] == []
    assert [o["status"] for o in report["outputs"]] == ["returned"] * len(cases)
    verdicts = [ex.judge(c, o) for c, o in zip(cases, report["outputs"])]
    assert all(v.passed for v in verdicts), [v.message for v in verdicts]
    assert isinstance(report["outputs"][0]["value"], np.ndarray)
