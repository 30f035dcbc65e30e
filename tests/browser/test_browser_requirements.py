"""Without Chromium or Playwright the suite skips with the way to enable it, except under CI,
where it fails; off-machine URLs are told apart from loopback ones."""

from __future__ import annotations

import pytest

from tests.browser import labdriver

pytestmark = pytest.mark.browser


@pytest.fixture
def no_chromium(monkeypatch, tmp_path):
    monkeypatch.setattr(labdriver, "CHROMIUM", tmp_path / "no-such-chromium")


def test_missing_chromium_skips_with_the_way_to_enable_it(no_chromium, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as info:
        labdriver.require_browser_tools(pytest)
    message = str(info.value)
    assert "no-such-chromium is absent" in message
    assert "apt-get install chromium" in message and 'pip install -e ".[test]"' in message


@pytest.mark.parametrize("value", ["true", "1", "True"])
def test_missing_chromium_fails_under_ci(no_chromium, monkeypatch, value):
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="CI is set, so the suite fails"):
        labdriver.require_browser_tools(pytest)


def test_ci_false_still_skips(no_chromium, monkeypatch):
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        labdriver.require_browser_tools(pytest)


@pytest.mark.parametrize("url, external", [
    ("http://127.0.0.1:8888/lab", False), ("ws://127.0.0.1:8888/api/kernels", False),
    ("http://localhost:1/x", False), ("data:image/png;base64,AAAA", False),
    ("https://jupyterlab.github.io/assets/feed.xml", True), ("https://pypi.org/pypi/x/json", True),
])
def test_external_urls_are_recognised(url, external):
    assert labdriver.is_external(url) is external
