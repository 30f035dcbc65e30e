"""grading.memory: a --memory too small for a bare kernel is refused before anything is graded."""

from __future__ import annotations

import json
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


# ----------------------------------------------------------------------------- the cache
class _Launcher:
    """A stand-in launcher: sandboxed, or not (and then the kernels run as the grader)."""

    def __init__(self, sandboxed, uid=None):
        self.sandboxed, self.uid, self.description = sandboxed, uid, "stand-in"


@pytest.fixture
def counted(monkeypatch, tmp_path):
    """measure_bare_kernel with a fake measurement that counts its calls, cache in tmp_path."""
    from rnncourse.grading.batch import memory
    monkeypatch.setenv("RNNCOURSE_CACHE_DIR", str(tmp_path / "cache"))
    calls = []

    def fake_measure(launcher):
        calls.append(launcher)
        return BareKernel(700, recommended_minimum(700), ((".matplotlib/fontlist-v1.json", b"{}"),))

    monkeypatch.setattr(memory, "_measure", fake_measure)
    return memory, calls, tmp_path / "cache"


def test_a_measurement_is_remembered_for_the_same_course_and_versions(counted):
    memory, calls, folder = counted
    first = memory.measure_bare_kernel(_Launcher(True))
    again = memory.measure_bare_kernel(_Launcher(True))
    assert len(calls) == 1 and not first.cached and again.cached
    assert (again.peak_mb, again.minimum_mb, again.kernel_files) == (
        700, 900, ((".matplotlib/fontlist-v1.json", b"{}"),))  # 700 + 175, rounded up to 50
    assert again.as_dict()["measured"] == "earlier (cached)"
    assert len(list(folder.glob("bare-kernel-*.json"))) == 1


@pytest.mark.parametrize("change", ["course file", "numpy version", "python", "launcher kind"])
def test_any_change_in_what_the_peak_depends_on_measures_again(counted, monkeypatch, change):
    memory, calls, _ = counted
    memory.measure_bare_kernel(_Launcher(True))
    launcher = _Launcher(True)
    if change == "course file":
        digest = memory.course_files_digest()
        monkeypatch.setattr(memory, "course_files_digest",
                            lambda: {**digest, "rnn/core.py": "0" * 64})
    elif change == "numpy version":
        real = memory._version
        monkeypatch.setattr(memory, "_version", lambda n: "0.0.1" if n == "numpy" else real(n))
    elif change == "python":
        monkeypatch.setattr(memory.sys, "version", "3.99.0 (other build)")
    else:
        launcher = _Launcher(False, uid=2_000_000_123)  # not sandboxed, another user id
    again = memory.measure_bare_kernel(launcher)
    assert len(calls) == 2 and not again.cached


def test_a_file_with_another_key_or_garbage_is_not_trusted(counted):
    memory, calls, folder = counted
    memory.measure_bare_kernel(_Launcher(True))
    (path,) = folder.glob("bare-kernel-*.json")
    data = json.loads(path.read_text())
    data["key"]["packages"]["numpy"] = "0.0.1"  # a file left by another numpy under this name
    path.write_text(json.dumps(data))
    assert not memory.measure_bare_kernel(_Launcher(True)).cached
    path.write_text("{not json")
    assert not memory.measure_bare_kernel(_Launcher(True)).cached
    data = json.loads(path.read_text())
    data["peak_mb"] = -5
    path.write_text(json.dumps(data))
    assert not memory.measure_bare_kernel(_Launcher(True)).cached
    assert len(calls) == 4


def test_kernels_that_run_as_the_grader_never_use_the_cache(counted):
    """Without a sandbox or a separate user id, student code could write the cache folder."""
    memory, calls, folder = counted
    for _ in range(2):
        assert not memory.measure_bare_kernel(_Launcher(False)).cached
    assert len(calls) == 2 and not folder.exists()


def test_kernel_files_are_in_the_private_folder_before_the_kernel_starts(tmp_path):
    from rnncourse.grading.sandbox.kernel import Kernel
    private = tmp_path / "work"
    private.mkdir()
    kernel = Kernel(str(private), 2048, files=[(".matplotlib/fontlist-v1.json", b"[1]")])
    kernel._prepare_dirs()
    assert (private / ".matplotlib" / "fontlist-v1.json").read_bytes() == b"[1]"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the grader is Linux-only")
def test_the_measuring_kernel_hands_on_matplotlibs_font_list(monkeypatch, tmp_path):
    from rnncourse.grading.batch import memory
    from rnncourse.grading.sandbox.launcher_choice import choose_launcher
    require_sandbox()
    monkeypatch.setenv("RNNCOURSE_CACHE_DIR", str(tmp_path / "cache"))
    bare = memory.measure_bare_kernel(choose_launcher())
    names = [name for name, _ in bare.kernel_files]
    assert len(names) == 1 and re.fullmatch(r"\.matplotlib/fontlist-v[\d.]+\.json", names[0])
    assert json.loads(bare.kernel_files[0][1])["ttflist"]  # the fonts the sandbox can see
