"""``rnncourse hub`` and ``rnncourse doctor --hub`` on the command line (no hub is started here)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from rnncourse.cli import main

ADMIN_PW = "i" * 36


@pytest.fixture
def secrets(tmp_path):
    user = tmp_path / "workshop.txt"
    user.write_text("room-password\n")
    admin = tmp_path / "admin.txt"
    admin.write_text(ADMIN_PW + "\n")
    return user, admin


def test_hub_without_a_command_says_which_exist(capsys):
    assert main(["hub"]) == 2
    assert "choose start, push or accounts" in capsys.readouterr().err


@pytest.mark.parametrize("option, words", [
    (["--memory-limit", "10M"], "argument --memory-limit: '10M' is below 256M"),
    (["--memory-limit", "lots"], "argument --memory-limit: not a memory size: 'lots'"),
    (["--admin", "Ada Lovelace"], "argument --admin: 'ada lovelace' cannot be a learner's name"),
    (["--idle-timeout", "-5"], "argument --idle-timeout: must be 0 (never) or more minutes, got -5"),
    (["--idle-timeout", "ten"], "argument --idle-timeout: expected whole minutes or a duration such as 90s, 30m or 2h, "
                                "got 'ten'"),
    (["--idle-timeout", "5d"], "argument --idle-timeout: expected whole minutes or a duration such as 90s, 30m or 2h, "
                               "got '5d'"),
])
def test_bad_options_are_usage_errors_naming_the_value(tmp_path, capsys, option, words):
    assert main(["hub", "start", "--root", str(tmp_path / "hub"), "--dry-run", *option]) == 2
    assert words in capsys.readouterr().err


def test_dry_run_writes_the_state_and_prints_the_command(tmp_path, capsys, secrets):
    user, admin = secrets
    root = tmp_path / "hub"
    roster = tmp_path / "roster.txt"
    roster.write_text("ada\nbob\n")
    code = main(["hub", "start", "--root", str(root), "--password-file", str(user), "--admin-password-file",
                 str(admin), "--roster", str(roster), "--memory-limit", "2G", "--idle-timeout", "30", "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0, out
    config = root / "state" / "jupyterhub_config.py"
    assert "would run: " in out and f"-m jupyterhub -f {config.resolve()}" in out
    assert "log in as 'instructor'" in out and "services/rnncourse-dashboard/" in out
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    text = config.read_text()
    assert "room-password" not in text and ADMIN_PW not in text
    assert "c.Authenticator.allowed_users = set(['ada', 'bob', 'instructor'])" in text
    assert "c.Spawner.mem_limit = 2147483648" in text and "--timeout=1800" in text
    assert "room-password" not in out and ADMIN_PW not in out


@pytest.mark.parametrize("given, seconds, every", [("30", 1800, 300), ("90s", 90, 45), ("2h", 7200, 300),
                                                   ("45M", 2700, 300), ("1s", 1, 1)])
def test_the_idle_timeout_takes_minutes_or_a_unit_and_the_culler_looks_often_enough(tmp_path, capsys, secrets,
                                                                                      given, seconds, every):
    user, admin = secrets
    root = tmp_path / "hub"
    assert main(["hub", "start", "--root", str(root), "--password-file", str(user), "--admin-password-file",
                 str(admin), "--idle-timeout", given, "--dry-run"]) == 0, capsys.readouterr().err
    text = (root / "state" / "jupyterhub_config.py").read_text()
    assert f"'--timeout={seconds}', '--cull-every={every}'" in text


def test_an_idle_timeout_of_0_starts_no_culler(tmp_path, capsys, secrets):
    user, admin = secrets
    root = tmp_path / "hub"
    assert main(["hub", "start", "--root", str(root), "--password-file", str(user), "--admin-password-file",
                 str(admin), "--idle-timeout", "0", "--dry-run"]) == 0, capsys.readouterr().err
    assert "jupyterhub_idle_culler" not in (root / "state" / "jupyterhub_config.py").read_text()


def test_the_password_from_the_environment_is_kept_from_jupyterhub(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("RNNCOURSE_HUB_PASSWORD", "from-the-environment")
    root = tmp_path / "hub"
    assert main(["hub", "start", "--root", str(root), "--dry-run"]) == 0
    assert "RNNCOURSE_HUB_PASSWORD" not in os.environ, "JupyterHub and the learners must not inherit it"
    assert (root / "state" / "user-password").read_text().strip() == "from-the-environment"
    out = capsys.readouterr().out
    assert "made now; read it with: sudo cat" in out and "admin-password" in out
    # the next start needs no password: both are kept
    assert main(["hub", "start", "--root", str(root), "--dry-run"]) == 0
    assert "made now" not in capsys.readouterr().out


def test_the_environment_password_is_removed_even_when_a_file_is_given(tmp_path, monkeypatch, secrets):
    user, admin = secrets
    monkeypatch.setenv("RNNCOURSE_HUB_PASSWORD", "ignored-password")
    monkeypatch.setenv("RNNCOURSE_HUB_ADMIN_PASSWORD", "j" * 40)
    root = tmp_path / "hub"
    assert main(["hub", "start", "--root", str(root), "--password-file", str(user),
                 "--admin-password-file", str(admin), "--dry-run"]) == 0
    assert "RNNCOURSE_HUB_PASSWORD" not in os.environ and "RNNCOURSE_HUB_ADMIN_PASSWORD" not in os.environ
    assert (root / "state" / "user-password").read_text().strip() == "room-password"  # the file wins


def test_first_start_without_a_password_explains(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("RNNCOURSE_HUB_PASSWORD", raising=False)
    assert main(["hub", "start", "--root", str(tmp_path / "hub"), "--dry-run"]) == 1
    assert "no workshop password yet: put it in a file and pass --password-file FILE" in capsys.readouterr().err


def test_a_short_workshop_password_is_refused(tmp_path, capsys):
    short = tmp_path / "pw"
    short.write_text("abc\n")
    assert main(["hub", "start", "--root", str(tmp_path / "hub"), "--password-file", str(short), "--dry-run"]) == 1
    assert "the workshop password has 3 characters; JupyterHub needs at least 8" in capsys.readouterr().err


def test_start_refuses_when_learners_cannot_run_the_python(tmp_path, capsys, secrets):
    user, admin = secrets
    code = main(["hub", "start", "--root", str(tmp_path / "hub"), "--password-file", str(user),
                 "--admin-password-file", str(admin), "--python", str(tmp_path / "no-python")])
    err = capsys.readouterr().err
    assert code == 1
    assert "Python for learners" in err and "the hub cannot start until these are fixed" in err
    assert not (tmp_path / "hub").exists(), "nothing is written before the machine is ready"


def test_doctor_hub_lists_the_hub_requirements_with_their_fixes(capsys):
    code = main(["doctor", "--hub"])
    out = capsys.readouterr().out
    for name in ("hub: jupyterhub", "hub: jupyterhub-idle-culler", "hub: node", "hub: configurable-http-proxy",
                 "hub: root", "hub: useradd/userdel", "hub: Python for learners", "hub: lessons for learners"):
        assert name in out, name
    problems = [line for line in out.splitlines() if line.startswith("PROBLEM") and "hub:" in line]
    assert all("-> fix: " in line for line in problems)
    assert code == (1 if any(line.startswith("PROBLEM") for line in out.splitlines()) else 0)


def test_accounts_on_an_empty_root(tmp_path, capsys):
    assert main(["hub", "accounts", "--root", str(tmp_path)]) == 0
    assert f"no learner accounts under {Path(tmp_path).resolve() / 'homes'}" in capsys.readouterr().out


def test_every_hub_option_has_help_text():
    import argparse

    from rnncourse.cli import build_parser

    top = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    hub = top.choices["hub"]
    commands = next(a for a in hub._actions if isinstance(a, argparse._SubParsersAction))
    assert sorted(commands.choices) == ["accounts", "push", "start"]
    for name, sub in commands.choices.items():
        for action in sub._actions:
            assert action.help, f"rnncourse hub {name}: {action.option_strings or action.dest} has no help"


def test_the_command_line_loads_without_unix_only_modules():
    """Learners on Windows run `rnncourse lab`: the hub's Unix-only imports must not break it."""
    import subprocess
    import sys

    code = ("import sys; sys.modules.update(pwd=None, grp=None, resource=None)\n"
            "from rnncourse.cli import main\n"
            "assert main(['lab', '--help']) == 0 and main(['hub', 'start', '--help']) == 0")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
