"""``rnncourse lab`` itself: it copies the lessons into a fresh workspace, starts JupyterLab there,
the server answers, and a lesson opened in Chromium shows its title.

``rnncourse lab`` takes no token option; the server reads the token from the JUPYTER_TOKEN
environment variable, and the scratch JUPYTER_CONFIG_DIR keeps it on 127.0.0.1 with no news or
update checks (see labdriver.scratch_environment).
"""

from __future__ import annotations

import secrets
import subprocess
import sys

import pytest

from tests.browser.labdriver import (
    REPO,
    NotebookPage,
    api_json,
    free_port,
    load_notebook,
    notebooks_in,
    scratch_environment,
    stop_process_group,
    wait_for_server,
)

pytestmark = pytest.mark.browser

LESSONS = notebooks_in("lessons")


def _title(notebook):
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for line in source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return None


def test_rnncourse_lab_serves_the_lessons(browser_tools, browser_context, tmp_path, screenshot_dir):
    if not LESSONS:
        pytest.skip("lessons/ has no notebooks yet")
    workspace = tmp_path / "my-work"
    env = scratch_environment(tmp_path / "scratch")
    token = secrets.token_hex(24)
    env["JUPYTER_TOKEN"] = token
    port = free_port()
    log_path = tmp_path / "rnncourse-lab.log"
    command = [sys.executable, "-m", "rnncourse", "lab", "--workspace", str(workspace),
               "--lessons", str(REPO / "lessons"), "--no-browser", "--port", str(port)]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    page = None
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(base_url, token, process, timeout=120, log_path=log_path)
        listing = api_json(base_url, token, "/api/contents")
        served = sorted(item["name"] for item in listing["content"])
        for lesson in LESSONS:
            assert lesson.name in served, f"{lesson.name} is not in the workspace served: {served}"
            assert (workspace / lesson.name).read_bytes() == lesson.read_bytes()

        first = LESSONS[0]
        title = _title(load_notebook(first))
        assert title, f"{first.name} has no '# title' markdown line"

        class _Server:  # what NotebookPage needs from a server
            def url(self, relative):
                return f"{base_url}/lab/tree/{relative}?reset&token={token}"

        page = NotebookPage(browser_context.new_page(), _Server(), first.name).open(timeout=120)
        heading = page.page.locator(".jp-NotebookPanel .jp-MarkdownOutput h1").first
        heading.wait_for(timeout=30_000)
        assert title in heading.inner_text(), f"the first heading shows {heading.inner_text()!r}"
        page.screenshot(screenshot_dir / "rnncourse-lab-first-lesson.png")
    finally:
        if page is not None:
            page.page.close()
        stop_process_group(process)
    output = log_path.read_text(errors="replace")
    assert "file(s) copied into" in output, output[-2000:]
    assert process.returncode is not None
