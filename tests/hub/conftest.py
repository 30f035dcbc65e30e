"""Fixtures of the hub tests: the tools check (skip, or fail under CI) and a Python learners can run."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # hubdriver, beside this file
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))  # labdriver: Chromium's settings

from hubdriver import learner_python, require_hub_tools  # noqa: E402


@pytest.fixture(scope="session")
def hub_tools():
    """Skip (or, under CI, fail) when root, JupyterHub, Node.js or configurable-http-proxy is missing."""
    require_hub_tools(pytest)


@pytest.fixture(scope="session")
def learners_python(hub_tools):
    """A Python the learners' Unix users can run, with the course, JupyterLab and JupyterHub."""
    return learner_python()
