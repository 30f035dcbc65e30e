"""The dashboard's page: ``assets/page.html`` with the CSS and JS inlined under a per-response nonce.

Everything the page needs is in the one response (no CDN, no other request but ``api/room``); the
Content-Security-Policy lets only the nonced script and style run, so even markup that slipped
into the page could not execute.
"""

from __future__ import annotations

import secrets
from functools import cache
from pathlib import Path

ASSETS = Path(__file__).with_name("assets")


@cache
def _asset(name):
    return (ASSETS / name).read_text(encoding="utf-8")


def render_page(refresh_ms: int = 2000) -> tuple:
    """``(html, content_security_policy)`` of one response of the page."""
    nonce = secrets.token_urlsafe(18)
    html = (_asset("page.html")
            .replace("{{nonce}}", nonce)
            .replace("{{css}}", _asset("page.css"))
            .replace("{{js}}", _asset("page.js").replace("{{refresh_ms}}", str(int(refresh_ms)))))
    policy = (f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
              "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
              "frame-ancestors 'none'")
    return html, policy


__all__ = ["render_page", "ASSETS"]
