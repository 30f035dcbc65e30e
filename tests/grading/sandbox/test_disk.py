"""grading.sandbox.disk: what a kernel wrote, and a kernel stopped when it writes too much."""

from __future__ import annotations

import os

import pytest

from rnncourse.grading.sandbox import disk
from rnncourse.grading.sandbox.kernel import Kernel


def test_the_folder_is_counted_as_allocated_without_following_links(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.bin").write_bytes(b"x" * (1 << 20))
    with open(tmp_path / "sparse.bin", "wb") as fh:  # 1 GB long, nothing in it
        fh.truncate(1 << 30)
    os.symlink("/usr", tmp_path / "link")  # not followed
    used = disk.folder_bytes(tmp_path, 1 << 40)
    assert (1 << 20) <= used < (1 << 20) + (1 << 16)  # the 1 MB file and a few blocks
    assert disk.written_bytes(tmp_path, 1 << 40) == used  # no sandbox: the folder alone


def test_counting_stops_early_and_too_many_files_count_as_over(tmp_path, monkeypatch):
    for i in range(5):
        (tmp_path / f"{i}.bin").write_bytes(b"x" * 8192)
    assert disk.folder_bytes(tmp_path, 10_000) > 10_000
    monkeypatch.setattr(disk, "MAX_ENTRIES", 3)
    assert disk.folder_bytes(tmp_path, 1 << 40) == (1 << 40) + 1


@pytest.mark.slow
def test_a_kernel_writing_past_its_disk_limit_is_stopped(tmp_path):
    private = tmp_path / "work"
    private.mkdir()
    with Kernel(str(private), memory_mb=2048, disk_mb=64) as kernel:
        assert kernel.start(), kernel.start_error
        assert kernel.execute("open('small.bin', 'wb').write(b'x' * (1 << 20))", 30).status == "ok"
        reply = kernel.execute(
            "import time\nchunk = b'x' * (4 << 20)\nwith open('big.bin', 'wb') as fh:\n"
            "    for _ in range(64):\n        fh.write(chunk); fh.flush(); time.sleep(0.02)\n",
            timeout=60)
        assert reply.status == "disk" and kernel.disk_full and not kernel.alive()
        assert kernel.execute("x = 1", 5).status == "died"
    # stopped soon after the limit: far less than the 256 MB the cell would have written
    assert 64 << 20 < disk.folder_bytes(str(private), 1 << 40) < 160 << 20


def test_the_disk_option_refuses_too_little(tmp_path, capsys):
    from rnncourse.cli import main

    (tmp_path / "a.ipynb").write_text("{}")
    assert main(["grade", "--disk", "10", str(tmp_path / "a.ipynb")]) == 2
    assert ("argument --disk: 10 MB is too little for a kernel's own files; give at least 64"
            in capsys.readouterr().err)
