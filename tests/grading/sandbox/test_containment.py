"""grading.containment: a subreaper finds and kills every descendant."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

# ----------------------------------------------------------------------------- containment
SPAWNER = r"""
import os, subprocess, sys, time
from rnncourse.grading.sandbox import containment
assert containment.set_subreaper()
child = os.fork()
if child == 0:
    os.setsid()
    if os.fork() == 0:
        os.execvp("sleep", ["sleep", sys.argv[1]])
    os._exit(0)
os.waitpid(child, 0)
subprocess.Popen(["setsid", "sleep", sys.argv[2]])
time.sleep(0.5)
found = containment.descendants(os.getpid())
killed = containment.kill_descendants()
print(len(found), killed, len(containment.descendants(os.getpid())))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl and /proc are Linux-only")
def test_a_subreaper_kills_double_forked_and_setsid_children():
    marks = [f"97{os.getpid() % 1000:03d}1.5", f"97{os.getpid() % 1000:03d}2.5"]
    out = subprocess.run([sys.executable, "-c", SPAWNER, *marks], capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    found, killed, left = map(int, out.stdout.split())
    assert found >= 2 and killed >= 2 and left == 0
    time.sleep(0.1)
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                cmd = open(f"/proc/{pid}/cmdline", "rb").read()
            except OSError:
                continue
            assert not any(m.encode() in cmd for m in marks), cmd
