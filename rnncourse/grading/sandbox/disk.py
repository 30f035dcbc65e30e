"""The disk a submission's kernel has written: its private folder, and the sandbox's /tmp and
/dev/shm, measured together against ``--disk``.

The private folder lives on the grading machine's disk, so a notebook could fill it (single
files are capped at 256 MB, their number is not). :class:`~rnncourse.grading.sandbox.kernel.Kernel`
measures what the kernel wrote every fraction of a second while it waits for a reply, and stops
the kernel once the total passes the limit; the submission's status is then ``disk limit
reached``. Space is counted as allocated (``st_blocks``, so a sparse file counts only what it
holds), files are never followed through symbolic links, and a folder with more than
:data:`MAX_ENTRIES` entries counts as over the limit (inodes are finite too). Inside the
bubblewrap sandbox ``/tmp`` and ``/dev/shm`` are the kernel's own tmpfs mounts, read through
``/proc/<kernel pid>/root``.
"""

from __future__ import annotations

import os

DEFAULT_DISK_MB = 1024
"""``--disk``: what one submission may write, its folder, /tmp and /dev/shm together."""

MAX_ENTRIES = 20_000
"""Files and folders in the private folder beyond which a submission counts as over the limit."""


def folder_bytes(folder, limit):
    """Bytes allocated under ``folder`` (not following links); stops counting past ``limit``
    and returns a number above it when there are more than :data:`MAX_ENTRIES` entries."""
    total, entries, stack = 0, 0, [folder]
    while stack:
        try:
            with os.scandir(stack.pop()) as it:
                for entry in it:
                    entries += 1
                    if entries > MAX_ENTRIES:
                        return limit + 1
                    try:
                        info = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    total += info.st_blocks * 512
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    if total > limit:
                        return total
        except OSError:
            continue
    return total


def mount_bytes(path):
    """Bytes in use on the file system mounted at ``path`` (0 when it cannot be read)."""
    try:
        info = os.statvfs(path)
    except OSError:
        return 0
    return (info.f_blocks - info.f_bfree) * info.f_frsize


def written_bytes(private_dir, limit, kernel_pid=None):
    """What a kernel has written: its private folder, plus, for a sandboxed kernel
    (``kernel_pid`` given), the sandbox's own /tmp and /dev/shm."""
    total = folder_bytes(private_dir, limit)
    if kernel_pid is not None and total <= limit:
        for inside in ("tmp", "dev/shm"):
            total += mount_bytes(f"/proc/{kernel_pid}/root/{inside}")
    return total


__all__ = ["DEFAULT_DISK_MB", "MAX_ENTRIES", "folder_bytes", "mount_bytes", "written_bytes"]
