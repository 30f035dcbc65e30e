"""The hub's users, from its REST API, as the dashboard's service token sees them.

The service needs the scopes ``list:users`` and ``read:users`` (the hub's configuration gives
them to the ``rnncourse-dashboard`` service's role). Pages of the user list are followed to the
end, so a room of any size is listed whole.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from tornado.httpclient import AsyncHTTPClient, HTTPRequest

PAGE = 200
PAGINATION = "application/jupyterhub-pagination+json"


class HubUsers:
    """``await HubUsers(api_url, token)()`` -> the hub's users (``name``, ``admin``, ...).

    Parameters
    ----------
    api_url : str, the hub's API root, e.g. ``http://127.0.0.1:8081/hub/api`` (the service's
        ``JUPYTERHUB_API_URL``)
    token : str, the service's API token (``JUPYTERHUB_API_TOKEN``)
    """

    def __init__(self, api_url, token, timeout=10.0):
        self.api_url, self.token, self.timeout = api_url.rstrip("/"), token, timeout

    async def __call__(self) -> list:
        client = AsyncHTTPClient()
        users, offset = [], 0
        while True:
            url = f"{self.api_url}/users?{urlencode({'offset': offset, 'limit': PAGE})}"
            response = await client.fetch(HTTPRequest(
                url, headers={"Authorization": f"token {self.token}", "Accept": PAGINATION},
                request_timeout=self.timeout))
            body = json.loads(response.body)
            if isinstance(body, list):  # a hub without pagination answers with the whole list
                return body
            items = body.get("items") or []
            users.extend(items)
            following = (body.get("_pagination") or {}).get("next")
            if not following or not items:
                return users
            offset = following.get("offset", offset + len(items))


__all__ = ["HubUsers"]
