"""The hub-managed services of the workshop room, named and started from this one place.

``rnncourse-dashboard`` (the instructor's live view, ``python -m rnncourse.hub.dashboard``, reading
learners' progress from ``RNNCOURSE_HUB_HOMES``; only admins may open it) and ``idle-culler``
(jupyterhub-idle-culler, stopping servers idle longer than the timeout). The single-machine config
and the Zero to JupyterHub values both take the names and commands from here.
"""

from __future__ import annotations

import sys

DASHBOARD = "rnncourse-dashboard"
DASHBOARD_MODULE = "rnncourse.hub.dashboard"
HOMES_VARIABLE = "RNNCOURSE_HUB_HOMES"
CULLER = "idle-culler"
INSTRUCTOR_ROLE = "rnncourse-instructor"
# What the dashboard may do with the hub's API: list the learners and read their names.
DASHBOARD_SCOPES = ["list:users", "read:users"]
# What jupyterhub-idle-culler needs (its README's role for culling servers only).
CULLER_SCOPES = ["list:users", "read:users:activity", "read:servers", "delete:servers"]


def dashboard_command(python: str = sys.executable) -> list[str]:
    """The command that starts the dashboard service with interpreter ``python``."""
    return [python, "-m", DASHBOARD_MODULE]


MAX_CULL_INTERVAL = 300
"""Seconds between the culler's looks at most; a server is stopped at most this long after its timeout."""


def cull_interval(timeout_seconds: int) -> int:
    """Seconds between the culler's looks: half the timeout (the culler's own default), but at least 1
    (its default of 0 for a 1 s timeout would stop it) and at most :data:`MAX_CULL_INTERVAL`."""
    return max(1, min(int(timeout_seconds) // 2, MAX_CULL_INTERVAL))


def culler_command(timeout_seconds: int, python: str = sys.executable) -> list[str]:
    """The command that starts jupyterhub-idle-culler with its idle timeout in seconds."""
    return [python, "-m", "jupyterhub_idle_culler", f"--timeout={int(timeout_seconds)}",
            f"--cull-every={cull_interval(timeout_seconds)}"]


def service_definitions(homes_root: str, dashboard_port: int, idle_timeout: int | None,
                        python: str = sys.executable, dashboard: bool = True) -> list[dict]:
    """``c.JupyterHub.services``: the dashboard on a loopback port (unless ``dashboard`` is False),
    and the idle culler if a timeout is set."""
    services = [] if not dashboard else [{
        "name": DASHBOARD,
        "url": f"http://127.0.0.1:{int(dashboard_port)}",
        "command": dashboard_command(python),
        "environment": {HOMES_VARIABLE: str(homes_root)},
        "oauth_no_confirm": True,
    }]
    if idle_timeout:
        services.append({"name": CULLER, "command": culler_command(idle_timeout, python)})
    return services


def role_definitions(admin: str, idle_timeout: int | None, dashboard: bool = True) -> list[dict]:
    """``c.JupyterHub.load_roles``: the services' API scopes and the instructor's access to the dashboard.

    Learners get nothing beyond JupyterHub's default ``user`` role (scope ``self``), so the
    dashboard answers them 403.
    """
    roles = [] if not dashboard else [
        {"name": DASHBOARD, "description": "the workshop dashboard reads who is in the room",
         "scopes": list(DASHBOARD_SCOPES), "services": [DASHBOARD]},
        {"name": INSTRUCTOR_ROLE, "description": "opens the workshop dashboard",
         "scopes": [f"access:services!service={DASHBOARD}"], "users": [admin]},
    ]
    if idle_timeout:
        roles.append({"name": CULLER, "description": "stops idle learners' servers",
                      "scopes": list(CULLER_SCOPES), "services": [CULLER]})
    return roles
