"""Drive a real JupyterLab from the browser suite: start a sandboxed server, open notebooks in a
Playwright page, run them the way a learner does, and read back what the learner sees.

Nothing here imports Playwright at module level, so the suite can be collected (and skipped with
a helpful message) on a machine without it.

The server runs on 127.0.0.1 with a throw-away token, in a scratch HOME / JUPYTER_* / IPYTHONDIR /
MPLCONFIGDIR, with JupyterLab's news and update checks off. Its kernel is ``python3`` resolved from
this interpreter's prefix, so notebooks import the rnncourse installed in this environment.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # the suite may run as root (containers, CI)
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ENABLE_HINT = (
    "the browser tests need Debian's Chromium at /usr/bin/chromium and the Python package "
    "playwright: run `apt-get install chromium` and `pip install -e \".[test]\"` (no browser "
    "download is needed)"
)
NO_UPDATES = "jupyterlab.handlers.announcements.NeverCheckForUpdate"

# What JupyterLab shows for a kernel that is ready: "Python 3 (ipykernel) | Idle" in the status bar.
KERNEL_STATUS = "#jp-main-statusbar .jp-StatusBar-TextItem[title^='Change kernel']"
ERROR_WORDS = re.compile(r"Traceback|^\s*\w*(Error|Exception)\b", re.MULTILINE)
WIDGET_FAILURES = ("Error displaying widget", "Loading widget...", "Failed to load model class")


def notebooks_in(folder):
    """The numbered notebooks present in ``REPO/folder`` right now (at collection time).

    ``RNNCOURSE_BROWSER_SOLUTIONS=DIR`` (or ``..._LESSONS``) points the suite at another folder,
    e.g. a deliberately broken copy when checking that the suite can fail.
    """
    override = os.environ.get(f"RNNCOURSE_BROWSER_{folder.upper()}")
    return sorted((Path(override) if override else REPO / folder).glob("[0-9][0-9]_*.ipynb"))


def load_notebook(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def browser_tools_missing():
    """A sentence naming what the browser suite lacks on this machine, or None when all is there."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} is absent")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package is not installed")
    return "; ".join(missing) or None


@contextlib.contextmanager
def headless_chromium():
    """Debian's Chromium, headless, driven by playwright; closed (and playwright stopped) on exit."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                             headless=True)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


def require_browser_tools(pytest_module):
    """Skip the suite with the way to enable it when its tools are missing; under CI, fail instead."""
    missing = browser_tools_missing()
    if missing:
        message = f"browser suite: {missing}; {ENABLE_HINT}"
        if in_ci():
            pytest_module.fail(message + " (CI is set, so the suite fails instead of skipping)",
                               pytrace=False)
        pytest_module.skip(message)


def is_external(url):
    """True for an http(s)/ws(s) URL that leaves this machine (anything but loopback)."""
    match = re.match(r"^(?:http|ws)s?://([^/:]+)", url)
    return bool(match) and match.group(1) not in ("127.0.0.1", "localhost", "[::1]")


def in_ci():
    """True when the CI environment variable is set to a true value (CI never skips)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def scratch_environment(root):
    """Environment for a Jupyter server whose every per-user directory lives under ``root``.

    Writes JupyterLab user settings that turn off news, update checks and notebook windowing
    (with windowing on, cells outside the viewport are not in the page and cannot be inspected),
    and a server config that keeps every server started with this environment on loopback.
    """
    root = Path(root)
    dirs = {name: root / name for name in ("home", "config", "data", "runtime", "ipython", "mpl")}
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    settings = dirs["config"] / "lab" / "user-settings" / "@jupyterlab"
    user_settings = {
        "apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
        "notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    }
    for relative, values in user_settings.items():
        (settings / relative).parent.mkdir(parents=True, exist_ok=True)
        (settings / relative).write_text(json.dumps(values), encoding="utf-8")
    (dirs["config"] / "jupyter_server_config.json").write_text(json.dumps({
        "ServerApp": {"ip": "127.0.0.1", "open_browser": False, "port_retries": 0},
        "LabApp": {"news_url": None, "check_for_updates_class": NO_UPDATES},
        "LanguageServerManager": {"autodetect": False},
    }), encoding="utf-8")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("JUPYTER", "JPY_")) and key not in ("MPLBACKEND", "PYTHONSTARTUP")}
    env.update(
        HOME=str(dirs["home"]),
        JUPYTER_CONFIG_DIR=str(dirs["config"]),
        JUPYTER_DATA_DIR=str(dirs["data"]),
        JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
        IPYTHONDIR=str(dirs["ipython"]),
        MPLCONFIGDIR=str(dirs["mpl"]),
        OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    return env


def wait_for_server(base_url, token, process, timeout=90.0, log_path=None):
    """Poll ``/api/status`` until the server answers 200; raise with the log tail if it does not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(api_request(base_url, token, "/api/status"), timeout=5) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    tail = Path(log_path).read_text(errors="replace")[-3000:] if log_path else ""
    raise RuntimeError(f"the Jupyter server at {base_url} did not answer within {timeout:.0f} s "
                       f"(exit code {process.poll()}); its log ends with:\n{tail}")


def api_request(base_url, token, path, method="GET"):
    return urllib.request.Request(base_url + path, method=method,
                                  headers={"Authorization": f"token {token}"})


def api_json(base_url, token, path):
    with urllib.request.urlopen(api_request(base_url, token, path), timeout=10) as resp:
        return json.loads(resp.read().decode())


def stop_process_group(process, timeout=20.0):
    """SIGTERM the process group we started (server and its kernels), then SIGKILL if needed."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


@dataclass
class LabServer:
    """A JupyterLab server started by the suite (one per pytest session)."""

    root_dir: Path
    scratch: Path
    port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(24))
    process: subprocess.Popen = None
    log_path: Path = None

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=120.0):
        env = scratch_environment(self.scratch)
        self.env = env
        command = [
            sys.executable, "-m", "jupyterlab",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
            "--ServerApp.open_browser=False", f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}",
            "--LabApp.news_url=None", f"--LabApp.check_for_updates_class={NO_UPDATES}",
            "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: open/close notebooks as tabs
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        self.log_path = self.scratch / "jupyterlab.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, env=env, cwd=self.root_dir, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        wait_for_server(self.base_url, self.token, self.process, timeout, self.log_path)
        return self

    def stop(self):
        if self.process is not None:
            stop_process_group(self.process)

    def url(self, relative_path):
        """A fresh-workspace URL that opens ``relative_path`` (no state from earlier pages)."""
        return (f"{self.base_url}/lab/workspaces/t{uuid.uuid4().hex[:10]}/tree/{relative_path}"
                f"?reset&token={self.token}")

    def blank_url(self):
        """A fresh workspace with no document open (the page notebooks are then opened in)."""
        return f"{self.base_url}/lab/workspaces/t{uuid.uuid4().hex[:10]}?reset&token={self.token}"

    def shut_down_kernels(self, relative_path=None):
        """Shut down the sessions (and kernels) of ``relative_path``, or all of them."""
        for session in api_json(self.base_url, self.token, "/api/sessions"):
            if relative_path is None or session.get("path") == str(relative_path):
                req = api_request(self.base_url, self.token, f"/api/sessions/{session['id']}", "DELETE")
                try:
                    urllib.request.urlopen(req, timeout=20).close()
                except (urllib.error.URLError, OSError):
                    pass


# --------------------------------------------------------------------------- the notebook page

_STATE_JS = """
() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return null;
  const cells = Array.from(panel.querySelectorAll('.jp-Notebook .jp-Cell'));
  return cells.map((cell, index) => {
    const prompt = cell.querySelector('.jp-InputArea-prompt');
    const stderr = Array.from(cell.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'));
    const outputs = cell.querySelector('.jp-Cell-outputArea');
    return {
      index,
      code: cell.classList.contains('jp-CodeCell'),
      prompt: prompt ? prompt.innerText.trim() : '',
      source: (cell.querySelector('.cm-content') || {innerText: ''}).innerText,
      stderr: stderr.map(e => e.innerText),
      text: outputs ? outputs.innerText : '',
      widgets: cell.querySelectorAll('.jupyter-widgets').length,
      sliders: cell.querySelectorAll('.widget-slider [role=slider]').length,
    };
  });
}
"""

# What a widget drives: the text of its Output/HTML areas and the images it shows (not the
# slider's own read-out, which changes whenever the slider moves).
_DRIVEN_JS = """
(cell) => {
  const texts = Array.from(cell.querySelectorAll('.widget-output, .widget-html-content, .widget-htmlmath-content'))
      .map(e => e.innerText);
  const images = Array.from(cell.querySelectorAll('.jp-Cell-outputArea img, .jp-Cell-outputArea .jp-RenderedSVG'))
      .map(e => e.tagName === 'IMG' ? e.getAttribute('src') : e.innerHTML);
  return {texts, images};
}
"""


class NotebookPage:
    """A notebook opened in a Playwright page, with the actions and reads the tests need."""

    def __init__(self, page, server, relative_path):
        self.page = page
        self.server = server
        self.path = str(relative_path)

    # ---- opening and waiting

    def open(self, timeout=90.0):
        self.page.goto(self.server.url(self.path), timeout=timeout * 1000)
        self.page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=timeout * 1000)
        self.wait_kernel_idle(timeout)
        return self

    def open_as_tab(self, timeout=90.0):
        """Open the notebook as a new tab of an already loaded JupyterLab page (File > Open)."""
        self.page.evaluate(
            "async (path) => { await window.jupyterapp.commands.execute("
            "'docmanager:open', {path, factory: 'Notebook'}); }", self.path)
        name = self.path.rsplit("/", 1)[-1]
        self.page.locator(".lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel",
                          has_text=re.compile(f"^{re.escape(name)}$")).wait_for(timeout=timeout * 1000)
        self.page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell",
                                    timeout=timeout * 1000)
        self.wait_kernel_idle(timeout)
        return self

    def close_tab(self):
        """Close this notebook's tab without a save prompt (the copy is disposable)."""
        self.page.evaluate("""(path) => {
            const app = window.jupyterapp;
            for (const widget of Array.from(app.shell.widgets('main'))) {
              if (widget.context && widget.context.path === path) {
                widget.context.model.dirty = false;
                widget.dispose();
              }
            }
        }""", self.path)

    def kernel_status(self):
        return self.page.evaluate(
            "(sel) => { const e = document.querySelector(sel); return e ? e.innerText : ''; }", KERNEL_STATUS)

    def dialog_text(self):
        return self.page.evaluate(
            "() => { const e = document.querySelector('.jp-Dialog'); return e ? e.innerText : ''; }")

    def wait_kernel_idle(self, timeout=90.0):
        """Wait until the status bar reads "<kernel> | Idle" (the real readiness signal)."""
        deadline = time.monotonic() + timeout
        status = ""
        while time.monotonic() < deadline:
            dialog = self.dialog_text()
            if dialog:
                raise AssertionError(f"JupyterLab shows a dialog while opening {self.path}: {dialog!r}")
            status = self.kernel_status()
            if re.search(r"\|\s*Idle\s*$", status) and not status.startswith("No Kernel"):
                return status
            self.page.wait_for_timeout(250)
        raise AssertionError(f"the kernel of {self.path} is not idle after {timeout:.0f} s; "
                             f"the status bar reads {status!r}")

    def state(self):
        return self.page.evaluate(_STATE_JS) or []

    def wait_until_settled(self, timeout=120.0):
        """Wait until no cell is queued or running ("[*]") and the kernel reads Idle, twice in a row."""
        deadline = time.monotonic() + timeout
        calm = 0
        while time.monotonic() < deadline:
            cells = self.state()
            busy = [c["index"] for c in cells if c["prompt"].startswith("[*]")]
            idle = re.search(r"\|\s*Idle\s*$", self.kernel_status()) is not None
            calm = calm + 1 if (cells and not busy and idle) else 0
            if calm >= 2:
                return cells
            self.page.wait_for_timeout(400)
        raise AssertionError(f"{self.path} was still running after {timeout:.0f} s "
                             f"(cells still queued or running: {busy}; status {self.kernel_status()!r})")

    # ---- running, the way a learner does

    def menu(self, menu_name, item_label):
        """Click ``menu_name`` in the menu bar, then ``item_label`` in its menu."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(menu_name)}$")).click()
        self.page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item_label)}$")).first.click()

    def run_all(self, timeout=120.0):
        """Run → Run All Cells, then wait until every cell has finished and the kernel is idle."""
        self.menu("Run", "Run All Cells")
        self.page.wait_for_timeout(300)
        return self.wait_until_settled(timeout)

    def cell(self, index):
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").nth(index)

    def select_cell(self, index):
        """Select cell ``index`` in command mode by clicking its prompt area."""
        self.cell(index).locator(".jp-InputPrompt").click()

    def run_cell(self, index, timeout=120.0):
        """Put the cursor in cell ``index`` and press Shift+Enter, then wait for the kernel."""
        editor = self.cell(index).locator(".cm-content")
        editor.click()
        self.page.keyboard.press("Shift+Enter")
        self.page.wait_for_timeout(300)
        return self.wait_until_settled(timeout)

    def replace_cell_text(self, index, text):
        """Click into the cell's editor, select everything, and put ``text`` in its place."""
        editor = self.cell(index).locator(".cm-content")
        editor.click()
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.press("Delete")
        self.page.keyboard.insert_text(text)  # like a paste: no auto-indent on top of ours
        self.page.wait_for_timeout(200)
        return editor.inner_text()

    def save(self, timeout=30.0):
        """File > Save Notebook (the learner's Ctrl+S); wait until the document is clean."""
        self.page.evaluate("async () => { await window.jupyterapp.commands.execute("
                           "'docmanager:save'); }")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            dirty = self.page.evaluate("""(path) => {
                for (const w of Array.from(window.jupyterapp.shell.widgets('main'))) {
                  if (w.context && w.context.path === path) { return w.context.model.dirty; }
                }
                return null;
            }""", self.path)
            if dirty is False:
                return
            self.page.wait_for_timeout(250)
        raise AssertionError(f"{self.path} was not saved within {timeout:.0f} s")

    # ---- reading what the learner sees

    def scroll_to(self, index):
        try:
            self.cell(index).scroll_into_view_if_needed(timeout=5000)
        except Exception:  # noqa: BLE001 - scrolling is only for the screenshot
            pass

    def screenshot(self, path):
        self.page.screenshot(path=str(path))
        return path

    def widget_failures(self):
        """(cell index, message) for every widget that JupyterLab could not display."""
        found = []
        for cell in self.state():
            for phrase in WIDGET_FAILURES:
                if phrase in cell["text"]:
                    found.append((cell["index"], phrase))
        return found

    def driven_output(self, index):
        return self.page.evaluate(_DRIVEN_JS, self.cell(index).element_handle())

    def sliders(self, index):
        return self.cell(index).locator(".widget-slider [role=slider]")

    def nudge_slider(self, handle, presses=3):
        """Move a slider with the keyboard (focus its handle, arrow keys); returns (before, after)."""
        before = handle.get_attribute("aria-valuenow")
        handle.scroll_into_view_if_needed()
        handle.focus()
        for _ in range(presses):
            handle.press("ArrowRight")
        if handle.get_attribute("aria-valuenow") == before:  # it was at its maximum
            for _ in range(presses):
                handle.press("ArrowLeft")
        return before, handle.get_attribute("aria-valuenow")

    def wait_for_change(self, index, before, timeout=60.0):
        """Wait until what cell ``index``'s widget drives differs from ``before``; return it or None."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(400)
            now = self.driven_output(index)
            if now != before and re.search(r"\|\s*Idle\s*$", self.kernel_status()):
                self.page.wait_for_timeout(300)
                return self.driven_output(index)
        return None


def cell_errors(cells, allowed=()):
    """(cell index, first lines of the error) for every cell that shows a traceback or an error.

    ``allowed`` holds the indices of cells that are meant to raise.
    """
    found = []
    for cell in cells:
        if cell["index"] in allowed:
            continue
        for text in cell["stderr"]:
            if ERROR_WORDS.search(text):
                found.append((cell["index"], "\n".join(text.strip().splitlines()[-6:])))
    return found


def cells_meant_to_raise(notebook):
    """Indices of cells marked ``# NBVAL_RAISES_EXCEPTION`` or tagged ``raises-exception``."""
    allowed = set()
    for index, cell in enumerate(notebook["cells"]):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        tags = cell.get("metadata", {}).get("tags", [])
        if "NBVAL_RAISES_EXCEPTION" in source or "raises-exception" in tags:
            allowed.add(index)
    return allowed


def cells_with_stored_widgets(notebook):
    """Indices of code cells whose stored outputs include a widget view."""
    found = []
    for index, cell in enumerate(notebook["cells"]):
        for output in cell.get("outputs", []) or []:
            if "application/vnd.jupyter.widget-view+json" in output.get("data", {}):
                found.append(index)
                break
    return found
