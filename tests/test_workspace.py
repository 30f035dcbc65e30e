"""rnncourse.workspace: a fixed lesson reaches the learner without replacing their own copy."""

from pathlib import Path

import pytest

from rnncourse.workspace import deliver_update, update_name


def test_update_name_keeps_folder_and_suffix():
    assert update_name("04_bptt.ipynb", 1) == "04_bptt.update-1.ipynb"
    assert update_name("extra/data.csv", 3) == str(Path("extra/data.update-3.csv"))


def test_a_missing_file_is_copied(tmp_path):
    outcome = deliver_update(b"fixed", tmp_path, "04_bptt.ipynb")
    assert (outcome.how, outcome.path) == ("copied", "04_bptt.ipynb")
    assert (tmp_path / "04_bptt.ipynb").read_bytes() == b"fixed"


def test_the_learners_file_is_kept_and_the_fix_lands_beside_it(tmp_path):
    (tmp_path / "04_bptt.ipynb").write_bytes(b"my answers")
    first = deliver_update(b"fixed v1", tmp_path, "04_bptt.ipynb")
    assert (first.how, first.path) == ("beside", "04_bptt.update-1.ipynb")
    assert (tmp_path / "04_bptt.ipynb").read_bytes() == b"my answers"
    assert (tmp_path / "04_bptt.update-1.ipynb").read_bytes() == b"fixed v1"
    again = deliver_update(b"fixed v1", tmp_path, "04_bptt.ipynb")  # pushed twice: no second copy
    assert (again.how, again.path) == ("unchanged", "04_bptt.update-1.ipynb")
    second = deliver_update(b"fixed v2", tmp_path, "04_bptt.ipynb")
    assert (second.how, second.path) == ("beside", "04_bptt.update-2.ipynb")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "04_bptt.ipynb", "04_bptt.update-1.ipynb", "04_bptt.update-2.ipynb"]


def test_an_identical_file_is_left_alone(tmp_path):
    (tmp_path / "04_bptt.ipynb").write_bytes(b"same")
    assert deliver_update(b"same", tmp_path, "04_bptt.ipynb").how == "unchanged"
    assert [p.name for p in tmp_path.iterdir()] == ["04_bptt.ipynb"]


def test_a_symlink_in_the_way_is_never_written_through(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"precious")
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "04_bptt.ipynb").symlink_to(outside)
    outcome = deliver_update(b"fixed", workspace, "04_bptt.ipynb")
    assert outcome.path == "04_bptt.update-1.ipynb" and outside.read_bytes() == b"precious"


@pytest.mark.parametrize("relative", ["../escape.ipynb", "/etc/passwd"])
def test_paths_outside_the_workspace_are_refused(tmp_path, relative):
    with pytest.raises(ValueError, match="inside the workspace"):
        deliver_update(b"x", tmp_path, relative)
