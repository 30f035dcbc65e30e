"""The dashboard as a JupyterHub-managed service: read the service environment, serve, stop cleanly.

The hub starts it (``python -m rnncourse.hub.dashboard``) with

- ``RNNCOURSE_HUB_HOMES``: the folder holding every learner's home (required);
- ``JUPYTERHUB_SERVICE_URL``: where to listen (``http://127.0.0.1:PORT/``);
- ``JUPYTERHUB_SERVICE_PREFIX``: the path the hub's proxy routes here
  (``/services/rnncourse-dashboard/``);
- ``JUPYTERHUB_API_URL`` and ``JUPYTERHUB_API_TOKEN``: to list the users and check logins;
- ``RNNCOURSE_DASHBOARD_REFRESH`` (optional): seconds between the page's updates (default 2).

SIGTERM and SIGINT stop it (the hub sends SIGTERM when it stops).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import sys
from pathlib import Path
from urllib.parse import urlparse

from rnncourse.hub.dashboard.app import make_app
from rnncourse.hub.dashboard.users import HubUsers

HOMES_ENV = "RNNCOURSE_HUB_HOMES"


def settings_from_env(env=None) -> dict:
    """The service's settings from its environment.

    Raises
    ------
    ValueError
        naming the missing or bad variable and what to set it to.
    """
    env = os.environ if env is None else env
    homes = env.get(HOMES_ENV)
    if not homes:
        raise ValueError(f"{HOMES_ENV} is not set: set it to the folder of the learners' homes "
                         "(rnncourse hub sets it when it starts the dashboard)")
    if not Path(homes).is_dir():
        raise ValueError(f"{HOMES_ENV}={homes!r} is not a folder; set it to the folder of the "
                         "learners' homes")
    for name in ("JUPYTERHUB_SERVICE_URL", "JUPYTERHUB_API_URL", "JUPYTERHUB_API_TOKEN"):
        if not env.get(name):
            raise ValueError(f"{name} is not set: the dashboard runs as a JupyterHub service "
                             "(python -m rnncourse.hub.dashboard, started by the hub)")
    url = urlparse(env["JUPYTERHUB_SERVICE_URL"])
    try:
        refresh = float(env.get("RNNCOURSE_DASHBOARD_REFRESH", "2"))
    except ValueError:
        raise ValueError("RNNCOURSE_DASHBOARD_REFRESH must be a number of seconds, e.g. 2") from None
    return {"homes": Path(homes), "host": url.hostname or "127.0.0.1", "port": url.port or 80,
            "prefix": env.get("JUPYTERHUB_SERVICE_PREFIX", "/"),
            "api_url": env["JUPYTERHUB_API_URL"], "token": env["JUPYTERHUB_API_TOKEN"],
            "refresh_ms": int(max(refresh, 0.5) * 1000)}


async def serve(settings) -> None:
    """Serve until SIGTERM or SIGINT."""
    from jupyterhub.services.auth import HubOAuth

    auth = HubOAuth.instance(api_token=settings["token"])
    app = make_app(settings["homes"], HubUsers(settings["api_url"], settings["token"]),
                   prefix=settings["prefix"], hub_auth=auth, refresh_ms=settings["refresh_ms"],
                   cookie_secret=secrets.token_bytes(32))
    server = app.listen(settings["port"], address=settings["host"], xheaders=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"rnncourse dashboard: serving {settings['prefix']} on "
          f"{settings['host']}:{settings['port']}, homes in {settings['homes']}", flush=True)
    await stop.wait()
    server.stop()
    await server.close_all_connections()


def main(argv=None) -> int:
    """Start the service from the environment; 2 when it is not set up, 0 when stopped."""
    try:
        settings = settings_from_env()
    except ValueError as exc:
        print(f"rnncourse dashboard: {exc}", file=sys.stderr)
        return 2
    asyncio.run(serve(settings))
    return 0


__all__ = ["main", "serve", "settings_from_env", "HOMES_ENV"]
