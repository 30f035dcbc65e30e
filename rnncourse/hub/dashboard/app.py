"""The dashboard's tornado application: the page, ``api/room``, and who may see them.

:func:`make_app` takes the two things that tie it to a hub as arguments, so the same application
runs behind JupyterHub and in tests:

- ``list_users``: an async callable returning the hub's users (dicts with ``name``, ``admin``);
  behind a hub, :class:`rnncourse.hub.dashboard.users.HubUsers`;
- ``hub_auth``: a :class:`jupyterhub.services.auth.HubOAuth` (the hub's login, its OAuth
  callback at ``<prefix>oauth_callback``, 403 without the service's access scope), or, for tests,
  ``identify``: a function ``handler -> user model or None`` (None gives 403).

The room is computed in a worker thread at most once per ``min_interval`` seconds and shared by
every request in between, so a room of pollers costs one pass over the homes.
"""

from __future__ import annotations

import asyncio
import json
import time

from tornado import web

from rnncourse.hub.dashboard.page import render_page
from rnncourse.hub.room import Room

SERVICE_NAME = "rnncourse-dashboard"
USERS_TTL = 5.0
"""Seconds the hub's user list is reused before it is asked again."""


class RoomService:
    """The shared state: the :class:`~rnncourse.hub.room.Room`, the user list and the last snapshot.

    The hub's user list is refreshed in the background once it is older than :data:`USERS_TTL`:
    a hub busy starting thirty servers may take many seconds to answer, and the dashboard keeps
    answering from the list it has meanwhile (only the very first request waits for the hub).
    """

    def __init__(self, room, list_users, min_interval=0.5):
        self.room, self.list_users, self.min_interval = room, list_users, min_interval
        self._users, self._users_at, self._refreshing = None, 0.0, None
        self._snapshot, self._snapshot_at = None, 0.0
        self._lock = asyncio.Lock()

    async def _refresh_users(self):
        try:
            self._users = list(await self.list_users())
            self._users_at = time.monotonic()
        finally:
            self._refreshing = None

    async def users(self):
        """The hub's users: the last list fetched, refreshed in the background when stale."""
        if self._refreshing is None and (self._users is None
                                         or time.monotonic() - self._users_at > USERS_TTL):
            self._refreshing = asyncio.ensure_future(self._refresh_users())
        if self._users is None:
            await asyncio.shield(self._refreshing)
        return self._users

    async def snapshot(self):
        """The room's JSON, at most ``min_interval`` seconds old."""
        async with self._lock:
            if self._snapshot is None or time.monotonic() - self._snapshot_at >= self.min_interval:
                users = await self.users()
                loop = asyncio.get_running_loop()
                self._snapshot = await loop.run_in_executor(None, self.room.snapshot, users)
                self._snapshot_at = time.monotonic()
            return self._snapshot


class _Secured(web.RequestHandler):
    """Headers every response carries: nothing is cached, sniffed, framed or referred."""

    def set_default_headers(self):
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("X-Frame-Options", "DENY")
        self.set_header("Cache-Control", "no-store")


class _HubIdentity:
    """Who is asking, checked with the hub without blocking the dashboard.

    :class:`~jupyterhub.services.auth.HubOAuthenticated` asks the hub in ``get_current_user``,
    which tornado calls synchronously: while the hub is slow to answer (busy starting a room of
    servers) every other request of the dashboard would wait too. Here the hub is asked in an
    asynchronous ``prepare`` and the answer stored where ``get_current_user`` looks first; the
    scope check (``check_hub_user``) and the 403 for users without it are the mixin's own.
    """

    async def prepare(self):
        from jupyterhub.services.auth import UserNotAllowed

        model = await self.hub_auth.get_user(self, sync=False)
        if model is None:
            self._hub_auth_user_cache = None
            return
        try:
            self._hub_auth_user_cache = self.check_hub_user(model)
        except UserNotAllowed as exc:
            self._hub_auth_user_cache = None
            raise web.HTTPError(403, f"{model.get('kind', 'user')} {model.get('name')} is not "
                                     "allowed to open the dashboard") from exc
        self.hub_auth._persist_url_token_if_set(self)


class _TestIdentity:
    """Identity for tests: ``settings["identify"](handler)``; no user is a 403, not a redirect."""

    def get_current_user(self):
        return self.settings["identify"](self)

    def get_login_url(self):
        raise web.HTTPError(403)


class _PageMixin:
    @web.authenticated
    def get(self):
        html, policy = render_page(self.settings["refresh_ms"])
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Content-Security-Policy", policy)
        self.finish(html)


class _RoomMixin:
    @web.authenticated
    async def get(self):
        data = await self.settings["room_service"].snapshot()
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(data, ensure_ascii=True))


def make_app(homes_root, list_users, *, prefix="/", hub_auth=None, identify=None,
             refresh_ms=2000, min_interval=0.5, room=None, cookie_secret=None) -> web.Application:
    """The dashboard application serving under ``prefix`` (ending in ``/``).

    Give ``hub_auth`` (behind a hub) or ``identify`` (tests), not both.
    """
    if (hub_auth is None) == (identify is None):
        raise ValueError("give make_app either hub_auth (behind JupyterHub) or identify (tests)")
    if not prefix.endswith("/"):
        prefix += "/"
    settings = {"room_service": RoomService(room or Room(homes_root), list_users, min_interval),
                "refresh_ms": refresh_ms, "compress_response": True,
                "cookie_secret": cookie_secret}
    if hub_auth is not None:
        from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated

        base = (_HubIdentity, HubOAuthenticated, _Secured)
        settings.update(hub_auth=hub_auth, login_url=hub_auth.login_url)
        extra = [(prefix + "oauth_callback", HubOAuthCallbackHandler)]
    else:
        base = (_TestIdentity, _Secured)
        settings["identify"] = identify
        extra = []
    page = type("PageHandler", (_PageMixin, *base), {})
    api = type("RoomApiHandler", (_RoomMixin, *base), {})
    if hub_auth is not None:
        page.hub_auth = api.hub_auth = hub_auth
    routes = [(prefix, page), (prefix + "api/room", api), *extra]
    if prefix != "/":
        routes.append((prefix.rstrip("/"), web.RedirectHandler, {"url": prefix}))
    return web.Application(routes, **settings)


__all__ = ["make_app", "RoomService", "SERVICE_NAME"]
