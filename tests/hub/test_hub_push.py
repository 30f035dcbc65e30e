"""``rnncourse hub push`` and rnncourse.hub.content: lessons and fixed lessons written into real
learners' homes by the learners' own Unix users, never replacing their files."""

from __future__ import annotations

import os
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

from rnncourse.cli import main
from rnncourse.hub import accounts, content

REPO = Path(__file__).resolve().parents[2]
LESSON = REPO / "lessons" / "04_bptt.ipynb"


@pytest.fixture
def hub_root(hub_tools):
    root = Path(tempfile.mkdtemp(prefix="rnncourse-push-", dir="/var/tmp"))
    os.chmod(root, 0o711)
    (root / "homes").mkdir(mode=0o711)
    made = []
    yield root, made
    for name in made:
        accounts.remove_account(name)
    subprocess.run(["rm", "-rf", str(root)])


def _learner(root, made):
    name = "p" + uuid.uuid4().hex[:10]
    entry = accounts.ensure_account(name, root / "homes")
    made.append(name)
    return name, entry


def _owned(entry, path, text):
    path.write_text(text)
    os.chown(path, entry.pw_uid, entry.pw_gid)


def test_give_lessons_copies_as_the_learner_and_keeps_their_files(hub_root, learners_python):
    root, made = hub_root
    name, entry = _learner(root, made)
    home = Path(entry.pw_dir)
    _owned(entry, home / "04_bptt.ipynb", "my work")
    report = content.give_lessons(entry, REPO / "lessons", python=learners_python)
    assert "04_bptt.ipynb" in report["skipped"] and "00_welcome.ipynb" in report["copied"]
    assert (home / "04_bptt.ipynb").read_text() == "my work"
    assert (home / "00_welcome.ipynb").stat().st_uid == entry.pw_uid  # written by the learner, not root
    assert (home / "00_welcome.ipynb").stat().st_mode & 0o077 == 0


def test_a_link_planted_by_a_learner_cannot_make_the_hub_write_elsewhere(hub_root, learners_python):
    root, made = hub_root
    name, entry = _learner(root, made)
    target = root / "root-owned.txt"
    target.write_text("root's file")
    os.chmod(target, 0o644)
    (Path(entry.pw_dir) / "04_bptt.ipynb").symlink_to(target)
    outcome = content.push_file(entry, LESSON, "04_bptt.ipynb", python=learners_python)
    assert outcome.path == "04_bptt.update-1.ipynb"
    assert target.read_text() == "root's file"


def test_push_copies_keeps_and_tells(hub_root, learners_python, capsys):
    root, made = hub_root
    fresh, fresh_entry = _learner(root, made)
    editor, editor_entry = _learner(root, made)
    same, same_entry = _learner(root, made)
    _owned(editor_entry, Path(editor_entry.pw_dir) / "04_bptt.ipynb", "my answers")
    _owned(same_entry, Path(same_entry.pw_dir) / "04_bptt.ipynb", LESSON.read_text())
    code = main(["hub", "push", "--root", str(root), "--python", learners_python, str(LESSON)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert (Path(fresh_entry.pw_dir) / "04_bptt.ipynb").read_bytes() == LESSON.read_bytes()
    editor_home = Path(editor_entry.pw_dir)
    assert (editor_home / "04_bptt.ipynb").read_text() == "my answers"
    assert (editor_home / "04_bptt.update-1.ipynb").read_bytes() == LESSON.read_bytes()
    notes = (editor_home / content.NOTES).read_text()
    assert "`04_bptt.update-1.ipynb`" in notes and "Your copy is unchanged" in notes
    assert not (Path(same_entry.pw_dir) / content.NOTES).exists()
    assert f"{editor}: 04_bptt.update-1.ipynb: the learner's own copy is kept" in out
    assert "3 learner(s): 1 got the file, 1 already had it, 1 kept their own copy" in out
    # a second push changes nothing
    assert main(["hub", "push", "--root", str(root), "--python", learners_python, str(LESSON)]) == 0
    assert "3 learner(s): 0 got the file, 3 already had it, 0 kept" in capsys.readouterr().out


def test_push_with_no_learner_says_so(hub_root, capsys):
    root, _ = hub_root
    assert main(["hub", "push", "--root", str(root), str(LESSON)]) == 1
    assert "no learner has an account under" in capsys.readouterr().err


def test_push_refuses_a_missing_file(hub_root, capsys):
    root, _ = hub_root
    assert main(["hub", "push", "--root", str(root), str(root / "nope.ipynb")]) == 2
    assert "argument FILE: not a file" in capsys.readouterr().err
