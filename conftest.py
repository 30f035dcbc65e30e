"""Root pytest configuration: pin BLAS to one thread so notebook outputs match to the last digit.

Set before any kernel starts (nbval kernels inherit this process's environment) and before
numpy is imported by the tests.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"
