"""Tests that need the bubblewrap sandbox skip where it cannot run, and fail under CI."""

from __future__ import annotations

import os

import pytest


def require_sandbox():
    """Skip (or, under CI, fail) when the bubblewrap sandbox cannot run here; says why."""
    from rnncourse.grading.sandbox.bubblewrap import SandboxUnavailable, probe_once

    try:
        return probe_once()
    except SandboxUnavailable as exc:
        message = f"the bubblewrap sandbox cannot run here: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI must exercise the sandbox: .ci/run installs bubblewrap)")
        pytest.skip(message)
