"""Learners' Unix accounts: a hub user name -> its Unix user (``rc-<name>``) and its private home.

Every learner runs as their own Unix user, so the kernel of one cannot read, change or delete
another's files (homes are mode 700) nor the hub's state (mode 700, owned by root). Accounts are
created on a learner's first start with ``useradd`` and marked in their comment field, so that
only accounts this course made are ever reused or removed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

PREFIX = "rc-"
# Hub names that can become Unix names everywhere: lowercase letter first, then letters, digits,
# "-" and "_"; with the prefix at most 32 characters (the Linux limit for user names).
NAME_PATTERN = r"^[a-z][a-z0-9_-]{0,28}$"
NAME_RULE = "a lowercase letter first, then up to 28 lowercase letters, digits, '-' or '_'"
MARKER = "rnncourse learner"  # the comment (GECOS) field of every account made here
SHELL = "/bin/bash"  # JupyterLab's terminal starts the user's shell


class AccountError(RuntimeError):
    """A learner's account cannot be made or used; the message says why and what to do."""


def normalize(name: str) -> str:
    """The hub's form of a login name: surrounding spaces removed, lowercase."""
    return name.strip().lower()


def check_name(hub_user: str) -> str:
    """Return ``hub_user`` if it can be a learner's name, else raise ValueError naming the rule."""
    if not isinstance(hub_user, str) or not re.fullmatch(NAME_PATTERN, hub_user):
        raise ValueError(f"{hub_user!r} cannot be a learner's name: use {NAME_RULE} (e.g. 'ada' or 'ada-l')")
    return hub_user


def unix_name(hub_user: str) -> str:
    """The Unix user of hub user ``hub_user``: ``rc-<name>`` (ValueError for a name that cannot be one)."""
    return PREFIX + check_name(hub_user)


def home_of(hub_user: str, homes_root: Path) -> Path:
    """The learner's home folder: ``<homes_root>/rc-<name>``."""
    return Path(homes_root) / unix_name(hub_user)


def hub_user_of(unix_user: str) -> str | None:
    """The hub name behind Unix user ``unix_user``, or None when it is not a learner's account."""
    if not unix_user.startswith(PREFIX):
        return None
    name = unix_user[len(PREFIX):]
    return name if re.fullmatch(NAME_PATTERN, name) else None


def _ours(entry) -> bool:
    return entry.pw_gecos.split(",")[0] == MARKER


def find(hub_user: str):
    """The ``pwd`` entry of the learner's account, or None when there is none yet."""
    import pwd  # Unix only: imported here so that the command line still loads on Windows

    try:
        return pwd.getpwnam(unix_name(hub_user))
    except KeyError:
        return None


def ensure_account(hub_user: str, homes_root: Path):
    """Create (or check) the learner's Unix user and private home; return its ``pwd`` entry.

    The home is ``home_of(hub_user, homes_root)``, owned by the learner, mode 700. An existing Unix
    user of that name is used only if this course made it for the same home; otherwise
    :class:`AccountError` says which account is in the way.
    """
    name = unix_name(hub_user)
    home = home_of(hub_user, homes_root)
    entry = find(hub_user)
    if entry is None:
        if shutil.which("useradd") is None:
            raise AccountError("useradd is not installed: install the passwd package (apt-get install passwd)")
        done = subprocess.run(
            ["useradd", "--home-dir", str(home), "--no-create-home", "--shell", SHELL,
             "--user-group", "--comment", MARKER, name],
            capture_output=True, text=True)
        if done.returncode != 0:
            raise AccountError(f"useradd could not create {name} (exit {done.returncode}): "
                               f"{done.stderr.strip()}; the hub must run as root to create learners' accounts")
        entry = find(hub_user)
    elif not _ours(entry):
        raise AccountError(f"a Unix user {name} already exists and was not made by rnncourse "
                           f"(comment {entry.pw_gecos!r}); remove it or rename the learner")
    elif Path(entry.pw_dir) != home:
        raise AccountError(f"the Unix user {name} belongs to another hub (home {entry.pw_dir}, not {home}); "
                           f"use that hub's --root or remove the account: rnncourse hub accounts --remove")
    home.mkdir(mode=0o700, exist_ok=True)
    if home.is_symlink() or not home.is_dir():
        raise AccountError(f"{home} is not a folder; move it away and log in again")
    os.chown(home, entry.pw_uid, entry.pw_gid)
    os.chmod(home, 0o700)
    return entry


def learner_accounts(homes_root: Path) -> list[str]:
    """Hub names of the learners with an account and a home under ``homes_root``, sorted."""
    found = []
    homes_root = Path(homes_root)
    if not homes_root.is_dir():
        return found
    for home in sorted(homes_root.iterdir()):
        hub_user = hub_user_of(home.name)
        entry = find(hub_user) if hub_user else None
        if entry is not None and _ours(entry) and Path(entry.pw_dir) == home:
            found.append(hub_user)
    return found


def remove_account(hub_user: str) -> bool:
    """Delete the learner's Unix user (never their home); False when there was none.

    Raises :class:`AccountError` when the account is not one this course made, or ``userdel``
    refuses (e.g. the learner still has processes: stop the hub first).
    """
    entry = find(hub_user)
    if entry is None:
        return False
    if not _ours(entry):
        raise AccountError(f"{entry.pw_name} was not made by rnncourse (comment {entry.pw_gecos!r}); left alone")
    done = subprocess.run(["userdel", entry.pw_name], capture_output=True, text=True)
    if done.returncode != 0:
        raise AccountError(f"userdel {entry.pw_name} failed (exit {done.returncode}): {done.stderr.strip()}; "
                           "stop the hub first so no process of the learner is left")
    return True
