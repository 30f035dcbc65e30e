"""The hub's state folder and the ``jupyterhub_config.py`` written into it.

Layout of ``--root`` (default ``./workshop-hub``)::

    <root>/                 mode 711: learners may pass through to their home, not list it
      state/                mode 700, root only: the learners' kernels cannot read any of it
        jupyterhub_config.py   generated at every start from the instructor's options
        jupyterhub.sqlite      JupyterHub's database
        jupyterhub_cookie_secret, user-password, admin-password   (mode 600)
      homes/                mode 711
        rc-<name>/          mode 700, owned by the learner

Passwords live only in files (never in the config, the command line or the environment of the
hub's children); the config reads them when JupyterHub starts.
"""

from __future__ import annotations

import os
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path

from rnncourse.hub import accounts, services

CONFIG_NAME = "jupyterhub_config.py"
USER_PASSWORD = "user-password"
ADMIN_PASSWORD = "admin-password"
COOKIE_SECRET = "jupyterhub_cookie_secret"
MIN_USER_PASSWORD = 8  # JupyterHub's SharedPasswordAuthenticator refuses shorter ones
MIN_ADMIN_PASSWORD = 32
# One BLAS thread per kernel: thirty kernels on a few cores do not fight over them, and the
# lessons' printed numbers are those of the solutions (computed with one thread).
KERNEL_ENVIRONMENT = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
# JupyterLab in a learner's server never asks the internet for news or updates.
LAB_ARGS = ["--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate"]


class SettingsError(ValueError):
    """An option of the hub cannot be used; the message names the value and the fix."""


@dataclass
class HubSettings:
    """Everything the instructor chooses about the hub (one field per option of ``rnncourse hub start``)."""

    root: Path
    ip: str = ""  # "" = every interface: learners in the room connect over the network
    port: int = 8000
    admin: str = "instructor"
    roster: list = field(default_factory=list)  # hub names allowed to log in; empty = anyone with the password
    lessons_dir: Path | None = None
    idle_timeout: int | None = 3600  # seconds; None = never cull
    memory_limit: int | None = None  # bytes (RLIMIT_AS per process); None = no limit
    hub_port: int = 8081  # JupyterHub's own API, on 127.0.0.1
    proxy_api_port: int = 8001
    dashboard_port: int = 8765
    dashboard: bool = True  # False: no live view of the room (rnncourse hub start --no-dashboard)
    python: str = sys.executable

    @property
    def state(self) -> Path:
        """The root-only folder: configuration, database, secrets."""
        return Path(self.root).resolve() / "state"

    @property
    def homes(self) -> Path:
        """The folder of the learners' homes."""
        return Path(self.root).resolve() / "homes"

    @property
    def config_file(self) -> Path:
        """The generated ``jupyterhub_config.py``."""
        return self.state / CONFIG_NAME


def read_roster(path: Path) -> list[str]:
    """Hub names from a roster file: one per line, ``#`` starts a comment, blank lines skipped.

    Names are normalised (lowercase); a name that cannot be a learner's raises SettingsError
    naming the line.
    """
    names = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        name = accounts.normalize(line.split("#", 1)[0])
        if not name:
            continue
        try:
            accounts.check_name(name)
        except ValueError as exc:
            raise SettingsError(f"{path}, line {number}: {exc}") from None
        if name not in names:
            names.append(name)
    if not names:
        raise SettingsError(f"the roster {path} names nobody; write one learner's name per line")
    return names


def check_passwords(user_password: str, admin_password: str) -> None:
    """Raise SettingsError unless the two passwords are long enough and different."""
    if len(user_password) < MIN_USER_PASSWORD:
        raise SettingsError(f"the workshop password has {len(user_password)} characters; "
                            f"JupyterHub needs at least {MIN_USER_PASSWORD}")
    if len(admin_password) < MIN_ADMIN_PASSWORD:
        raise SettingsError(f"the instructor's password has {len(admin_password)} characters; "
                            f"JupyterHub needs at least {MIN_ADMIN_PASSWORD} (or let rnncourse make one)")
    if user_password == admin_password:
        raise SettingsError("the workshop password and the instructor's password must differ")


def _private_file(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)


def prepare_state(settings: HubSettings, user_password: str | None, admin_password: str | None) -> dict:
    """Create the root, state and homes folders with their modes and store the secrets.

    ``None`` for a password keeps the one stored by an earlier start (or, for the instructor's
    password, makes a random one the first time). Returns ``{"admin_password_file": Path,
    "admin_password_made": bool}``.
    """
    root = Path(settings.root).resolve()
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o711)
    for folder, mode in ((settings.state, 0o700), (settings.homes, 0o711)):
        folder.mkdir(exist_ok=True)
        if folder.is_symlink() or not folder.is_dir():
            raise SettingsError(f"{folder} must be a folder (not a link); move it away")
        os.chown(folder, os.geteuid(), os.getegid())
        os.chmod(folder, mode)
    user_file, admin_file = settings.state / USER_PASSWORD, settings.state / ADMIN_PASSWORD
    if user_password is None:
        if not user_file.exists():
            raise SettingsError("no workshop password yet: put it in a file and pass --password-file FILE, "
                                "or set the environment variable RNNCOURSE_HUB_PASSWORD")
        user_password = user_file.read_text(encoding="utf-8").strip()
    made = False
    if admin_password is None:
        if admin_file.exists():
            admin_password = admin_file.read_text(encoding="utf-8").strip()
        else:
            admin_password, made = secrets.token_urlsafe(30), True
    check_passwords(user_password, admin_password)
    _private_file(user_file, user_password + "\n")
    _private_file(admin_file, admin_password + "\n")
    secret = settings.state / COOKIE_SECRET
    if not secret.exists():
        _private_file(secret, secrets.token_hex(32) + "\n")
    os.chmod(secret, 0o600)
    return {"admin_password_file": admin_file, "admin_password_made": made}


def render_config(settings: HubSettings) -> str:
    """The text of ``jupyterhub_config.py`` for ``settings`` (plain Python: the instructor can read it)."""
    state, homes = settings.state, settings.homes
    accounts.check_name(settings.admin)
    allowed = sorted(set(settings.roster) | {settings.admin}) if settings.roster else []
    limit = settings.memory_limit or 0
    lines = [
        '"""JupyterHub configuration of the workshop room, written by `rnncourse hub start`.',
        "",
        "Regenerated at every start from its options: edit those, not this file.",
        '"""',
        "from pathlib import Path",
        "",
        "c = get_config()  # noqa: F821 - provided by JupyterHub",
        f"STATE = Path({str(state)!r})",
        "",
        "# where learners connect, and JupyterHub's own API and the proxy's API on loopback",
        f"c.JupyterHub.bind_url = {f'http://{settings.ip}:{settings.port}'!r}",
        "c.JupyterHub.hub_ip = '127.0.0.1'",
        f"c.JupyterHub.hub_port = {settings.hub_port}",
        f"c.ConfigurableHTTPProxy.api_url = {f'http://127.0.0.1:{settings.proxy_api_port}'!r}",
        "c.ConfigurableHTTPProxy.pid_file = str(STATE / 'jupyterhub-proxy.pid')",
        "c.JupyterHub.db_url = 'sqlite:///' + str(STATE / 'jupyterhub.sqlite')",
        f"c.JupyterHub.cookie_secret_file = str(STATE / {COOKIE_SECRET!r})",
        "# stopping the hub stops every learner's server (and so their kernels) and the proxy",
        "c.JupyterHub.cleanup_servers = True",
        "c.JupyterHub.cleanup_proxy = True",
        "",
        "# logging in: one workshop password for learners, the instructor's own for the admin",
        "c.JupyterHub.authenticator_class = 'shared-password'",
        f"c.SharedPasswordAuthenticator.user_password = (STATE / {USER_PASSWORD!r}).read_text().strip()",
        f"c.SharedPasswordAuthenticator.admin_password = (STATE / {ADMIN_PASSWORD!r}).read_text().strip()",
        f"c.Authenticator.admin_users = {{{settings.admin!r}}}",
        f"c.Authenticator.username_pattern = {accounts.NAME_PATTERN!r}",
    ]
    if allowed:
        lines += [f"c.Authenticator.allowed_users = set({allowed!r})", "c.Authenticator.allow_all = False"]
    else:
        lines += ["c.Authenticator.allow_all = True"]
    lines += [
        "c.JupyterHub.template_vars = {'announcement_login': "
        f"{('Log in with your name (' + accounts.NAME_RULE + ') and the workshop password.')!r}}}",
        "",
        "# each learner: own Unix user rc-<name>, private home with the lessons, memory limit",
        "c.JupyterHub.spawner_class = 'rnncourse.hub.spawner.LearnerSpawner'",
        f"c.LearnerSpawner.homes_root = {str(homes)!r}",
        f"c.LearnerSpawner.lessons_dir = {str(Path(settings.lessons_dir).resolve()) if settings.lessons_dir else ''!r}",
        f"c.Spawner.cmd = {[settings.python, '-m', 'jupyterhub.singleuser']!r}",
        f"c.Spawner.args = {LAB_ARGS!r}",
        "c.Spawner.default_url = '/lab'",
        f"c.Spawner.environment = {KERNEL_ENVIRONMENT!r}",
        f"c.Spawner.mem_limit = {limit if limit else None!r}",
        "c.Spawner.start_timeout = 120",
        "c.Spawner.http_timeout = 90",
        "c.LocalProcessSpawner.interrupt_timeout = 10",
        "c.LocalProcessSpawner.term_timeout = 5",
        "",
        "# the instructor's dashboard and the idle culler, as hub-managed services",
        "c.JupyterHub.services = " + repr(services.service_definitions(
            str(homes), settings.dashboard_port, settings.idle_timeout, settings.python, settings.dashboard)),
        "c.JupyterHub.load_roles = " + repr(services.role_definitions(
            settings.admin, settings.idle_timeout, settings.dashboard)),
        "",
    ]
    return "\n".join(lines)


def write_config(settings: HubSettings) -> Path:
    """Write ``jupyterhub_config.py`` into the state folder (mode 600); return its path."""
    _private_file(settings.config_file, render_config(settings))
    return settings.config_file
