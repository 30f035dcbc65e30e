"""Load: the course file, the submitted notebooks (validated, named, assigned a lesson) and a
snapshot of the course package, before anything runs."""
