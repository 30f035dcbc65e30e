"""Root pytest configuration: pin BLAS to one thread so notebook outputs match to the last digit,
and keep the tests' checks out of the real progress file.

Set before any kernel starts (nbval kernels inherit this process's environment) and before
numpy is imported by the tests. ``check()`` records each verdict in ``~/.rnncourse``; the suite
runs thousands, so recording is off (``RNNCOURSE_PROGRESS=off``) except in the tests of
recording, which turn it on for a temporary folder.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

os.environ["RNNCOURSE_PROGRESS"] = "off"
