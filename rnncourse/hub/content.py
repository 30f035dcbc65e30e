"""Course files into learners' homes, written by the learner's own Unix user.

The hub runs as root, and a learner controls everything inside their home (a symlink planted
there could point anywhere), so files are never written there by root: a short child process
drops to the learner's uid and gid and writes with ``rnncourse.workspace`` (the rules of
``rnncourse lab``: nothing the learner has is ever overwritten).

``python -m rnncourse.hub.content copy LESSONS`` and ``... update RELATIVE`` (the new file's bytes
on stdin) are that child's entry points; they work in the current folder (the learner's home) and
print one JSON line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from rnncourse.workspace import UpdateOutcome, copy_lessons, deliver_update

NOTES = "COURSE-UPDATES.md"  # the learner's list of fixed lessons delivered during the workshop
CHILD_TIMEOUT = 120


class ContentError(RuntimeError):
    """Copying into a learner's home failed; the message names the learner and the cause."""


def _as(entry):
    def preexec():  # between fork and exec, in the child: become the learner for good
        os.setgroups([])
        os.setgid(entry.pw_gid)
        os.setuid(entry.pw_uid)
        os.umask(0o077)
    return preexec


def _run_as(entry, argv, data=b"", python=sys.executable):
    env = {key: os.environ[key] for key in ("PATH", "PYTHONPATH", "LANG", "LC_ALL") if key in os.environ}
    env.update(HOME=entry.pw_dir, USER=entry.pw_name)
    done = subprocess.run([python, "-m", "rnncourse.hub.content", *argv], input=data,
                          capture_output=True, cwd=entry.pw_dir, env=env, timeout=CHILD_TIMEOUT,
                          preexec_fn=_as(entry) if os.geteuid() != entry.pw_uid else None)
    if done.returncode != 0:
        raise ContentError(f"copying into {entry.pw_dir} as {entry.pw_name} failed: "
                           f"{done.stderr.decode(errors='replace').strip()[-500:]}")
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


def give_lessons(entry, lessons_dir: Path, python: str = sys.executable) -> dict:
    """Copy the lessons into the home of account ``entry`` (a ``pwd`` entry), as that user.

    Returns ``{"copied": [...], "skipped": [...]}`` (relative paths). ``lessons_dir`` must be
    readable by the learner, and ``python`` (which imports rnncourse) runnable by them;
    ``rnncourse doctor --hub`` checks both.
    """
    return _run_as(entry, ["copy", str(Path(lessons_dir).resolve())], python=python)


def push_file(entry, source: Path, relative: str, python: str = sys.executable) -> UpdateOutcome:
    """Deliver ``source`` as course file ``relative`` into the home of ``entry``, as that user.

    The learner's own file is never replaced: see :func:`rnncourse.workspace.deliver_update`. When
    the fixed version lands beside theirs, a line in ``COURSE-UPDATES.md`` in their home says so.
    """
    answer = _run_as(entry, ["update", relative], data=Path(source).read_bytes(), python=python)
    return UpdateOutcome(answer["how"], answer["path"])


def _note(outcome: UpdateOutcome, relative: str) -> None:
    if outcome.how != "beside":
        return
    if not Path(NOTES).exists():
        Path(NOTES).write_text("# Lessons fixed during the workshop\n\n", encoding="utf-8")
    with open(NOTES, "a", encoding="utf-8") as notes:
        notes.write(f"- {time.strftime('%H:%M')}: your instructor fixed `{relative}`. Your copy is "
                    f"unchanged; the fixed version is `{outcome.path}`. Open it and carry your "
                    "answers over (or keep working in yours).\n")


def main(argv=None) -> int:
    """Entry point of the child that writes into the current folder as the learner."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["copy"] and len(argv) == 2:
        report = copy_lessons(argv[1], ".")
        answer = {"copied": [str(p) for p in report.copied], "skipped": [str(p) for p in report.skipped]}
    elif argv[:1] == ["update"] and len(argv) == 2:
        outcome = deliver_update(sys.stdin.buffer.read(), ".", argv[1])
        _note(outcome, argv[1])
        answer = {"how": outcome.how, "path": outcome.path}
    else:
        print("usage: python -m rnncourse.hub.content copy LESSONS | update RELATIVE < file", file=sys.stderr)
        return 2
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
