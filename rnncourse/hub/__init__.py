"""The workshop room: JupyterHub for a class, and the instructor's live view of where it is stuck.

- :mod:`~rnncourse.hub.accounts`: a hub login name -> the learner's Unix user and home;
- :mod:`~rnncourse.hub.room`: every learner's progress file folded into the room's grid and
  per-exercise summary;
- :mod:`~rnncourse.hub.dashboard`: the dashboard, a JupyterHub service (admins only) that shows
  the room live.
"""
