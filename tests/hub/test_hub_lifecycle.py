"""Stopping the hub: SIGTERM to ``rnncourse hub`` and even SIGKILL of it stop JupyterHub, every
learner's server and the proxy (learners logged in over HTTP, no browser)."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import urllib.error
import uuid
from pathlib import Path

import pytest
from hubdriver import Hub, descendants, is_running, log_in, processes_of, remove_learners, wait_until

pytestmark = pytest.mark.slow

NAME = f"life-{uuid.uuid4().hex[:5]}"  # unique per run: two runs on one machine do not share a user


@pytest.fixture
def hub(learners_python):
    hub = Hub(python=learners_python, extra_args=["--no-dashboard"])
    yield hub
    if hub.process is not None and hub.process.poll() is None:
        hub.stop()
    hub.kill_everything_left()
    remove_learners([NAME], hub.homes)
    shutil.rmtree(hub.root, ignore_errors=True)


def _running_learner(hub):
    hub.start()
    log_in(hub, NAME, hub.password)
    uid = pwd.getpwnam("rc-" + NAME).pw_uid
    assert wait_until(lambda: [p for p in processes_of({uid}) if "singleuser" in p[2]], 120), hub.log()[-3000:]
    return uid


@pytest.mark.parametrize("how, code", [(signal.SIGTERM, 128 + signal.SIGTERM), (signal.SIGKILL, -signal.SIGKILL)])
def test_stopping_rnncourse_hub_stops_everything(hub, how, code):
    uid = _running_learner(hub)
    children = descendants(hub.process.pid)
    assert len(children) >= 3  # JupyterHub, the proxy, the culler (and the learner's server)
    assert hub.stop(how) == code
    assert wait_until(lambda: not processes_of({uid}), 60), f"left running: {processes_of({uid})}"
    assert wait_until(lambda: not [pid for pid in children if is_running(pid)], 60), \
        "JupyterHub, the proxy or the culler is still running"
    assert "JupyterHub left these running" not in hub.log(), "JupyterHub's own shutdown must stop everything"


def _command(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def test_if_jupyterhub_dies_the_launcher_stops_the_proxy_and_the_learners_servers(hub):
    uid = _running_learner(hub)
    jupyterhub = [pid for pid in descendants(hub.process.pid)
                  if "-m jupyterhub -f" in Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()]
    proxy = int((hub.root / "state" / "jupyterhub-proxy.pid").read_text())
    others = [pid for pid in descendants(hub.process.pid) if pid not in jupyterhub]  # proxy, culler, server
    assert len(jupyterhub) == 1 and processes_of({uid}) and any("idle_culler" in _command(p) for p in others)
    os.kill(jupyterhub[0], signal.SIGKILL)  # no clean shutdown: JupyterHub cannot stop anything itself
    assert hub.process.wait(timeout=60) == 128 + signal.SIGKILL
    assert not processes_of({uid}), f"left running: {processes_of({uid})}"
    assert not is_running(proxy), "the proxy is still running"
    gone = wait_until(lambda: not [pid for pid in others if is_running(pid)], 10)
    assert gone, f"still running: {[_command(pid) for pid in others if is_running(pid)]}"
    log = hub.log()
    assert "JupyterHub left these running; stopped them:" in log
    assert "configurable-http-proxy" in log and "jupyterhub_idle_culler" in log and "1 process(es) of learners" in log


def test_a_wrong_password_does_not_log_in(hub):
    hub.start()
    with pytest.raises(urllib.error.HTTPError) as failure:
        log_in(hub, NAME, "not-the-password")
    assert failure.value.code == 403
    assert not os.path.exists(hub.homes / ("rc-" + NAME)), "no account for a failed login"
    with pytest.raises(urllib.error.HTTPError):
        log_in(hub, hub.admin, hub.password)  # the admin needs the instructor's password


def test_the_idle_culler_stops_an_idle_learners_server(learners_python):
    """With --idle-timeout 10s a server nobody uses is stopped by jupyterhub-idle-culler while the hub runs."""
    hub = Hub(python=learners_python, extra_args=["--no-dashboard", "--idle-timeout", "10s"])
    try:
        uid = _running_learner(hub)
        assert wait_until(lambda: not processes_of({uid}), 120, step=0.5), \
            f"the idle server was not stopped within 2 minutes: {processes_of({uid})}"
        assert hub.process.poll() is None, "the hub itself keeps running"
        assert "idle-culler" in hub.log() and "Culling server" in hub.log()
        assert (hub.homes / ("rc-" + NAME) / "04_bptt.ipynb").is_file(), "the learner's files stay"
    finally:
        if hub.process is not None and hub.process.poll() is None:
            hub.stop()
        hub.kill_everything_left()
        remove_learners([NAME], hub.homes)
        shutil.rmtree(hub.root, ignore_errors=True)
