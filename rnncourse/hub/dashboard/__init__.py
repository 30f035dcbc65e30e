"""The instructor's dashboard: a JupyterHub service showing, live, where the room is stuck.

Run by the hub as ``python -m rnncourse.hub.dashboard`` (service ``rnncourse-dashboard``) with
``RNNCOURSE_HUB_HOMES`` set to the folder of the learners' homes and JupyterHub's usual service
environment. Only users with the ``access:services!service=rnncourse-dashboard`` scope (the hub's
admins) get in, through the hub's own OAuth login; everyone else gets 403.

- :mod:`~rnncourse.hub.dashboard.app`: the tornado application (the page at the service's root,
  ``api/room`` with the room's JSON), constructible with any user lister and identity check so
  it runs without a hub in tests;
- :mod:`~rnncourse.hub.dashboard.users`: the hub's users, from its REST API;
- :mod:`~rnncourse.hub.dashboard.page`: the self-contained page (HTML, CSS and JS from
  ``assets/``, inlined; no CDN);
- :mod:`~rnncourse.hub.dashboard.service`: the service's entry point.
"""

from rnncourse.hub.dashboard.app import SERVICE_NAME, make_app

__all__ = ["make_app", "SERVICE_NAME"]
