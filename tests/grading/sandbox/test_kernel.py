"""grading.sandbox: the kernel's environment, and its cleanup however a block ends."""

from __future__ import annotations

import pytest

from rnncourse.grading.sandbox.kernel import Kernel, kernel_environment


def test_the_kernel_environment_names_no_grader():
    env = kernel_environment("/tmp/private")
    assert not [k for k in env if "GRAD" in k.upper()]
    # the one course variable turns progress recording off, as any learner may do for themselves:
    # a graded run is not the student's progress, and the setting does not say it is a grader
    assert {k: v for k, v in env.items() if "RNNCOURSE" in k.upper()} == {
        "RNNCOURSE_PROGRESS": "off"}
    assert env["HOME"] == "/tmp/private"


@pytest.mark.slow
def test_a_kernel_used_as_a_context_manager_is_killed_on_exit(tmp_path):
    private = tmp_path / "work"
    private.mkdir()
    with pytest.raises(RuntimeError, match="leaving the block early"):
        with Kernel(str(private), memory_mb=2048) as kernel:
            assert kernel.start(), kernel.start_error
            assert kernel.execute("x = 1 + 1", timeout=30).status == "ok"
            process = kernel.process
            raise RuntimeError("leaving the block early")
    assert process.poll() is not None  # killed and reaped
    assert kernel.client is None and not kernel.alive()


def test_a_private_folder_too_long_for_a_socket_is_refused_with_the_fix(tmp_path):
    private = tmp_path / ("x" * 100) / "work"
    private.mkdir(parents=True)
    with Kernel(str(private), memory_mb=2048) as kernel:
        assert kernel.start() is False
    assert "the private folder's path is too long for the kernel's sockets" in kernel.start_error
    assert "set TMPDIR to a shorter folder, e.g. /tmp" in kernel.start_error
    assert kernel.process is None
