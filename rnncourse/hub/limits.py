"""Per-learner memory limit on one machine: an address-space limit (RLIMIT_AS) on the learner's
single-user server, inherited by every kernel it starts.

What it holds: each process of the learner (the server, each kernel) can map at most the limit;
a kernel that allocates more gets ``MemoryError`` instead of pushing the machine into swap or the
kernel OOM killer. What it does not hold: it limits each process, not their sum (a learner with
two kernels may use twice the limit), and it counts address space, not resident memory, so it must
sit well above what a server or kernel really uses (docs/workshop.md gives the measured sizes).
"""

from __future__ import annotations

import re

UNITS = {"": 1, "K": 1024, "M": 1024 ** 2, "G": 1024 ** 3, "T": 1024 ** 4}


def parse_size(text: str) -> int | None:
    """``"3G"`` -> bytes (K, M, G, T are powers of 1024); ``"none"`` or ``"0"`` -> None (no limit)."""
    cleaned = str(text).strip().upper().removesuffix("B").removesuffix("I")
    if cleaned in ("NONE", "0", ""):
        return None
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMGT]?)", cleaned)
    if not match:
        raise ValueError(f"not a memory size: {text!r}; write e.g. 3G, 1500M or none")
    size = int(float(match.group(1)) * UNITS[match.group(2)])
    if size < 256 * 1024 ** 2:
        raise ValueError(f"{text!r} is below 256M: a Jupyter server cannot even start in that; "
                         "write e.g. 3G, or none for no limit")
    return size


def limit_address_space(limit_bytes: int | None) -> None:
    """Set RLIMIT_AS (soft and hard) of the calling process; None leaves it unchanged.

    Called between fork and exec in the learner's server, before it drops to the learner's uid,
    so the learner cannot raise it again.
    """
    if limit_bytes:
        import resource  # Unix only

        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
