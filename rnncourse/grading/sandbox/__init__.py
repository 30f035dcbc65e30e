"""Execute: a student's notebook runs in its own kernel, contained (bubblewrap by default), and
receives only the harness code that calls its functions."""
