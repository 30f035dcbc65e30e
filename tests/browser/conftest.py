"""Fixtures of the browser suite: one JupyterLab server and one headless Chromium for the suite.

Every test gets pages from the shared browser context; each notebook is copied into the server's
scratch workspace first, so the repository's files are never touched. When a test fails, every
page still open is photographed and the screenshot paths are added to the failure report (section
"browser screenshots"); a screenshot of each notebook after its run is kept in the same folder.

The server, the browser and its context are package-scoped: they close when the browser suite
ends, so no Playwright event loop is left running in the main thread for the tests after it
(JupyterHub's and the dashboard's tests run asyncio and Playwright of their own).

Without /usr/bin/chromium or the playwright package the suite is skipped with a message saying how
to enable it, except when CI is set: then it fails.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.browser.labdriver import LabServer, NotebookPage, headless_chromium, is_external, require_browser_tools

_CONTEXT_KEY = pytest.StashKey()
_SHOTS_KEY = pytest.StashKey()


@pytest.fixture(scope="session")
def browser_tools():
    """Skip (or, under CI, fail) the suite when Chromium or Playwright is missing."""
    require_browser_tools(pytest)


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory, request):
    path = tmp_path_factory.mktemp("browser-screenshots")
    request.config.stash[_SHOTS_KEY] = path
    return path


@pytest.fixture(scope="session")
def lab_workspace(tmp_path_factory):
    """The folder the session's JupyterLab serves; tests copy notebooks into it."""
    return tmp_path_factory.mktemp("lab-workspace")


@pytest.fixture(scope="session")
def lab_scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("lab-scratch")


@pytest.fixture(scope="package")
def lab_server(browser_tools, lab_workspace, lab_scratch):
    server = LabServer(root_dir=lab_workspace, scratch=lab_scratch).start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def browser(browser_tools):
    with headless_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="package")
def browser_context(browser, screenshot_dir, request):
    """One context for the session (shared HTTP cache: JupyterLab's assets load once).

    Every request that would leave the machine is recorded; at the end of the session there
    must be none (JupyterLab's news and update checks are off, the network is not needed).
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    external = []
    context.on("request", lambda req: external.append(req.url) if is_external(req.url) else None)
    request.config.stash[_CONTEXT_KEY] = context
    yield context
    context.close()
    assert not external, f"the pages asked for off-machine URLs: {sorted(set(external))[:10]}"


def copy_into_workspace(source, workspace, folder, clear_outputs=True):
    """Copy ``source`` to ``workspace/folder/``; returns the path relative to the workspace.

    With ``clear_outputs`` the copy has no stored outputs or execution counts, so everything the
    page shows after Run All comes from this run (and the page opens faster).
    """
    target_dir = Path(workspace) / folder
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / Path(source).name
    if clear_outputs:
        notebook = json.loads(Path(source).read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code":
                cell["outputs"], cell["execution_count"] = [], None
        notebook.get("metadata", {}).pop("widgets", None)
        target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False), encoding="utf-8")
    else:
        shutil.copy2(source, target)
    return f"{folder}/{Path(source).name}"


class NotebookOpener:
    """Opens notebooks as tabs of one JupyterLab page and closes them (shutting down their kernels).

    Loading the JupyterLab application costs several seconds of CPU per page, so each test module
    loads it once and opens its notebooks one after another in that page.
    """

    def __init__(self, server, context, shots):
        self.server, self.context, self.shots = server, context, shots
        self.page = None
        self.opened = []

    def _lab_page(self):
        if self.page is None or self.page.is_closed():
            self.page = self.context.new_page()
            self.page.goto(self.server.blank_url(), timeout=120_000)
            self.page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell",
                                        timeout=120_000)
            self.page.wait_for_selector("#jp-main-statusbar", timeout=120_000)
        return self.page

    def open(self, source, folder, timeout=120.0):
        relative = copy_into_workspace(source, self.server.root_dir, folder)
        nb = NotebookPage(self._lab_page(), self.server, relative)
        self.opened.append(nb)
        return nb.open_as_tab(timeout)

    def shot(self, nb, label):
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{nb.path}-{label}") + ".png"
        return nb.screenshot(self.shots / name)

    def close_notebooks(self):
        for nb in self.opened:
            try:
                nb.close_tab()
            except Exception:  # noqa: BLE001 - a broken page is replaced by the next open
                if self.page is not None:
                    self.page.close()
            try:
                self.server.shut_down_kernels(nb.path)
            except Exception:  # noqa: BLE001 - the server may be gone at session end
                pass
        self.opened.clear()

    def close_all(self):
        self.close_notebooks()
        if self.page is not None and not self.page.is_closed():
            self.page.close()
        self.page = None


@pytest.fixture(scope="module")
def module_notebooks(lab_server, browser_context, screenshot_dir):
    """One JupyterLab page per test module; notebooks open in it as tabs."""
    opener = NotebookOpener(lab_server, browser_context, screenshot_dir)
    yield opener
    opener.close_all()


@pytest.fixture
def notebooks(module_notebooks):
    """The module's opener; notebooks opened through it are closed when the test ends."""
    yield module_notebooks
    module_notebooks.close_notebooks()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failure, photograph every open page and name the files in the report."""
    if call.when in ("setup", "call") and call.excinfo is not None \
            and not call.excinfo.errisinstance(pytest.skip.Exception):
        context = item.config.stash.get(_CONTEXT_KEY, None)
        shots = item.config.stash.get(_SHOTS_KEY, None)
        paths = []
        if context is not None and shots is not None:
            stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", item.nodeid.split("::")[-1])
            for number, page in enumerate(context.pages):
                path = shots / f"FAILED-{stem}-{number}.png"
                try:
                    page.screenshot(path=str(path))
                    paths.append(str(path))
                except Exception as exc:  # noqa: BLE001 - a dead page must not hide the failure
                    paths.append(f"(no screenshot of page {number}: {exc})")
        if paths:
            listing = "\n".join(paths) + f"\n(all screenshots of this session: {shots})"
            item.add_report_section(call.when, "browser screenshots", listing)
            print(f"\nbrowser screenshots: {', '.join(paths)}")
    yield
