"""The workshop room end to end: a real JupyterHub started by ``rnncourse hub start`` on loopback,
three learners logging in with Playwright in Chromium and running lesson 04's check cells in
their own JupyterLab, the instructor logging in as admin, and the hub stopped with Ctrl-C.

The tests of this module run in order on one hub (module fixture ``room``); the last one stops
it. The Unix users they create are removed afterwards.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pwd
import shutil
import signal
import time
import uuid
from pathlib import Path

import pytest
from hubdriver import Hub, is_running, processes_of, remove_learners, wait_until

from rnncourse.hub import accounts, services
from rnncourse.hub.limits import parse_size

pytestmark = [pytest.mark.slow, pytest.mark.browser]

# right answer, a named mistake, untouched; a suffix per run keeps the Unix users of two runs on one
# machine apart
_RUN = uuid.uuid4().hex[:5]
ADA, BOB, CYD = f"ada-{_RUN}", f"bob-{_RUN}", f"cyd-{_RUN}"
LEARNERS = (ADA, BOB, CYD)
PRESET = (ADA, BOB)  # accounts made before the hub starts, with their own JupyterLab settings
NOTEBOOK = "04_bptt.ipynb"
IMPORTS_CELL, EXERCISE_CELL, CHECK_CELL = 1, 11, 12
MEMORY_LIMIT = "3G"
HAS_DASHBOARD = importlib.util.find_spec(services.DASHBOARD_MODULE) is not None
NEEDS_DASHBOARD = pytest.mark.skipif(
    not HAS_DASHBOARD, reason=f"{services.DASHBOARD_MODULE} (the instructor's dashboard) is not in this checkout yet")

RIGHT = '''def rnn_step_backward(dh_next, cache):
    x, h_prev, Wx, Wh, h_next = cache
    da = dh_next * (1.0 - h_next**2)
    return da @ Wx.T, da @ Wh.T, x.T @ da, h_prev.T @ da, da.sum(axis=0)
'''
NO_TANH_DERIVATIVE = '''def rnn_step_backward(dh_next, cache):
    x, h_prev, Wx, Wh, h_next = cache
    da = dh_next
    return da @ Wx.T, da @ Wh.T, x.T @ da, h_prev.T @ da, da.sum(axis=0)
'''
MISTAKE_WORDS = "skipped the tanh derivative"  # the named mistake no_tanh_derivative, as the learner reads it

RUN_CELL_JS = """
async ({index, source}) => {
  const app = window.jupyterapp;
  const notebook = app.shell.currentWidget.content;
  if (source !== null) notebook.model.cells.get(index).sharedModel.setSource(source);
  notebook.activeCellIndex = index;
  await app.commands.execute('notebook:run-cell');
}
"""
CELL_DONE_JS = """
(index) => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cell = panel.content.model.cells.get(index);
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (cell.executionCount === null || !kernel || kernel.status !== 'idle') return null;
  return cell.outputs.toJSON();
}
"""


class Learner:
    """One learner's browser context and JupyterLab page."""

    def __init__(self, browser, hub, name, password):
        self.name, self.hub = name, hub
        self.context = browser.new_context(viewport={"width": 1300, "height": 900})
        self.context.set_default_timeout(120_000)
        self.page = self.context.new_page()
        self.password = password

    def log_in(self):
        self.page.goto(f"{self.hub.url}/hub/login")
        self.page.fill("#username_input", self.name)
        self.page.fill("#password_input", self.password)
        self.page.click("#login_submit")
        return self

    def open_lab(self):
        self.page.wait_for_url(f"**/user/{self.name}/lab**", timeout=180_000)
        self.page.wait_for_selector("#jp-main-statusbar", timeout=180_000)
        return self

    def open_notebook(self, path):
        self.page.goto(f"{self.hub.url}/user/{self.name}/lab/tree/{path}")
        self.page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget "
                                    "&& window.jupyterapp.shell.currentWidget.sessionContext "
                                    "&& window.jupyterapp.shell.currentWidget.sessionContext.session "
                                    "&& window.jupyterapp.shell.currentWidget.sessionContext.session.kernel "
                                    "&& window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
                                    ".status === 'idle'",
                                    timeout=180_000, polling=500)
        return self

    def run_cell(self, index, source=None, timeout=180.0):
        """Put ``source`` (if given) into cell ``index``, run it as Shift+Enter would, return its outputs."""
        self.page.evaluate(RUN_CELL_JS, {"index": index, "source": source})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            outputs = self.page.evaluate(CELL_DONE_JS, index)
            if outputs is not None:
                return outputs
            self.page.wait_for_timeout(300)
        raise AssertionError(f"{self.name}: cell {index} did not finish within {timeout:.0f} s")

    def fetch(self, path):
        """GET ``path`` on the hub with this learner's cookies, as the hub's own pages do: (status, text).

        JupyterHub wants its XSRF token with a cookie-authenticated API call; its pages send the
        ``_xsrf`` cookie back as the X-XSRFToken header, and so does this.
        """
        xsrf = [c["value"] for c in self.context.cookies(f"{self.hub.url}/hub/") if c["name"] == "_xsrf"]
        answer = self.context.request.get(f"{self.hub.url}{path}",  # redirects (the OAuth dance) followed
                                          headers={"Accept": "application/json",
                                                   "X-XSRFToken": xsrf[-1] if xsrf else ""})
        return answer.status, answer.text()


def output_text(outputs):
    parts = []
    for output in outputs:
        parts.append(output.get("text", "") if isinstance(output.get("text", ""), str) else "".join(output["text"]))
        data = output.get("data", {})
        parts.append(str(data.get("text/plain", "")))
        if output.get("output_type") == "error":
            parts.append(f"{output['ename']}: {output['evalue']}")
    return "\n".join(parts)


def _server_url(name):
    """The loopback URL of ``name``'s running single-user server, read from its environment (as root)."""
    uid = pwd.getpwnam(accounts.unix_name(name)).pw_uid
    for pid, _, command in processes_of({uid}):
        if "jupyterhub.singleuser" in command:
            items = Path(f"/proc/{pid}/environ").read_bytes().decode().split("\0")
            environ = dict(item.split("=", 1) for item in items if "=" in item)
            return environ["JUPYTERHUB_SERVICE_URL"].rstrip("/") + "/"
    raise AssertionError(f"{name} has no running server")


def preset_account(name, homes):
    """Make the learner's account before the hub does, with JupyterLab exposing its app to the test."""
    entry = accounts.ensure_account(name, homes)
    jupyter = accounts.home_of(name, homes) / ".jupyter"
    jupyter.mkdir(mode=0o700)
    (jupyter / "jupyter_server_config.json").write_text(json.dumps({"LabApp": {"expose_app_in_browser": True}}))
    for path in (jupyter, jupyter / "jupyter_server_config.json"):
        os.chown(path, entry.pw_uid, entry.pw_gid)


@pytest.fixture(scope="module")
def room(learners_python, tmp_path_factory):
    from labdriver import CHROMIUM, CHROMIUM_ARGS, require_browser_tools
    from playwright.sync_api import sync_playwright

    require_browser_tools(pytest)
    extra = ["--memory-limit", MEMORY_LIMIT] + ([] if HAS_DASHBOARD else ["--no-dashboard"])
    hub = Hub(python=learners_python, extra_args=extra)
    playwright = browser = None
    try:
        hub.root.mkdir(exist_ok=True)
        os.chmod(hub.root, 0o711)
        (hub.root / "homes").mkdir(mode=0o711)
        for name in PRESET:
            preset_account(name, hub.homes)
        started = time.monotonic()
        hub.start()
        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        learners = {name: Learner(browser, hub, name, hub.password) for name in LEARNERS}
        for learner in learners.values():
            learner.log_in()
        for learner in learners.values():
            learner.open_lab()
        instructor = Learner(browser, hub, hub.admin, hub.admin_password).log_in()
        instructor.page.wait_for_url("**/user/instructor/lab**", timeout=180_000)
        yield {"hub": hub, "learners": learners, "instructor": instructor, "started": started, "results": {}}
    finally:
        if browser is not None:
            browser.close()
        if playwright is not None:
            playwright.stop()
        if hub.process is not None and hub.process.poll() is None:
            hub.stop(signal.SIGTERM)
        hub.kill_everything_left()
        leftovers = remove_learners(LEARNERS + (hub.admin,), hub.homes)
        shutil.rmtree(hub.root, ignore_errors=True)
        assert not leftovers, f"processes of the learners were still running at the end: {leftovers}"


def test_each_learner_gets_their_own_unix_user_and_private_home_with_the_lessons(room):
    homes = room["hub"].homes
    for name in LEARNERS:
        home = accounts.home_of(name, homes)
        stat = home.stat()
        assert pwd.getpwuid(stat.st_uid).pw_name == f"rc-{name}", f"{home} is not owned by rc-{name}"
        assert stat.st_mode & 0o777 == 0o700, f"{home} has mode {stat.st_mode & 0o777:o}, not 700"
        assert (home / NOTEBOOK).is_file() and (home / "00_welcome.ipynb").is_file()
    state = room["hub"].root / "state"
    assert state.stat().st_mode & 0o777 == 0o700 and state.stat().st_uid == 0
    for secret in ("user-password", "admin-password", "jupyterhub_cookie_secret", "jupyterhub.sqlite"):
        assert (state / secret).stat().st_mode & 0o077 == 0, f"{secret} is readable by others"
    assert room["hub"].password not in (state / "jupyterhub_config.py").read_text()


def test_check_cells_give_the_right_answer_and_the_named_mistake(room):
    learners = room["learners"]
    for name, answer in ((ADA, RIGHT), (BOB, NO_TANH_DERIVATIVE)):
        learner = learners[name].open_notebook(NOTEBOOK)
        imports = learner.run_cell(IMPORTS_CELL)
        assert "Error" not in output_text(imports), output_text(imports)
        learner.run_cell(EXERCISE_CELL, answer)
        room["results"][name] = output_text(learner.run_cell(CHECK_CELL))
    assert "PASSED" in room["results"][ADA] and "All 4 test cases pass" in room["results"][ADA], room["results"][ADA]
    assert MISTAKE_WORDS in room["results"][BOB] and "PASSED" not in room["results"][BOB], room["results"][BOB]


def test_a_learners_kernel_cannot_reach_another_home_the_hub_state_or_past_its_memory_limit(room):
    hub, ada = room["hub"], room["learners"][ADA]
    bob_home = accounts.home_of(BOB, hub.homes)
    bob_server = _server_url(BOB)
    probe = f'''
import json, os, resource
import numpy as np
tried = {{}}
def attempt(label, action):
    try:
        action()
        tried[label] = "allowed"
    except (PermissionError, MemoryError, ValueError) as exc:
        tried[label] = type(exc).__name__
attempt("read bob's lesson", lambda: open({str(bob_home / NOTEBOOK)!r}).read())
attempt("list bob's home", lambda: os.listdir({str(bob_home)!r}))
attempt("write into bob's home", lambda: open({str(bob_home / "planted.txt")!r}, "w").write("x"))
attempt("delete bob's lesson", lambda: os.remove({str(bob_home / NOTEBOOK)!r}))
attempt("read the hub's database", lambda: open({str(hub.root / "state" / "jupyterhub.sqlite")!r}, "rb").read())
attempt("read the workshop password", lambda: open({str(hub.root / "state" / "user-password")!r}).read())
attempt("list the homes", lambda: os.listdir({str(hub.homes)!r}))
attempt("allocate past the limit", lambda: np.ones({parse_size(MEMORY_LIMIT) // 8 + 1}))
attempt("raise the limit", lambda: resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY,) * 2))
import urllib.request, urllib.error
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
try:
    answer = urllib.request.build_opener(NoRedirect).open({bob_server + "api/contents/" + NOTEBOOK!r}, timeout=20)
    tried["bob's server, straight to its port"] = "allowed" if b"nbformat" in answer.read() else "no content"
except urllib.error.HTTPError as exc:
    tried["bob's server, straight to its port"] = f"HTTP {{exc.code}}"
tried["user"] = __import__("pwd").getpwuid(os.getuid()).pw_name
print(json.dumps(tried))
'''
    outputs = ada.run_cell(EXERCISE_CELL, probe)
    text = output_text(outputs)
    tried = json.loads(text.strip().splitlines()[-1])
    assert tried.pop("user") == accounts.unix_name(ADA)
    assert tried.pop("allocate past the limit") == "MemoryError"
    assert tried.pop("raise the limit") in ("ValueError", "PermissionError")
    # without bob's token the server sends the request off to log in (302) or refuses it (403)
    assert tried.pop("bob's server, straight to its port") in ("HTTP 302", "HTTP 403")
    assert all(outcome == "PermissionError" for outcome in tried.values()), tried
    assert (bob_home / NOTEBOOK).is_file() and not (bob_home / "planted.txt").exists()


def test_learners_lack_the_dashboard_scope_and_the_instructor_has_it(room):
    scope = f"access:services!service={services.DASHBOARD}"
    for name, learner in room["learners"].items():
        status, text = learner.fetch("/hub/api/user")
        assert status == 200, (name, status, text)
        me = json.loads(text)
        assert me["name"] == name and me["admin"] is False
        assert scope not in me["scopes"] and "access:services" not in me["scopes"], me["scopes"]
    status, text = room["instructor"].fetch("/hub/api/user")
    me = json.loads(text)
    assert status == 200 and me["admin"] is True
    if HAS_DASHBOARD:
        assert scope in me["scopes"] or "access:services" in me["scopes"], me["scopes"]


@NEEDS_DASHBOARD
def test_a_learner_gets_403_on_the_dashboard(room):
    for name, learner in room["learners"].items():
        status, _ = learner.fetch(f"/services/{services.DASHBOARD}/api/room")
        assert status == 403, f"{name} got {status} on the dashboard"


@NEEDS_DASHBOARD
def test_the_instructor_sees_the_room_within_seconds(room):
    wanted = {ADA: ("passed", None), BOB: ("failing", "no_tanh_derivative"), CYD: ("not started", None)}

    def room_state():
        status, text = room["instructor"].fetch(f"/services/{services.DASHBOARD}/api/room")
        if status != 200:
            return None
        cells = {entry["name"]: entry["cells"].get("rnn_step_backward", {"state": "not started"})
                 for entry in json.loads(text)["learners"]}

        def mistake(cell):  # the named mistake's id, whether given alone or with its message
            found = cell.get("mistake")
            return found.get("id") if isinstance(found, dict) else found

        seen = {name: (cells.get(name, {}).get("state"), mistake(cells.get(name, {}))) for name in wanted}
        return seen if seen == wanted else None

    assert wait_until(room_state, timeout=15), "the dashboard did not show ada passed, bob failing " \
        "(no_tanh_derivative) and cyd not started within 15 s"


def test_ctrl_c_stops_every_learners_server_and_kernel_and_the_proxy(room):
    hub = room["hub"]
    uids = {pwd.getpwnam(accounts.unix_name(name)).pw_uid for name in LEARNERS}
    running = processes_of(uids)
    kernels = [p for p in running if "ipykernel" in p[2]]
    assert len(kernels) >= 2 and len([p for p in running if "singleuser" in p[2]]) == 3, running
    proxy_pid = int((hub.root / "state" / "jupyterhub-proxy.pid").read_text())
    assert hub.stop(signal.SIGINT) == 0  # Ctrl-C: exit code 0, as `rnncourse lab`
    assert processes_of(uids) == [], "left running after the hub stopped"
    assert not is_running(proxy_pid), "the proxy is still running"
    assert "SIGINT" in hub.log() or "Ctrl-C received" in hub.log()
    print(f"room: {time.monotonic() - room['started']:.0f} s from start to stop")
