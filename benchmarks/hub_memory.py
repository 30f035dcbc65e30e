"""Memory of one learner on the workshop hub: their idle JupyterLab server, and a kernel that has
run lesson 06 (the heaviest lesson; its solution, so every cell does its full work) to the end.
Prints RSS and PSS in MiB.

Runs as root on a machine ready for the hub (`rnncourse doctor --hub`): starts `rnncourse hub
start` on loopback in a scratch folder, logs one learner in over HTTP (their server starts as
their own Unix user), measures, then runs lesson 06 in a kernel of the learners' Python as that
user and measures the kernel. Removes the learner's account afterwards.

    python benchmarks/hub_memory.py
"""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "hub"))

from hubdriver import Hub, descendants, learner_python, log_in, processes_of, remove_learners, wait_until  # noqa: E402

NAME = f"memprobe-{os.getpid()}"
MIB = 1024 * 1024

KERNEL_SCRIPT = r'''
import json, sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
client = NotebookClient(nb, kernel_name="python3", timeout=1200, allow_errors=True,
                        resources={"metadata": {"path": sys.argv[2]}})
with client.setup_kernel():
    client.execute_cell(nbformat.v4.new_code_cell("import rnncourse, numpy, matplotlib.pyplot"), 0)
    def memory():
        cell = nbformat.v4.new_code_cell(
            "import os, re, resource, json\n"
            "t = open('/proc/self/smaps_rollup').read()\n"
            "v = {k: int(re.search(k + r':\\s+(\\d+) kB', t).group(1)) for k in ('Rss', 'Pss')}\n"
            "v['peak_rss'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "v['peak_address_space'] = int(re.search(r'VmPeak:\\s+(\\d+) kB',\n"
            "                                        open('/proc/self/status').read()).group(1))\n"
            "print(json.dumps(v))")
        client.execute_cell(cell, 0)
        return json.loads(cell.outputs[-1]["text"].strip().splitlines()[-1])
    after_imports = memory()
    errors = 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            client.execute_cell(cell, index)
            errors += any(o.get("output_type") == "error" for o in cell.outputs)
    print(json.dumps({"after_imports": after_imports, "after_lesson_06": memory(), "errors": errors}))
'''


def smaps(pid: int) -> dict:
    text = Path(f"/proc/{pid}/smaps_rollup").read_text() + Path(f"/proc/{pid}/status").read_text()
    return {key: int(re.search(key + r":\s+(\d+) kB", text).group(1)) * 1024 for key in ("Rss", "Pss", "VmPeak")}


def main() -> int:
    python = learner_python()
    hub = Hub(python=python, extra_args=["--no-dashboard"])
    try:
        hub.start()
        log_in(hub, NAME, hub.password)
        entry = pwd.getpwnam("rc-" + NAME)
        servers = wait_until(lambda: [p for p in processes_of({entry.pw_uid}) if "singleuser" in p[2]], 120)
        time.sleep(10)  # let the server settle after start-up
        server = smaps(servers[0][0])
        print(f"idle JupyterLab server: RSS {server['Rss'] / MIB:.0f} MiB, PSS {server['Pss'] / MIB:.0f} MiB, "
              f"peak address space {server['VmPeak'] / MIB:.0f} MiB")
        own = [hub.process.pid] + [pid for pid in descendants(hub.process.pid)
                                   if Path(f"/proc/{pid}").stat().st_uid == 0]
        total = sum(smaps(pid)["Pss"] for pid in own)
        print(f"the hub itself (rnncourse hub, JupyterHub, proxy, culler; {len(own)} processes): "
              f"PSS {total / MIB:.0f} MiB")
        home = Path(entry.pw_dir)

        def become():
            os.setgroups([])
            os.setgid(entry.pw_gid)
            os.setuid(entry.pw_uid)

        env = {k: v for k, v in os.environ.items() if k in ("PATH", "PYTHONPATH", "LANG")}
        env.update(HOME=str(home), OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MPLBACKEND="Agg")
        started = time.monotonic()
        lesson = Path(__file__).resolve().parents[1] / "solutions" / "06_gated_cells.ipynb"
        done = subprocess.run([python, "-c", KERNEL_SCRIPT, str(lesson), str(home)],
                              capture_output=True, text=True, preexec_fn=become, cwd=home, env=env)
        if done.returncode != 0:
            print(done.stderr[-3000:], file=sys.stderr)
            return 1
        kernel = json.loads(done.stdout.strip().splitlines()[-1])
        errors = kernel.pop("errors")
        for label, values in kernel.items():
            print(f"kernel {label.replace('_', ' ')}: RSS {values['Rss'] / 1024:.0f} MiB, "
                  f"PSS {values['Pss'] / 1024:.0f} MiB, peak RSS {values['peak_rss'] / 1024:.0f} MiB, "
                  f"peak address space {values['peak_address_space'] / 1024:.0f} MiB")
        print(f"(lesson 06 ran in {time.monotonic() - started:.0f} s; cells that raised: {errors})")
    finally:
        if hub.process is not None and hub.process.poll() is None:
            hub.stop()
        hub.kill_everything_left()
        remove_learners([NAME], hub.homes)
        shutil.rmtree(hub.root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
