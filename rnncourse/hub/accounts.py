"""A hub login name -> the learner's Unix user and home folder.

Every learner gets a Unix user of their own, named ``rc-`` + the login name in lower case, whose
home is ``<homes root>/<unix name>``.
"""

from __future__ import annotations

from pathlib import Path

PREFIX = "rc-"


def unix_name(hub_user: str) -> str:
    """The Unix user of the hub user ``hub_user`` (``"Alice"`` -> ``"rc-alice"``)."""
    return PREFIX + str(hub_user).lower()


def home_of(hub_user: str, homes_root: Path) -> Path:
    """The home folder of the hub user ``hub_user`` under ``homes_root``."""
    return Path(homes_root) / unix_name(hub_user)


__all__ = ["unix_name", "home_of", "PREFIX"]
