"""A room under load: 30 simulated learners on one hub run lesson 04's check cells at once.

No browser: each learner logs in through the hub's login form, makes an API token, starts their
server through the hub's REST API, opens a kernel in it and runs, over the kernel's websocket
protocol, lesson 04's two exercises (right, or with a named mistake) and a self-check question,
exactly as the lesson's check cells call them. Meanwhile the instructor polls the dashboard's
``api/room`` twice a second. The run then checks that

- every verdict a learner's kernel printed is on the dashboard, in that learner's row (none lost,
  none attributed to someone else), and how long after the last cell it got there;
- the dashboard answered every poll (and how fast: median, 95th percentile, worst);
- stopping the hub (Ctrl-C, as an instructor would) leaves no learner process, proxy or service.

It prints the time for the room to finish, the memory of each learner (PSS of their server and
kernel) and the dashboard's latency, and exits 1 if a verdict was lost or misattributed or
anything was left running. Needs root (learners are Unix users), JupyterHub, Node.js and
configurable-http-proxy, like ``rnncourse hub``; it creates the learners' accounts and removes
them afterwards (their homes go with the scratch root).

    sudo python benchmarks/room_load.py [--learners 30] [--keep-root]
"""

from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import json
import os
import re
import shutil
import signal
import statistics
import sys
import time
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "hub"))  # hubdriver: starting `rnncourse hub` on loopback

import nbformat  # noqa: E402
from hubdriver import Hub, learner_python, processes_of, remove_learners, require_hub_tools  # noqa: E402

from rnncourse.hub import accounts, services  # noqa: E402

DASHBOARD = f"/services/{services.DASHBOARD}/api/room"
POLL_SECONDS = 0.5


# ---------------------------------------------------------------- what each learner runs
def lesson_cells():
    """Lesson 04's check cells and the solution's two functions, with one named mistake each."""
    lesson = nbformat.read(REPO / "lessons" / "04_bptt.ipynb", as_version=4)
    solution = nbformat.read(REPO / "solutions" / "04_bptt.ipynb", as_version=4)

    def cell(nb, start):
        return next(c.source for c in nb.cells if c.cell_type == "code" and c.source.startswith(start))

    step, seq = cell(solution, "def rnn_step_backward"), cell(solution, "def rnn_backward")
    wrong_step = step.replace("dh_prev = da @ Wh.T", "dh_prev = da @ Wh")
    wrong_seq = seq
    for name in ("dWx", "dWh", "db"):
        wrong_seq = wrong_seq.replace(f"        {name} += {name}_t\n", f"        {name} = {name}_t\n")
    assert wrong_step != step and wrong_seq != seq, "the solution changed: update the mistakes"
    checks = [cell(lesson, 'check("rnn_step_backward"'), cell(lesson, 'check("rnn_backward"')]
    assert checks == ['check("rnn_step_backward", rnn_step_backward)', 'check("rnn_backward", rnn_backward)']
    return {"step": (step, wrong_step), "seq": (seq, wrong_seq), "checks": checks}


def learner_program(i, cells):
    """The cells learner ``i`` runs: a third right, a third with rnn_backward overwriting the
    shared gradients, a third with the step's Wh not transposed (rnn_backward then passes on
    knock-on); every other learner answers the question wrongly."""
    step = cells["step"][1] if i % 3 == 2 else cells["step"][0]
    seq = cells["seq"][1] if i % 3 == 1 else cells["seq"][0]
    answer = "a" if i % 2 else "b"
    report = ('print("VERDICT " + json.dumps({"id": _r.exercise_id, "passed": _r.passed, '
              '"mistake": None if _r.passed else _r.mistake}))')
    program = ["import json\nimport numpy as np\nfrom rnncourse.checks import check", step, seq]
    for source in cells["checks"] + [f'check("q04_total_vs_partial", "{answer}")']:
        program.append(f"_r = {source}\n{report}")
    return program


# ---------------------------------------------------------------- the hub's HTTP side
class Session:
    """A browser-less visitor of the hub: a cookie jar, the login form, API tokens."""

    def __init__(self, base):
        self.base, self.jar = base, http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def xsrf(self):
        return next((c.value for c in self.jar if c.name == "_xsrf"), "")

    def call(self, path, method="GET", body=None, token=None, form=None, timeout=60):
        headers = {"X-XSRFToken": self.xsrf()}
        if token:
            headers["Authorization"] = f"token {token}"
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with self.opener.open(request, timeout=timeout) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def log_in(self, name, password):
        """The hub's login form, then a token of one's own; returns the token."""
        status, page = self.call("/hub/login")
        match = re.search(rb'name="_xsrf" value="([^"]+)"', page)
        form = {"username": name, "password": password}
        if match:
            form["_xsrf"] = match.group(1).decode()
        self.opener.add_handler(_NoRedirect())
        status, page = self.call("/hub/login?next=%2Fhub%2Fhome", "POST", form=form)
        if status not in (200, 302):
            raise RuntimeError(f"{name} could not log in: HTTP {status}")
        self.call("/hub/home")  # the XSRF token is tied to the new login session: fetch it
        status, body = self.call(f"/hub/api/users/{name}/tokens", "POST", {"note": "room load test"})
        if status not in (200, 201):
            raise RuntimeError(f"{name} could not make a token: HTTP {status} {body[:200]!r}")
        return json.loads(body)["token"]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# ---------------------------------------------------------------- a learner
async def run_learner(hub, name, program, timings):
    """Log in, start the server, open a kernel and run ``program``; return the printed verdicts."""
    session = Session(hub.url)
    token = await asyncio.to_thread(session.log_in, name, hub.password)
    status, body = await asyncio.to_thread(session.call, f"/hub/api/users/{name}/server", "POST",
                                           {}, token)
    if status not in (201, 202, 400):  # 400: already starting
        raise RuntimeError(f"{name}: the server did not start: HTTP {status} {body[:200]!r}")
    deadline = time.monotonic() + 300
    while True:
        status, body = await asyncio.to_thread(session.call, f"/hub/api/users/{name}", "GET", None, token)
        server = (json.loads(body).get("servers") or {}).get("") if status == 200 else None
        if server and server.get("ready"):
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name}: the server was not ready within 300 s")
        await asyncio.sleep(1.0)
    timings["ready"][name] = time.monotonic()
    status, body = await asyncio.to_thread(session.call, f"/user/{name}/api/kernels", "POST",
                                           {"name": "python3"}, token)
    if status not in (200, 201):
        raise RuntimeError(f"{name}: no kernel: HTTP {status} {body[:200]!r}")
    kernel = json.loads(body)["id"]
    await timings["go"].wait()  # everyone presses Run at the same moment
    verdicts = await run_cells(hub, name, token, kernel, program)
    timings["done"][name] = time.monotonic()
    return verdicts


async def run_cells(hub, name, token, kernel, program):
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    url = hub.url.replace("http://", "ws://") + f"/user/{name}/api/kernels/{kernel}/channels"
    ws = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {token}"}))
    session, verdicts = uuid.uuid4().hex, []
    try:
        for code in program:
            msg_id = uuid.uuid4().hex
            ws.write_message(json.dumps({
                "header": {"msg_id": msg_id, "username": name, "session": session,
                           "msg_type": "execute_request", "version": "5.3"},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": code, "silent": False, "store_history": True,
                            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
            replied = idle = False
            while not (replied and idle):  # the reply (shell) and idle (iopub) come in any order
                raw = await asyncio.wait_for(ws.read_message(), 300)
                if raw is None:
                    raise RuntimeError(f"{name}: the kernel's websocket closed")
                msg = json.loads(raw)
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = msg["header"]["msg_type"]
                if kind == "stream":
                    verdicts += [json.loads(line[len("VERDICT "):])
                                 for line in msg["content"]["text"].splitlines()
                                 if line.startswith("VERDICT ")]
                elif kind == "error":
                    raise RuntimeError(f"{name}: {msg['content']['ename']}: {msg['content']['evalue']}")
                elif kind == "execute_reply":
                    replied = True
                elif kind == "status" and msg["content"].get("execution_state") == "idle":
                    idle = True
    finally:
        ws.close()
    return verdicts


# ---------------------------------------------------------------- the instructor
async def poll_dashboard(hub, token, stop, samples, path=DASHBOARD, base=None):
    """GET ``path`` every POLL_SECONDS until ``stop``; record (latency, status, data, when)."""
    session = Session(base or hub.url)
    # a thread of its own: queued behind the learners' calls, the poll would time the queue
    own = ThreadPoolExecutor(1)
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        started = time.monotonic()
        try:
            status, body = await loop.run_in_executor(own, session.call, path, "GET", None, token,
                                                      None, 60)
        except OSError as exc:  # a timeout: counted as an answer that never came
            status, body = f"{type(exc).__name__}", b""
        data = json.loads(body) if status == 200 and path.endswith("api/room") else None
        samples.append((time.monotonic() - started, status, data, time.monotonic()))
        await asyncio.sleep(POLL_SECONDS)
    own.shutdown()


def mismatches(expected, room):
    """What the dashboard shows differently from what the learners' kernels printed."""
    rows = {r["name"]: r for r in room["learners"]}
    wrong = []
    for name, verdicts in expected.items():
        row = rows.get(name)
        if row is None:
            wrong.append(f"{name}: not on the dashboard")
            continue
        for v in verdicts:
            cell = row["cells"].get(v["id"], {})
            want = ("passed" if v["passed"] else "failing", v["mistake"])
            if (cell.get("state"), cell.get("mistake")) != want:
                wrong.append(f"{name}: {v['id']} shows {cell.get('state')}/{cell.get('mistake')}, "
                             f"the kernel said {want[0]}/{want[1]}")
        tried = {v["id"] for v in verdicts}
        extra = [ex for ex, c in row["cells"].items() if ex not in tried and c["state"] != "not started"]
        if extra:
            wrong.append(f"{name}: shows {extra} that this learner never checked")
    return wrong


def pss_mb(pids):
    total = 0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
            total += int(re.search(r"^Pss:\s+(\d+) kB", text, re.M).group(1))
        except (OSError, AttributeError):
            pass
    return total / 1024


async def main_async(args):
    # every learner's blocking HTTP calls in threads: enough of them for the whole room
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(4 * args.learners + 8))
    cells = lesson_cells()
    names = [f"load-{i:02d}" for i in range(1, args.learners + 1)]
    python = learner_python()
    hub = Hub(python=python)
    failures = []
    try:
        hub.root.mkdir(exist_ok=True)
        os.chmod(hub.root, 0o711)
        (hub.root / "homes").mkdir(mode=0o711, exist_ok=True)
        t0 = time.monotonic()
        hub.start(timeout=180)
        print(f"hub up in {time.monotonic() - t0:.1f} s at {hub.url} ({len(names)} learners)", flush=True)
        instructor = Session(hub.url)
        admin_token = await asyncio.to_thread(instructor.log_in, hub.admin, hub.admin_password)
        samples, hub_samples, stop = [], [], asyncio.Event()
        poller = asyncio.create_task(poll_dashboard(hub, admin_token, stop, samples))
        # the hub's own API beside it, to tell the dashboard's delays from the hub's
        hub_poller = asyncio.create_task(poll_dashboard(hub, admin_token, stop, hub_samples,
                                                        "/hub/api/user"))
        # and the dashboard service itself, not through the proxy
        port = re.search(r"rnncourse dashboard: serving \S+ on 127\.0\.0\.1:(\d+)", hub.log())
        direct_samples = []
        direct_poller = asyncio.create_task(poll_dashboard(
            hub, admin_token, stop, direct_samples, DASHBOARD,
            f"http://127.0.0.1:{port.group(1)}")) if port else None
        timings = {"ready": {}, "done": {}, "go": asyncio.Event()}
        tasks = {name: asyncio.create_task(run_learner(hub, name, learner_program(i, cells), timings))
                 for i, name in enumerate(names)}
        spawn_start = time.monotonic()
        while len(timings["ready"]) < len(names) and not any(t.done() for t in tasks.values()):
            await asyncio.sleep(0.5)
        await asyncio.sleep(2.0)  # let the kernels finish starting
        print(f"{len(timings['ready'])} servers ready in {time.monotonic() - spawn_start:.1f} s", flush=True)
        go = time.monotonic()
        timings["go"].set()
        results = await asyncio.gather(*tasks.values(), return_exceptions=True)
        expected = {}
        for name, outcome in zip(tasks, results):
            if isinstance(outcome, BaseException):
                failures.append(f"{name}: {type(outcome).__name__}: {outcome}")
            else:
                expected[name] = outcome
        last_cell = max(timings["done"].values()) if timings["done"] else time.monotonic()
        # wait until the dashboard shows every verdict (or 30 s pass)
        seen_all_at = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            fresh = [s for s in samples if s[3] > last_cell and s[2] is not None]
            if fresh and not mismatches(expected, fresh[-1][2]):
                seen_all_at = fresh[-1][3]
                break
            await asyncio.sleep(POLL_SECONDS)
        stop.set()
        await poller
        await hub_poller
        if direct_poller is not None:
            await direct_poller
        final = next((s[2] for s in reversed(samples) if s[2] is not None), None)
        wrong = mismatches(expected, final) if final else ["the dashboard never answered"]
        failures += wrong
        uids = {accounts.find(n).pw_uid for n in names if accounts.find(n)}
        per_learner = []
        for uid in uids:
            per_learner.append(pss_mb([pid for pid, _, _ in processes_of({uid})]))
        bad_status = [s[1] for s in samples if s[1] != 200]
        n_verdicts = sum(len(v) for v in expected.values())
        print(f"\nverdicts: {n_verdicts} printed by {len(expected)} of {len(names)} kernels; "
              f"{'all' if not wrong else 'NOT all'} of them on the dashboard in the right rows")
        print(f"room finished (Run pressed -> last cell done): {last_cell - go:.1f} s")
        if seen_all_at:
            print(f"dashboard showed every verdict {seen_all_at - last_cell:.1f} s after the last cell "
                  f"({seen_all_at - go:.1f} s after Run)")
        if seen_all_at:
            print(f"whole room (first login -> every verdict on the dashboard): "
                  f"{seen_all_at - spawn_start:.1f} s")
        if per_learner:
            print(f"memory per learner (PSS of server + kernel): mean {statistics.mean(per_learner):.0f} MB, "
                  f"min {min(per_learner):.0f} MB, max {max(per_learner):.0f} MB, "
                  f"room total {sum(per_learner) / 1024:.2f} GB")
        for what, polled in (("dashboard api/room", samples), ("hub /hub/api/user", hub_samples),
                             ("dashboard without the proxy", direct_samples if port else [])):
            for label, (start, end) in {f"while {len(names)} servers started": (spawn_start, go),
                                        "while the cells ran": (go, last_cell + 30),
                                        "overall": (0, float("inf"))}.items():
                latencies = sorted(s[0] for s in polled if start <= s[3] - s[0] < end)
                if not latencies:
                    continue
                p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
                print(f"{what} latency {label}: {len(latencies)} polls, median "
                      f"{statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
                      f"worst {latencies[-1] * 1000:.0f} ms"
                      + (f" (target < 1000 ms: {'met' if latencies[-1] < 1.0 else 'NOT met'})"
                         if polled is samples else ""))
        print(f"non-200 answers from the dashboard: {len(bad_status)}")
        if bad_status:
            failures.append(f"the dashboard answered {bad_status[:5]}")
        # stop the hub as the instructor would, and look for anything left
        proxy_pid_file = hub.root / "state" / "jupyterhub-proxy.pid"
        proxy_pid = int(proxy_pid_file.read_text()) if proxy_pid_file.exists() else None
        code = hub.stop(signal.SIGINT, timeout=180)
        time.sleep(1.0)
        left = processes_of(uids)
        group_left = _group_alive(hub.process.pid)
        proxy_left = proxy_pid is not None and Path(f"/proc/{proxy_pid}").exists()
        print(f"hub stopped with exit code {code}; learner processes left: {len(left)}; "
              f"proxy left: {proxy_left}; hub's process group left: {group_left}")
        if left or proxy_left or group_left:
            failures.append(f"left running: {left[:5]} proxy={proxy_left} group={group_left}")
    finally:
        if hub.process is not None and hub.process.poll() is None:
            hub.stop(signal.SIGTERM)
        hub.kill_everything_left()
        leftovers = remove_learners(names + [hub.admin], hub.homes)
        if leftovers:
            failures.append(f"had to kill: {leftovers[:5]}")
        if not args.keep_root:
            shutil.rmtree(hub.root, ignore_errors=True)
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


def _group_alive(pgid):
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def main(argv=None):
    parser = argparse.ArgumentParser(description="30 simulated learners on one hub; prints the "
                                                 "room's time, memory and dashboard latency")
    parser.add_argument("--learners", type=int, default=30, help="how many learners (default 30)")
    parser.add_argument("--keep-root", action="store_true", help="keep the hub's scratch root "
                        "(logs, homes) for a look afterwards")
    args = parser.parse_args(argv)

    class Stub:  # require_hub_tools reports through a pytest-like object
        @staticmethod
        def skip(message, **_):
            raise SystemExit(f"room_load: {message}")

        fail = skip

    require_hub_tools(Stub)
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
