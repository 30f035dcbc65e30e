"""rnncourse.hub.config: the state folder and the generated jupyterhub_config.py, loaded by
JupyterHub's own config loader."""

from __future__ import annotations

import os
import stat
import sys

import pytest

from rnncourse.hub import config, services

USER_PW = "workshop-pass"
ADMIN_PW = "a" * 40


def _load(path):
    pytest.importorskip("jupyterhub", reason="pip install -e \".[hub]\" for the hub's config tests")
    from jupyterhub.app import JupyterHub

    app = JupyterHub()
    app.load_config_file(str(path))
    return app.config


def _settings(tmp_path, **changes):
    values = dict(root=tmp_path / "hub", roster=[], lessons_dir=tmp_path, idle_timeout=600,
                  memory_limit=3 * 1024 ** 3, hub_port=18081, proxy_api_port=18001, dashboard_port=18765)
    values.update(changes)
    return config.HubSettings(**values)


def test_state_folder_modes_and_private_secrets(tmp_path):
    settings = _settings(tmp_path)
    made = config.prepare_state(settings, USER_PW, None)
    assert made["admin_password_made"] is True
    assert stat.S_IMODE(settings.root.stat().st_mode) == 0o711
    assert stat.S_IMODE(settings.state.stat().st_mode) == 0o700
    assert stat.S_IMODE(settings.homes.stat().st_mode) == 0o711
    for name in (config.USER_PASSWORD, config.ADMIN_PASSWORD, config.COOKIE_SECRET):
        assert stat.S_IMODE((settings.state / name).stat().st_mode) == 0o600, name
    admin = (settings.state / config.ADMIN_PASSWORD).read_text().strip()
    assert len(admin) >= config.MIN_ADMIN_PASSWORD and admin != USER_PW
    secret = (settings.state / config.COOKIE_SECRET).read_text().strip()
    assert len(bytes.fromhex(secret)) == 32
    # a later start without passwords keeps both, and the cookie secret (logged-in learners stay in)
    again = config.prepare_state(settings, None, None)
    assert again["admin_password_made"] is False
    assert (settings.state / config.ADMIN_PASSWORD).read_text().strip() == admin
    assert (settings.state / config.COOKIE_SECRET).read_text().strip() == secret


def test_first_start_without_a_workshop_password_says_how_to_give_one(tmp_path):
    with pytest.raises(config.SettingsError,
                       match="--password-file FILE, or set the environment variable RNNCOURSE_HUB_PASSWORD"):
        config.prepare_state(_settings(tmp_path), None, None)


@pytest.mark.parametrize("user, admin, words", [
    ("short", ADMIN_PW, "the workshop password has 5 characters; JupyterHub needs at least 8"),
    (USER_PW, "b" * 31, "the instructor's password has 31 characters; JupyterHub needs at least 32"),
    (ADMIN_PW, ADMIN_PW, "must differ"),
])
def test_bad_passwords_are_refused_with_the_rule(tmp_path, user, admin, words):
    with pytest.raises(config.SettingsError, match=words):
        config.prepare_state(_settings(tmp_path), user, admin)


def test_roster_is_normalised_and_checked(tmp_path):
    roster = tmp_path / "roster.txt"
    roster.write_text("# the class\nAda\n  bob  # late\n\nada\n")
    assert config.read_roster(roster) == ["ada", "bob"]
    roster.write_text("ada\nAda Lovelace\n")
    with pytest.raises(config.SettingsError, match=r"roster.txt, line 2: 'ada lovelace' cannot be a learner's name"):
        config.read_roster(roster)
    roster.write_text("# nobody\n")
    with pytest.raises(config.SettingsError, match="names nobody"):
        config.read_roster(roster)


def test_generated_config_loads_in_jupyterhub_with_what_the_instructor_chose(tmp_path):
    settings = _settings(tmp_path, roster=["ada", "bob"], admin="teacher")
    config.prepare_state(settings, USER_PW, ADMIN_PW)
    path = config.write_config(settings)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert USER_PW not in text and ADMIN_PW not in text  # read from the private files at start
    c = _load(path)
    assert c.JupyterHub.authenticator_class == "shared-password"
    assert c.SharedPasswordAuthenticator.user_password == USER_PW
    assert c.SharedPasswordAuthenticator.admin_password == ADMIN_PW
    assert c.Authenticator.admin_users == {"teacher"}
    assert c.Authenticator.allowed_users == {"ada", "bob", "teacher"} and c.Authenticator.allow_all is False
    assert c.JupyterHub.cleanup_servers is True and c.JupyterHub.cleanup_proxy is True
    assert c.JupyterHub.spawner_class == "rnncourse.hub.spawner.LearnerSpawner"
    assert c.LearnerSpawner.homes_root == str(settings.homes)
    assert c.Spawner.mem_limit == 3 * 1024 ** 3
    assert c.JupyterHub.db_url == "sqlite:///" + str(settings.state / "jupyterhub.sqlite")
    assert c.JupyterHub.hub_port == 18081 and c.JupyterHub.hub_ip == "127.0.0.1"
    by_name = {s["name"]: s for s in c.JupyterHub.services}
    dashboard = by_name[services.DASHBOARD]
    assert dashboard["command"] == [sys.executable, "-m", "rnncourse.hub.dashboard"]
    assert dashboard["url"] == "http://127.0.0.1:18765" and dashboard["oauth_no_confirm"] is True
    assert dashboard["environment"] == {"RNNCOURSE_HUB_HOMES": str(settings.homes)}
    assert by_name[services.CULLER]["command"][-2:] == ["--timeout=600", "--cull-every=300"]
    roles = {r["name"]: r for r in c.JupyterHub.load_roles}
    assert roles[services.DASHBOARD]["scopes"] == ["list:users", "read:users"]
    assert roles[services.INSTRUCTOR_ROLE] == {
        "name": services.INSTRUCTOR_ROLE, "description": "opens the workshop dashboard",
        "scopes": [f"access:services!service={services.DASHBOARD}"], "users": ["teacher"]}
    assert not any("user" == r["name"] for r in c.JupyterHub.load_roles), "learners get nothing extra"


def test_without_roster_anyone_with_the_password_may_log_in_and_the_culler_can_be_off(tmp_path):
    settings = _settings(tmp_path, idle_timeout=None, dashboard=False, memory_limit=None)
    config.prepare_state(settings, USER_PW, ADMIN_PW)
    c = _load(config.write_config(settings))
    assert c.Authenticator.allow_all is True and "allowed_users" not in c.Authenticator
    assert c.JupyterHub.services == [] and c.JupyterHub.load_roles == []
    assert c.Spawner.mem_limit is None


def test_username_pattern_is_the_accounts_rule(tmp_path):
    import re

    from rnncourse.hub import accounts

    settings = _settings(tmp_path)
    config.prepare_state(settings, USER_PW, ADMIN_PW)
    pattern = _load(config.write_config(settings)).Authenticator.username_pattern
    assert pattern == accounts.NAME_PATTERN
    assert re.fullmatch(pattern, "ada") and not re.fullmatch(pattern, "<img src=x onerror=alert(1)>")


def test_a_symlinked_state_folder_is_refused(tmp_path):
    settings = _settings(tmp_path)
    settings.root.mkdir()
    (settings.root / "state").symlink_to(tmp_path)
    with pytest.raises(config.SettingsError, match="must be a folder"):
        config.prepare_state(settings, USER_PW, ADMIN_PW)
    assert os.path.islink(settings.root / "state")
