"""hub.dashboard.app: the page and api/room, for admins only, without a hub (injected identity)."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from room_fixtures import Served, make_home, users, verdict

from rnncourse.hub.dashboard import make_app
from rnncourse.hub.dashboard.service import settings_from_env
from rnncourse.hub.room import Room

ADMIN = {"name": "teacher", "admin": True, "kind": "user"}


def identify(handler):
    """The tests' stand-in for the hub's login: X-Test-User teacher is the admin, nobody else."""
    return ADMIN if handler.request.headers.get("X-Test-User") == "teacher" else None


@pytest.fixture
def homes(tmp_path):
    root = tmp_path / "homes"
    root.mkdir()
    make_home(root, "ann", [verdict("rnn_backward", True)])
    make_home(root, "bob", [verdict("rnn_backward", False, "overwrite_shared")])
    return root


@pytest.fixture
def served(homes):
    calls = []

    async def list_users():
        calls.append(1)
        return users("ann", "bob", "cy")

    server = Served(make_app(homes, list_users, prefix="/services/rnncourse-dashboard/",
                             identify=identify, min_interval=0.0))
    server.calls = calls
    yield server
    server.stop()


def get(url, user="teacher"):
    request = urllib.request.Request(url, headers={"X-Test-User": user} if user else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_the_room_json_has_the_agreed_shape(served):
    status, headers, body = get(served.url + "services/rnncourse-dashboard/api/room")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert headers["Cache-Control"] == "no-store"
    data = json.loads(body)
    assert {"learners", "exercises", "summary", "generated"} <= set(data)
    bob = next(r for r in data["learners"] if r["name"] == "bob")
    assert bob["anonymous"] is False
    assert bob["cells"]["rnn_backward"]["state"] == "failing"
    assert bob["cells"]["rnn_backward"]["mistake"] == "overwrite_shared"
    assert set(bob["cells"]) == set(data["exercises"])
    summary = data["summary"]["rnn_backward"]
    assert (summary["passed"], summary["failing"], summary["not_started"]) == (1, 1, 1)
    assert summary["top_mistake"]["id"] == "overwrite_shared"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", data["generated"])


def test_the_page_is_self_contained_and_locked_down(served):
    status, headers, body = get(served.url + "services/rnncourse-dashboard/")
    html = body.decode()
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    nonce = re.search(r"script-src 'nonce-([^']+)'", headers["Content-Security-Policy"]).group(1)
    assert f'<script nonce="{nonce}">' in html and f'<style nonce="{nonce}">' in html
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing from elsewhere
    assert "{{" not in html and "const REFRESH_MS = 2000;" in html
    assert headers["X-Frame-Options"] == "DENY"
    again = get(served.url + "services/rnncourse-dashboard/")[1]["Content-Security-Policy"]
    assert again != headers["Content-Security-Policy"]  # a fresh nonce per response
    status, headers, _ = get(served.url + "services/rnncourse-dashboard")
    assert status == 200  # followed the redirect to the trailing slash


@pytest.mark.parametrize("user", [None, "ann", "<img src=x onerror=alert(1)>"])
def test_anyone_but_the_admin_gets_403(served, user):
    for path in ("", "api/room"):
        status, _, body = get(served.url + "services/rnncourse-dashboard/" + path, user)
        assert status == 403 and b"ann" not in body


def test_a_room_of_pollers_shares_one_pass_over_the_homes(homes):
    passes = []

    class CountingRoom(Room):
        def snapshot(self, hub_users):
            passes.append(threading.get_ident())
            return super().snapshot(hub_users)

    async def list_users():
        return users("ann", "bob")

    server = Served(make_app(homes, list_users, identify=identify, min_interval=30.0,
                             room=CountingRoom(homes)))
    try:
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda _: get(server.url + "api/room")[0], range(40)))
    finally:
        server.stop()
    assert results == [200] * 40 and len(passes) == 1


def test_make_app_wants_exactly_one_way_to_identify(homes):
    async def nobody():
        return []

    with pytest.raises(ValueError, match="either hub_auth"):
        make_app(homes, nobody)


def test_the_service_settings_come_from_the_hubs_environment(homes):
    env = {"RNNCOURSE_HUB_HOMES": str(homes), "JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:10101/",
           "JUPYTERHUB_SERVICE_PREFIX": "/services/rnncourse-dashboard/",
           "JUPYTERHUB_API_URL": "http://127.0.0.1:8081/hub/api", "JUPYTERHUB_API_TOKEN": "t"}
    got = settings_from_env(env)
    assert (got["host"], got["port"], got["prefix"], got["refresh_ms"]) == (
        "127.0.0.1", 10101, "/services/rnncourse-dashboard/", 2000)
    with pytest.raises(ValueError, match="RNNCOURSE_HUB_HOMES is not set: set it to the folder"):
        settings_from_env({**env, "RNNCOURSE_HUB_HOMES": ""})
    with pytest.raises(ValueError, match=r"RNNCOURSE_HUB_HOMES='/no/such' is not a folder"):
        settings_from_env({**env, "RNNCOURSE_HUB_HOMES": "/no/such"})
    with pytest.raises(ValueError, match="JUPYTERHUB_API_TOKEN is not set"):
        settings_from_env({k: v for k, v in env.items() if k != "JUPYTERHUB_API_TOKEN"})


def test_a_slow_hub_does_not_hold_up_the_dashboard_after_its_first_answer(homes):
    """The user list is refreshed in the background: while the hub takes long to answer (busy
    starting servers), the room is served from the list already known."""
    import asyncio

    from rnncourse.hub.dashboard.app import RoomService

    answers = [users("ann"), users("ann", "bob")]
    calls = []

    async def slow_hub():
        calls.append(1)
        if len(calls) > 1:
            await asyncio.sleep(0.5)
        return answers[min(len(calls), 2) - 1]

    async def scenario():
        service = RoomService(Room(homes), slow_hub, min_interval=0.0)
        first = await service.snapshot()
        service._users_at -= 10  # stale: the next request starts a refresh
        second = await service.snapshot()  # answered at once, from the known list
        await asyncio.sleep(0.7)
        third = await service.snapshot()
        return first, second, third

    first, second, third = asyncio.run(scenario())
    names = [[r["name"] for r in snap["learners"]] for snap in (first, second, third)]
    assert names == [["ann"], ["ann"], ["ann", "bob"]] and len(calls) == 2


class SlowHubAuth:
    """A stand-in for HubOAuth whose answer for the token "slow" waits until released."""

    login_url = "/hub/login"
    access_scopes = {"access:services!service=rnncourse-dashboard"}
    base_url = "/"

    def __init__(self):
        self.release = None  # an asyncio.Event of the server's loop, made on first use

    def get_user(self, handler, *, sync=True):
        assert not sync, "the dashboard must not ask the hub synchronously"
        token = handler.request.headers.get("Authorization", "").removeprefix("token ")

        async def answer():
            import asyncio

            if token == "slow":
                self.release = self.release or asyncio.Event()
                await self.release.wait()
            scopes = ["access:services!service=rnncourse-dashboard"] if token != "learner" else []
            return {"name": token, "kind": "user", "admin": token != "learner", "scopes": scopes}

        return answer()

    def check_scopes(self, required, model):
        return set(required) & set(model["scopes"])

    def check_xsrf_cookie(self, handler):
        return None

    def _persist_url_token_if_set(self, handler):
        return None


def test_a_slow_answer_from_the_hub_holds_up_no_other_request(homes):
    """The hub is asked asynchronously: while it takes long to answer for one caller, others are
    served (here the hub's answer for "slow" waits until the test releases it)."""
    import threading

    async def list_users():
        return users("ann")

    auth = SlowHubAuth()
    server = Served(make_app(homes, list_users, hub_auth=auth, cookie_secret=b"s" * 32))
    url = server.url + "api/room"

    def call(token):
        request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    try:
        slow = {}
        waiting = threading.Thread(target=lambda: slow.setdefault("status", call("slow")))
        waiting.start()
        while auth.release is None:  # the slow request is inside the hub check now
            threading.Event().wait(0.05)
        assert call("teacher") == 200 and call("learner") == 403  # answered meanwhile
        assert "status" not in slow
        server.loop.call_soon_threadsafe(auth.release.set)
        waiting.join(30)
        assert slow["status"] == 200
    finally:
        server.stop()


def test_started_outside_a_hub_the_service_says_what_is_missing(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items()
           if not k.startswith("JUPYTERHUB_") and k != "RNNCOURSE_HUB_HOMES"}
    proc = subprocess.run([sys.executable, "-m", "rnncourse.hub.dashboard"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert ("rnncourse dashboard: RNNCOURSE_HUB_HOMES is not set: set it to the folder of the "
            "learners' homes") in proc.stderr
