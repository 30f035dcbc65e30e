"""The dashboard's page in real Chromium: hostile names and files stay text, the room updates live,
and 100 learners fit one projector screen."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))

from labdriver import headless_chromium, is_external, require_browser_tools  # noqa: E402
from room_fixtures import SCRIPT_NAME, XSS_NAME, Served, make_home, users, verdict  # noqa: E402

from rnncourse.checks.mistakes import mistake_message  # noqa: E402
from rnncourse.hub.dashboard import make_app  # noqa: E402
from rnncourse.progress import record  # noqa: E402

pytestmark = pytest.mark.browser


def admin(handler):
    return {"name": "teacher", "admin": True, "kind": "user"}


@pytest.fixture(scope="module")
def browser():
    require_browser_tools(pytest)
    with headless_chromium() as chromium:
        yield chromium


def serve(root, names, refresh_ms=300):
    async def list_users():
        return users(*names)

    return Served(make_app(root, list_users, identify=admin, refresh_ms=refresh_ms,
                           min_interval=0.0))


def open_page(browser, url, viewport=(1600, 1000)):
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    seen = {"dialogs": [], "errors": [], "external": []}
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("request", lambda r: seen["external"].append(r.url) if is_external(r.url) else None)
    page.goto(url)
    page.wait_for_selector("table.block tbody tr")
    return context, page, seen


def test_hostile_names_and_a_hand_edited_file_are_shown_as_text_and_never_run(browser, tmp_path):
    root = tmp_path / "homes"
    assert make_home(root, XSS_NAME) is None  # no account can have such a name: no home
    make_home(root, "ann", [verdict("rnn_backward", True)])
    make_home(root, "cy", [verdict("rnn_backward", False, "overwrite_shared")])
    forged = (b'{"v":1,"id":"<img src=x onerror=alert(2)>","lesson":"04_bptt","passed":true,'
              b'"mistake":null,"points":3,"possible":3,"knock_on":null,"time":"2026-12-08T01:00:00Z"}\n'
              b'{"v":1,"id":"rnn_backward","lesson":"04_bptt","passed":false,'
              b'"mistake":"<script>alert(3)</script>","points":0,"possible":3,"knock_on":null,'
              b'"time":"2026-12-08T01:00:00Z"}\n\x00\xff<svg onload=alert(4)>\n')
    make_home(root, "bob", [verdict("rnn_backward", False, "overwrite_shared")], raw=forged)
    server = serve(root, [XSS_NAME, SCRIPT_NAME, "ann", "bob", "cy"])
    try:
        context, page, seen = open_page(browser, server.url)
        page.wait_for_timeout(1000)  # several refreshes
        names = page.locator("table.block tbody th").all_inner_texts()
        assert XSS_NAME in names and SCRIPT_NAME in names
        assert any(n.startswith("bob") and "⚠" in n for n in names)
        assert page.locator("img").count() == 0 and page.locator("table script").count() == 0
        assert page.evaluate("window.__pwned") is None
        assert seen["dialogs"] == [] and seen["errors"] == [] and seen["external"] == []
        row = page.locator("table.block tbody tr", has_text="bob")
        bob_cell = row.locator("td[title*='rnn_backward:']")
        assert bob_cell.inner_text() == "✗" and "failing" in bob_cell.get_attribute("class")
        explain = page.locator("#explain").inner_text()
        assert "2 learners on rnn_backward — overwrite_shared" in explain
        assert mistake_message("rnn_backward", "overwrite_shared")[:60] in explain
        card = page.locator("article.card", has_text="rnn_backward")
        assert card.locator("svg rect").count() == 3  # passed, failing, not started
        assert "✓ 1 passed · ✗ 2 failing · 2 not started" in card.inner_text()
        context.close()
    finally:
        server.stop()


def test_the_grid_updates_live_without_a_reload(browser, tmp_path):
    root = tmp_path / "homes"
    home = make_home(root, "ann", [verdict("rnn_backward", False, "forward_loop")])
    make_home(root, "bob")
    server = serve(root, ["ann", "bob"])
    try:
        context, page, seen = open_page(browser, server.url)
        page.evaluate("window.__same_page = true")
        cell = page.locator("table.block tbody tr", has_text="ann").locator(
            "td[title*='rnn_backward:']")
        assert cell.inner_text() == "✗"
        record(verdict("rnn_backward", True, minute=9), home / ".rnncourse")
        page.wait_for_function(
            "() => [...document.querySelectorAll('table.block tbody tr')].some(r => "
            "r.querySelector('th').textContent === 'ann' && "
            "r.querySelector(\"td[title*='rnn_backward:']\").textContent === '✓')",
            timeout=10_000)
        assert page.evaluate("window.__same_page") is True
        assert "2 learners · updated" in page.locator("#status").inner_text()
        context.close()
    finally:
        server.stop()


def test_a_room_of_100_fits_one_1080p_screen(browser, tmp_path):
    root = tmp_path / "homes"
    names = [f"learner-{i:03d}-{'x' * (i % 17)}" for i in range(100)]
    for i, name in enumerate(names):
        make_home(root, name, [verdict("rnn_step_backward", i % 3 != 0, None if i % 3 else
                                       "Wh_not_transposed")])
    server = serve(root, names)
    try:
        context, page, seen = open_page(browser, server.url, viewport=(1920, 1080))
        boxes = page.evaluate(
            "() => [...document.querySelectorAll('table.block tbody th, table.block td')]"
            ".map(e => { const b = e.getBoundingClientRect(); return [b.right, b.bottom, "
            "parseFloat(getComputedStyle(e).fontSize)]; })")
        assert len([b for b in boxes]) >= 100 * 7
        assert max(b[0] for b in boxes) <= 1920 and max(b[1] for b in boxes) <= 1080
        assert min(b[2] for b in boxes) >= 13  # readable from the back of the room
        assert page.locator("table.block tbody tr").count() == 100
        context.close()
    finally:
        server.stop()
