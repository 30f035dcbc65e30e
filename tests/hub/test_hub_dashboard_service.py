"""The dashboard as a real JupyterHub service: a real hub and configurable-http-proxy on loopback,
the dashboard started by the hub as `python -m rnncourse.hub.dashboard`; the hub's own API tokens
show the admin gets the room (200) and a learner gets 403, and the page renders it in Chromium."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from room_fixtures import make_home, verdict

pytestmark = pytest.mark.slow

SERVICE = "rnncourse-dashboard"


def in_ci():
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_hub_tools():
    missing = []
    try:
        import jupyterhub  # noqa: F401
    except ImportError:
        missing.append("jupyterhub (pip install 'rnncourse[hub]')")
    if shutil.which("configurable-http-proxy") is None:
        missing.append("configurable-http-proxy (npm install -g configurable-http-proxy)")
    if missing:
        message = "a real hub needs " + " and ".join(missing)
        if in_ci():
            pytest.fail(message + " (CI is set, so this fails instead of skipping)", pytrace=False)
        pytest.skip(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url, token=None, method="GET", body=None):
    headers = {"Authorization": f"token {token}"} if token else {}
    data = json.dumps(body).encode() if body is not None else None

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, data=data, headers=headers, method=method),
                         timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


CONFIG = """
import sys
c = get_config()  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.JupyterHub.db_url = "sqlite:///{tmp}/hub.sqlite"
c.JupyterHub.cookie_secret_file = "{tmp}/cookie_secret"
c.JupyterHub.pid_file = "{tmp}/hub.pid"
c.JupyterHub.authenticator_class = "null"
c.Authenticator.admin_users = {{"teacher"}}
c.Authenticator.allowed_users = {{"ann", "bob"}}
c.JupyterHub.services = [
    {{"name": "{service}", "url": "http://127.0.0.1:{dashboard_port}",
      "command": [sys.executable, "-m", "rnncourse.hub.dashboard"],
      "environment": {{"RNNCOURSE_HUB_HOMES": "{homes}", "RNNCOURSE_DASHBOARD_REFRESH": "0.5"}},
      "oauth_no_confirm": True}},
    {{"name": "tester", "api_token": "{tester_token}"}},
]
c.JupyterHub.load_roles = [
    {{"name": "{service}", "scopes": ["list:users", "read:users"], "services": ["{service}"]}},
    {{"name": "tester", "scopes": ["admin:users", "tokens", "access:services"],
      "services": ["tester"]}},
]
"""


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    require_hub_tools()
    tmp = tmp_path_factory.mktemp("hub")
    homes = tmp / "homes"
    make_home(homes, "ann", [verdict("rnn_backward", True)])
    make_home(homes, "bob", [verdict("rnn_backward", False, "overwrite_shared")])
    ports = {name: free_port() for name in ("port", "hub_port", "proxy_api_port",
                                            "dashboard_port")}
    tester = secrets.token_hex(16)
    (tmp / "jupyterhub_config.py").write_text(CONFIG.format(
        tmp=tmp, homes=homes, service=SERVICE, tester_token=tester, **ports))
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTERHUB_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[2]),
                                                      env.get("PYTHONPATH")]))
    log = open(tmp / "hub.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f",
                             str(tmp / "jupyterhub_config.py")], cwd=tmp, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{ports['port']}"
    hub_info = {"base": base, "tester": tester, "proc": proc, "log": tmp / "hub.log",
                "homes": homes}
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise AssertionError("the hub exited:\n" + (tmp / "hub.log").read_text()[-3000:])
            try:
                status, _, _ = request(base + "/hub/api/", tester)
                if status == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, (tmp / "hub.log").read_text()[-3000:]
            time.sleep(0.5)
        hub_info["tokens"] = {user: new_token(base, tester, user) for user in ("teacher", "ann")}
        while request(f"{base}/services/{SERVICE}/api/room",
                      hub_info["tokens"]["teacher"])[0] != 200:
            assert time.monotonic() < deadline, (tmp / "hub.log").read_text()[-3000:]
            time.sleep(0.5)
        yield hub_info
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        log.close()


def new_token(base, tester, user):
    status, _, body = request(f"{base}/hub/api/users/{user}/tokens", tester, "POST",
                              {"note": "rnncourse dashboard test"})
    assert status in (200, 201), body
    return json.loads(body)["token"]


def test_the_admin_gets_the_room_through_the_hubs_proxy(hub):
    status, headers, body = request(f"{hub['base']}/services/{SERVICE}/api/room",
                                    hub["tokens"]["teacher"])
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    data = json.loads(body)
    rows = {r["name"]: r for r in data["learners"]}
    assert set(rows) == {"ann", "bob"}  # the admin is not a learner
    assert rows["ann"]["cells"]["rnn_backward"]["state"] == "passed"
    assert rows["bob"]["cells"]["rnn_backward"]["mistake"] == "overwrite_shared"
    assert data["summary"]["rnn_backward"]["top_mistake"]["id"] == "overwrite_shared"


def test_a_learner_gets_403_and_a_stranger_is_sent_to_the_hubs_login(hub):
    for path in ("", "api/room"):
        status, _, _ = request(f"{hub['base']}/services/{SERVICE}/{path}", hub["tokens"]["ann"])
        assert status == 403, path
        status, headers, _ = request(f"{hub['base']}/services/{SERVICE}/{path}")
        assert status == 302 and "/hub/api/oauth2/authorize" in headers["Location"], headers


def test_the_page_renders_the_room_in_chromium_behind_the_hub(hub):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
    from labdriver import CHROMIUM, CHROMIUM_ARGS, require_browser_tools

    require_browser_tools(pytest)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            # the hub's own API token on every request (tokens in URLs are off by default)
            page = browser.new_context(extra_http_headers={
                "Authorization": f"token {hub['tokens']['teacher']}"}).new_page()
            page.goto(f"{hub['base']}/services/{SERVICE}/")
            assert page.locator("#status").count() == 1, (page.url, page.content()[:1500])
            page.wait_for_function("document.getElementById('status').textContent !== "
                                   "'connecting…'")
            assert "2 learners · updated" in page.locator("#status").inner_text(), (
                page.locator("#status").inner_text(), page.context.cookies())
            names = page.locator("table.block tbody th").all_inner_texts()
            assert sorted(names) == ["ann", "bob"]
            from rnncourse.progress import record

            record(verdict("rnn_backward", True, minute=7), hub["homes"] / "rc-bob" / ".rnncourse")
            page.wait_for_function(
                "() => [...document.querySelectorAll('table.block tbody tr')].filter(r => "
                "r.querySelector(\"td[title*='rnn_backward:']\").textContent === '✓')"
                ".length === 2", timeout=15_000)
        finally:
            browser.close()


def test_stopping_the_hub_stops_the_dashboard_and_the_proxy(hub):
    """Runs last in this module: the hub's whole process group is gone after SIGTERM."""
    proc = hub["proc"]
    proc.send_signal(signal.SIGTERM)
    proc.wait(30)
    deadline = time.monotonic() + 15
    while True:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        assert time.monotonic() < deadline, "processes of the hub's group are still running"
        time.sleep(0.3)
