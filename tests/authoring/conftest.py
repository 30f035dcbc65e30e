"""Fixtures shared by the authoring tests."""

from __future__ import annotations

import pytest
from nbformat.v4 import new_markdown_cell, new_notebook

from tests.authoring.authoring_notebooks import good_notebook, write_nb


@pytest.fixture
def course(tmp_path):
    """A course folder with solutions/ holding two good notebooks and an empty lessons/."""
    write_nb(tmp_path / "solutions" / "01_steps.ipynb", good_notebook())
    second = new_notebook(cells=[new_markdown_cell("Reading only.")])
    write_nb(tmp_path / "solutions" / "02_reading.ipynb", second)
    (tmp_path / "lessons").mkdir()
    return tmp_path
