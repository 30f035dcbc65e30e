"""grading.sandbox: the kernel's environment, and its cleanup however a block ends."""

from __future__ import annotations

import pytest

from rnncourse.grading.sandbox import Kernel, kernel_environment


def test_the_kernel_environment_names_no_grader():
    env = kernel_environment("/tmp/private")
    assert not [k for k in env if "GRAD" in k.upper() or "RNNCOURSE" in k.upper()]
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
