"""The JupyterHub spawner of the workshop room: each learner's JupyterLab as their own Unix user.

:class:`LearnerSpawner` is JupyterHub's LocalProcessSpawner with three changes: hub user ``ada``
runs as Unix user ``rc-ada`` in ``<homes>/rc-ada`` (created on the first start, see
``accounts``), the home gets the lessons before each start (``content``: never overwriting), and
the server runs under the learner's memory limit (``limits``).
"""

from __future__ import annotations

import asyncio
import os

from jupyterhub.spawner import LocalProcessSpawner, set_user_setuid
from traitlets import Unicode

from rnncourse.hub import accounts, content, limits


class LearnerSpawner(LocalProcessSpawner):
    """Start a learner's single-user server as ``rc-<name>`` in a private home holding the lessons."""

    homes_root = Unicode(help="folder holding the learners' homes (<homes_root>/rc-<name>)").tag(config=True)
    lessons_dir = Unicode("", help="the course's lessons, copied into each new home; empty: none").tag(config=True)

    def _account(self):
        return accounts.ensure_account(self.user.name, self.homes_root)

    async def start(self):
        """Make the account and home if needed, copy the lessons, then start the server."""
        loop = asyncio.get_running_loop()
        entry = await loop.run_in_executor(None, self._account)
        if self.lessons_dir:
            report = await loop.run_in_executor(None, content.give_lessons, entry, self.lessons_dir)
            self.log.info("lessons for %s: %d copied, %d already there", entry.pw_name,
                          len(report["copied"]), len(report["skipped"]))
        return await super().start()

    def make_preexec_fn(self, name):
        """Become ``rc-<name>`` in their home, with the memory limit set first (the learner cannot raise it)."""
        become = set_user_setuid(accounts.unix_name(name))
        limit = int(self.mem_limit) if self.mem_limit else None

        def preexec():
            limits.limit_address_space(limit)
            os.umask(0o077)
            become()

        return preexec

    def user_env(self, env):
        """USER, HOME and SHELL of the learner's Unix account."""
        import pwd

        entry = pwd.getpwnam(accounts.unix_name(self.user.name))
        env.update(USER=entry.pw_name, HOME=entry.pw_dir, SHELL=entry.pw_shell)
        return env
