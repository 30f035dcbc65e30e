"""rnncourse.hub.accounts: hub names -> Unix users and private homes, made and removed for real."""

from __future__ import annotations

import os
import pwd
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

from rnncourse.hub import accounts


@pytest.mark.parametrize("name", ["ada", "ada-l", "b_2", "x" * 29])
def test_valid_names_map_to_prefixed_unix_users(name):
    assert accounts.unix_name(name) == "rc-" + name
    assert len(accounts.unix_name(name)) <= 32
    assert accounts.home_of(name, Path("/srv/homes")) == Path("/srv/homes") / ("rc-" + name)
    assert accounts.hub_user_of("rc-" + name) == name


@pytest.mark.parametrize("name", ["", "Ada", "1ada", "ada.l", "ada l", "../root", "x" * 30,
                                  "<img src=x onerror=alert(1)>", "root\n"])
def test_names_that_cannot_be_unix_users_are_refused_with_the_rule(name):
    with pytest.raises(ValueError, match="cannot be a learner's name: use a lowercase letter first"):
        accounts.unix_name(name)


def test_normalize_lowercases_and_strips():
    assert accounts.normalize("  Ada-L ") == "ada-l"


def test_hub_user_of_ignores_other_accounts():
    assert accounts.hub_user_of("root") is None and accounts.hub_user_of("rc-Bad") is None


@pytest.fixture
def homes(hub_tools):
    folder = Path(tempfile.mkdtemp(prefix="rnncourse-accounts-", dir="/var/tmp"))
    os.chmod(folder, 0o711)
    yield folder
    subprocess.run(["rm", "-rf", str(folder)])


def _name():
    return "t" + uuid.uuid4().hex[:10]


def _as_user(entry, code):
    def become():
        os.setgroups([])
        os.setgid(entry.pw_gid)
        os.setuid(entry.pw_uid)
    return subprocess.run(["/usr/bin/env", "python3", "-c", code], preexec_fn=become, capture_output=True,
                          text=True, cwd="/")


def test_ensure_account_makes_a_marked_user_with_a_private_home_and_reuses_it(homes):
    name = _name()
    try:
        entry = accounts.ensure_account(name, homes)
        assert entry.pw_name == "rc-" + name and entry.pw_dir == str(homes / ("rc-" + name))
        assert entry.pw_gecos == accounts.MARKER and entry.pw_uid != 0
        home = Path(entry.pw_dir)
        assert home.stat().st_uid == entry.pw_uid and home.stat().st_mode & 0o777 == 0o700
        os.chmod(home, 0o755)  # a learner who opened their home up gets it closed again at the next start
        assert accounts.ensure_account(name, homes).pw_uid == entry.pw_uid
        assert home.stat().st_mode & 0o777 == 0o700
        assert accounts.learner_accounts(homes) == [name]
    finally:
        assert accounts.remove_account(name) is True
    assert accounts.find(name) is None and (homes / ("rc-" + name)).is_dir(), "the home (their work) is kept"
    assert accounts.remove_account(name) is False


def test_one_learner_cannot_read_or_change_anothers_home(homes):
    first, second = _name(), _name()
    try:
        a, b = accounts.ensure_account(first, homes), accounts.ensure_account(second, homes)
        secret = Path(b.pw_dir) / "answers.py"
        secret.write_text("mine")
        os.chown(secret, b.pw_uid, b.pw_gid)
        done = _as_user(a, f"""
import os
for action in (lambda: open({str(secret)!r}).read(), lambda: os.listdir({b.pw_dir!r}),
               lambda: os.remove({str(secret)!r}), lambda: open({b.pw_dir!r} + '/x', 'w')):
    try:
        action(); print('allowed')
    except PermissionError:
        print('denied')
""")
        assert done.stdout.split() == ["denied"] * 4, done.stderr
        assert secret.read_text() == "mine"
    finally:
        accounts.remove_account(first)
        accounts.remove_account(second)


def test_an_account_the_course_did_not_make_is_never_taken_over(homes):
    name = _name()
    subprocess.run(["useradd", "--no-create-home", "--comment", "someone else", "rc-" + name], check=True)
    try:
        with pytest.raises(accounts.AccountError, match="already exists and was not made by rnncourse"):
            accounts.ensure_account(name, homes)
        with pytest.raises(accounts.AccountError, match="was not made by rnncourse"):
            accounts.remove_account(name)
    finally:
        subprocess.run(["userdel", "rc-" + name], check=True)


def test_an_account_of_another_hub_is_refused(homes, tmp_path):
    name = _name()
    try:
        accounts.ensure_account(name, homes)
        other = homes / "other-hub"
        other.mkdir()
        with pytest.raises(accounts.AccountError, match="belongs to another hub"):
            accounts.ensure_account(name, other)
    finally:
        accounts.remove_account(name)
    assert pwd.getpwall()  # the user database is still readable after the changes
