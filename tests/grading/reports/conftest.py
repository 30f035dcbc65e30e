"""One graded class for the report tests, graded once per session, and one headless Chromium.

The class is the guide's week (lesson 1, docs/grading.md section 7.8) with what a report must
show and survive: a wrong ``tanh_backward``, a missing ``softmax_cross_entropy``, a wrong
answer to a question, an endless loop (timeout), a roster student without a submission, a copy
of alice's answers with renamed variables, an honest student who writes every answer in another
style, and a hostile student whose folder name is HTML, whose stored outputs hold a ``<script>``,
an ``onerror=`` image, a ``javascript:`` link and an SVG with a script, whose code and question
answer contain HTML. Every planted script would set ``window.pwned`` and request
``http://127.0.0.1:9/pwned``.
"""

from __future__ import annotations

import ast
import io
import os
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_output

from tests.grading.sandbox_required import require_sandbox
from tests.grading.test_grading_corpus import CORRECT, QUESTION_ANSWERS, WRONG_TANH, lesson_notebook, write

NOTEBOOK = "01_feedforward_backprop.ipynb"
PWN = "window.pwned=1;fetch('http://127.0.0.1:9/pwned')"
EVIL_FOLDER = 'evil<img src=x onerror="window.pwned=1"><b>bold'  # no slash: one folder
HOSTILE_HTML = (f"<script>{PWN}</script><img src=x onerror=\"{PWN}\">"
                f"<a id=jslink href=\"javascript:{PWN}\">click me</a>"
                "<iframe src=\"http://127.0.0.1:9/frame\"></iframe>")
HOSTILE_SVG = (f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
               f"<script>{PWN}</script><rect width=\"10\" height=\"10\"/></svg>")
HOSTILE_CODE = f"# </pre></code><script>{PWN}</script>\n"

ROSTER = ("submission,student_id,name\n"
          "alice,s1,Alice Adams\nbob,s2,Bob Brown\ncarol,s3,Carol Chen\ndave,s4,Dave Diaz\n"
          "erin,s5,Erin Evans\nfrank,s6,Frank Fox\ngrace,s7,Grace Green\n"
          "mallory,s8,Mallory Moss\n")

def renamed(source: str) -> str:
    """``source`` with every local variable of its function renamed (``v0``, ``v1``, ...) and its
    comments dropped: what a student who copied and disguised an answer hands in."""
    tree = ast.parse(source)
    params = {a.arg for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
              for a in node.args.args}
    stored = [n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
              and isinstance(n.ctx, ast.Store) and n.id not in params]
    names = {name: f"v{i}" for i, name in enumerate(dict.fromkeys(stored))}
    tokens = [(t.type, names.get(t.string, t.string) if t.type == tokenize.NAME else t.string)
              for t in tokenize.generate_tokens(io.StringIO(source).readline)
              if t.type != tokenize.COMMENT]
    text = tokenize.untokenize(tokens)
    compile(text, "renamed", "exec")  # still Python
    return text


RENAMED = {ex: renamed(src) for ex, src in CORRECT.items()}
"""alice's answers (the solution's) with every local variable renamed"""

OTHER_STYLE = {  # right answers written independently, in another style
    "affine_forward": (
        "def affine_forward(x, W, b):\n"
        "    \"\"\"Affine map, written with einsum.\"\"\"\n"
        "    cache = (x, W, b)\n"
        "    return np.einsum('nd,dm->nm', x, W) + b[None, :], cache\n"),
    "affine_backward": (
        "def affine_backward(dout, cache):\n"
        "    x = cache[0]\n"
        "    W = cache[1]\n"
        "    dx = np.dot(dout, np.transpose(W))\n"
        "    dW = np.dot(np.transpose(x), dout)\n"
        "    db = np.sum(dout, axis=0)\n"
        "    return dx, dW, db\n"),
    "tanh_backward": (
        "def tanh_backward(dout, cache):\n"
        "    derivative = 1 - np.square(cache)\n"
        "    return np.multiply(derivative, dout)\n"),
    "softmax_cross_entropy": (
        "def softmax_cross_entropy(scores, y):\n"
        "    n_rows = len(y)\n"
        "    logits = scores - np.max(scores, axis=1)[:, None]\n"
        "    log_z = np.log(np.sum(np.exp(logits), axis=1))\n"
        "    log_p = logits - log_z[:, None]\n"
        "    losses = [-log_p[row, y[row]] for row in range(n_rows)]\n"
        "    one_hot = np.eye(scores.shape[1])[y]\n"
        "    return float(np.mean(losses)), (np.exp(log_p) - one_hot) / n_rows\n"),
    "numerical_gradient": (
        "def numerical_gradient(f, x, h=1e-5):\n"
        "    flat = x.reshape(-1)\n"
        "    g = np.empty(flat.size)\n"
        "    for k in range(flat.size):\n"
        "        keep = flat[k]\n"
        "        flat[k] = keep + h; up = f()\n"
        "        flat[k] = keep - h; down = f()\n"
        "        flat[k] = keep\n"
        "        g[k] = (up - down) / (2.0 * h)\n"
        "    return g.reshape(x.shape)\n"),
}


def hostile_notebook():
    """Right answers, a question answered with HTML, HTML in code, hostile stored outputs."""
    answers = dict(CORRECT, affine_forward=HOSTILE_CODE + CORRECT["affine_forward"])
    nb = lesson_notebook(answers, questions=dict(QUESTION_ANSWERS,
                                                 q01_consumer_sum=repr(f"<script>{PWN}</script>")))
    cell = new_code_cell("from IPython.display import HTML, SVG\nHTML(page)")
    cell.outputs = [
        new_output("display_data", data={"text/html": HOSTILE_HTML, "text/plain": "<HTML>"}),
        new_output("display_data", data={"image/svg+xml": HOSTILE_SVG, "text/plain": "<SVG>"}),
        new_output("stream", name="stdout", text=f"<script>{PWN}</script>\n"),
        new_output("execute_result", data={"text/markdown": f"[x](javascript:{PWN})",
                                           "text/plain": "md"}, execution_count=1),
    ]
    cell.execution_count = 1
    nb.cells.insert(2, cell)
    return nb


def build_class(week: Path) -> None:
    """Write the class's submissions and roster into ``week``."""
    subs = week / "submissions"
    notebooks = {
        "alice": lesson_notebook(),
        "bob": lesson_notebook(dict(CORRECT, tanh_backward=WRONG_TANH)),
        "carol": lesson_notebook({k: v for k, v in CORRECT.items()
                                  if k != "softmax_cross_entropy"}),
        "dave": lesson_notebook(questions=dict(QUESTION_ANSWERS, q01_backprop_order='"b"')),
        "frank": lesson_notebook(after=["while True:\n    pass\n"]),
        "grace": lesson_notebook(OTHER_STYLE),
        "mallory": lesson_notebook(RENAMED),
        EVIL_FOLDER: hostile_notebook(),
    }
    for who, nb in notebooks.items():
        (subs / who).mkdir(parents=True)
        write(nb, subs / who / NOTEBOOK)
    (week / "roster.csv").write_text(ROSTER, encoding="utf-8")


GRADE = ["grade", "--lesson", "01", "--jobs", "2", "--timeout", "20", "--seed", "1234",
         "--roster", "roster.csv", "--feedback", "feedback/", "submissions/"]


def rnncourse(python, week, *argv, timeout=600):
    """Run ``python -m rnncourse ARGV`` in ``week``; returns the completed process."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    return subprocess.run([python, "-m", "rnncourse", *argv], cwd=week, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory, private_python):
    """``(week folder, private python)``: the class above graded once, with feedback files."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the grader is Linux-only")
    require_sandbox()
    week = tmp_path_factory.mktemp("class-week")
    build_class(week)
    proc = rnncourse(private_python, week, *GRADE)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return week, private_python


@pytest.fixture(scope="package")
def chromium():
    """A headless Chromium (playwright) for the session; skips without it (fails under CI)."""
    from tests.browser.labdriver import headless_chromium, require_browser_tools

    require_browser_tools(pytest)
    with headless_chromium() as browser:
        yield browser


def open_page(browser, path: Path, width: int = 1280, height: int = 800):
    """Open ``path`` (a file) in a new page; returns ``(page, console errors, requests, close)``.

    ``requests`` collects every URL the page asked for other than the file itself and ``data:``
    URIs (none may leave the file)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    url = path.resolve().as_uri()
    page.on("request", lambda r: requests.append(r.url)
            if r.url != url and not r.url.startswith("data:") else None)
    page.goto(url)
    page.wait_for_load_state("load")
    return page, errors, requests, context.close
