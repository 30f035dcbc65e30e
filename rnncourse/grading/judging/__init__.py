"""Judge: verdicts computed outside the kernel from its plain outputs, one submission at a time
(the worker), with recovery after a crash and the typed results."""
