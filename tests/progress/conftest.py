"""Fixtures of the progress tests: recording on, into a temporary folder."""

from __future__ import annotations

import pytest


@pytest.fixture
def progress_folder(tmp_path, monkeypatch):
    """A temporary progress folder that ``check()`` records into (recording turned on)."""
    folder = tmp_path / "progress"
    monkeypatch.setenv("RNNCOURSE_PROGRESS_DIR", str(folder))
    monkeypatch.delenv("RNNCOURSE_PROGRESS", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    return folder
