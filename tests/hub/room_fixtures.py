"""Learners' homes with progress files, for the room and dashboard tests (no hub needed)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from rnncourse.checks import EXERCISES
from rnncourse.hub.accounts import home_of
from rnncourse.progress import make_record, record, set_anonymous

XSS_NAME = "<img src=x onerror=alert(1)>"
SCRIPT_NAME = '"><script>window.__pwned = 1</script>'


def verdict(ex_id, passed, mistake=None, minute=0):
    """A record as check() writes it for exercise ``ex_id``."""
    ex = EXERCISES[ex_id]
    return make_record(ex_id, ex.lesson, passed, mistake, ex.points if passed else 0, ex.points,
                       time=f"2026-12-08T01:{minute:02d}:00Z")


def make_home(root, name, records=(), anonymous=None, raw=b""):
    """The home of hub user ``name`` under ``root`` with ``records`` (and ``raw`` bytes after);
    None for a name that cannot have a home (the hub's naming rule refuses it)."""
    try:
        home = home_of(name, Path(root))
    except ValueError:
        return None
    folder = home / ".rnncourse"
    home.mkdir(parents=True, exist_ok=True)
    for rec in records:
        record(rec, folder)
    if raw:
        folder.mkdir(exist_ok=True)
        with open(folder / "progress.jsonl", "ab") as fh:
            fh.write(raw)
    if anonymous is not None:
        set_anonymous(anonymous, folder)
    return home


def users(*names, admins=("teacher",)):
    """The hub's user list: ``names`` as learners plus the admins."""
    return [{"name": n, "admin": False} for n in names] + [{"name": a, "admin": True}
                                                          for a in admins]


class Served:
    """A tornado application served on a loopback port from a thread of its own."""

    def __init__(self, app):
        self.app, self.loop, self.server = app, None, None
        ready = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(ready,), daemon=True)
        self.thread.start()
        ready.wait(10)
        self.url = f"http://127.0.0.1:{self.port}/"

    def _run(self, ready):
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        self.server = self.app.listen(0, address="127.0.0.1")
        self.port = next(iter(self.server._sockets.values())).getsockname()[1]
        ready.set()
        self.loop.run_forever()

    def stop(self):
        async def close():
            self.server.stop()
            await self.server.close_all_connections()

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
