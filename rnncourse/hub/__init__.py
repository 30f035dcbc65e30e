"""The workshop room: one JupyterHub for a class, each learner in their own Unix account, and the
instructor's live view of where the room is stuck.

Modules, one step each: ``accounts`` (hub names -> Unix users and homes), ``content`` (lessons and
fixed lessons copied into homes, as the learner), ``limits`` (memory limit of a learner's server),
``spawner`` (the JupyterHub spawner that puts them together), ``services`` (the dashboard and the
idle culler as hub-managed services, named in one place), ``config`` (the hub's state folder and
its generated ``jupyterhub_config.py``), ``requirements`` (what this machine needs, for
``rnncourse doctor --hub``), ``cleanup`` (what is left running if JupyterHub dies), ``room``
(every learner's progress file folded into the room's grid and per-exercise summary) and
``dashboard`` (the instructor's dashboard, a hub service).
``kubernetes/`` holds the Zero to JupyterHub values and the image recipe for classes larger than
one machine.
"""
