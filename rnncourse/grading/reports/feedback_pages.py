"""A student's HTML feedback: their own notebook, rendered by nbconvert, with each verdict beside
the cell it is about.

For each exercise and self-check question the page shows, after the graded cell of it (found by
its nbgrader ``grade_id``, as the grader finds it), the points and the message the plain-text
feedback gives (:func:`~rnncourse.grading.records.writers.feedback_text` holds the same words):
the named mistake and what to do. It shows nothing the student may not see: no test case, no
expected value, no seed, no answer key (the report's ``cases``, ``seed`` and ``batch`` are never
read here).

The notebook is hostile. Its outputs and markdown are cleaned by nbconvert's
:class:`~nbconvert.preprocessors.sanitize.SanitizeHTML` (unsafe tags removed), the rendered page goes
through bleach once more with a short allow-list (only ``data:`` PNG/JPEG images, only
``http(s)``/``mailto``/``#`` links), and the page's Content-Security-Policy
(:mod:`~rnncourse.grading.reports.htmlpage`) forbids every script it did not ship.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import bleach
import nbformat

from rnncourse.checks.engine import verdict_mark
from rnncourse.grading.reports.htmlpage import esc, page

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl",
    "dt", "em", "figure", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "kbd", "li", "ol", "p", "pre", "s", "section", "small", "span", "strong", "sub", "summary",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
IMAGE_PREFIXES = ("data:image/png;base64,", "data:image/jpeg;base64,")
BASE64 = re.compile(r"^[A-Za-z0-9+/=\s]*$")
HIDDEN_TESTS = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", re.DOTALL)
MAX_NOTEBOOK_BYTES = 20_000_000


def _attribute(tag, name, value):
    if name in ("class", "id", "title", "alt", "colspan", "rowspan"):
        return True
    if tag == "a" and name == "href":
        return value.startswith(("http://", "https://", "mailto:", "#"))
    if tag == "img" and name == "src":
        return value.startswith(IMAGE_PREFIXES) and bool(BASE64.match(value.split(",", 1)[1]))
    if tag == "img" and name in ("width", "height"):
        return value.isdigit()
    return False


def clean_html(text: str) -> str:
    """``text`` with every tag, attribute and URL outside the allow-list removed (bleach)."""
    return bleach.clean(text, tags=ALLOWED_TAGS, attributes=_attribute,
                        protocols=["http", "https", "mailto", "data"], strip=True,
                        strip_comments=True)


def _verdict_html(item: str, entry: dict) -> str:
    passed = bool(entry.get("passed")) and not entry.get("flag")
    word = verdict_mark(entry.get("passed"), entry.get("knock_on"), entry.get("flag"))
    kind = "pass" if passed else "fail"
    what = entry.get("function") or item
    parts = [f'<div class="verdict {kind}" id="verdict-{esc(item)}" role="status">'
             f"<strong>{word}: <code>{esc(item)}</code> ({esc(what)}): "
             f"{esc(_points(entry.get('points')))} / {esc(_points(entry.get('possible')))} "
             "points</strong>"]
    if entry.get("mistake") and not passed:
        parts.append(f'<div>Named mistake: <code>{esc(entry["mistake"])}</code></div>')
    if entry.get("message"):
        parts.append(f"<pre>{esc(entry['message'])}</pre>")
    if entry.get("section") and not passed and "answer" not in entry:  # a question's message
        # already names its section
        parts.append(f"<div>Read again: {esc(entry['section'])}.</div>")
    parts.append("</div>")
    return "".join(parts)


def _points(value):
    if isinstance(value, (int, float)):
        return f"{value:g}"
    return str(value or 0)


def _graded_cells(nb):
    """``{grade_id: index}`` of the notebook's cells with nbgrader metadata."""
    found = {}
    for index, cell in enumerate(nb.cells):
        grade_id = ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id")
        if isinstance(grade_id, str):
            found.setdefault(grade_id, index)
    return found


def read_notebook(path: str | Path):
    """The notebook at ``path`` as nbformat 4, or None when it is missing, too large or not one."""
    path = Path(path)
    try:
        if not path.is_file() or path.stat().st_size > MAX_NOTEBOOK_BYTES:
            return None
        nb = nbformat.read(str(path), as_version=4)
    except Exception:  # a hostile or broken file: no notebook to show
        return None
    return nb


def _sanitized(nb):
    from nbconvert.preprocessors.sanitize import SanitizeHTML

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = HIDDEN_TESTS.sub("# (hidden tests removed)", cell.source)
    nb, _ = SanitizeHTML(strip=True).preprocess(nb, {})
    return nb


def _exporter():
    """nbconvert's HTML exporter with its ``basic`` template (the cells, no page around them).

    Its templates are data files under ``<prefix>/share/jupyter``; an environment that imports
    nbconvert from another prefix (a virtual environment reusing another's packages) is told
    where they are."""
    import nbconvert
    from nbconvert import HTMLExporter

    prefix = Path(nbconvert.__file__).resolve().parents[4]
    extra = [str(p) for p in [prefix / "share" / "jupyter" / "nbconvert" / "templates"]
             if p.is_dir()]
    return HTMLExporter(template_name="basic", exclude_input_prompt=True,
                        exclude_output_prompt=True, extra_template_basedirs=extra,
                        extra_template_paths=extra)


def feedback_body(report: dict, nb) -> str:
    """The HTML body of one student's feedback page (``nb``: their notebook, or None)."""
    exercises = {k: v for k, v in (report.get("exercises") or {}).items() if isinstance(v, dict)}
    head = [f"<header><h1>Feedback: {esc(report.get('name'))}</h1>",
            f"<p>Lesson {esc(report.get('lesson') or 'unknown')}. Score: "
            f"<strong>{esc(_points(report.get('total')))} / "
            f"{esc(_points(report.get('possible')))}</strong>. Status: "
            f"{esc(report.get('status'))}.</p>"]
    for problem in report.get("problems") or []:
        head.append(f'<p class="note">{esc(problem)}</p>')
    rows = "".join(
        f'<tr><td><a href="#verdict-{esc(k)}"><code>{esc(k)}</code></a></td>'
        f'<td class="num">{esc(_points(v.get("points")))} / {esc(_points(v.get("possible")))}</td>'
        f'<td>{verdict_mark(v.get("passed"), v.get("knock_on"), v.get("flag"))}</td></tr>'
        for k, v in exercises.items())
    head.append('<table id="points"><thead><tr><th>exercise or question</th>'
                '<th class="num">points</th><th>verdict</th></tr></thead>'
                f"<tbody>{rows}</tbody></table></header>")
    if nb is None:
        notes = "".join(_verdict_html(k, v) for k, v in exercises.items())
        return "".join(head) + "<main><p>Your notebook could not be shown.</p>" + notes + "</main>"
    nb = _sanitized(nb)
    where = _graded_cells(nb)
    after = {}
    unplaced = []
    for item, entry in exercises.items():
        index = where.get(item, where.get(f"{item}-answer"))
        if index is None:
            unplaced.append(_verdict_html(item, entry))
        else:
            after.setdefault(index, []).append(_verdict_html(item, entry))
    cells = []
    for index, cell in enumerate(nb.cells):
        cells.append(cell)
        for block in after.get(index, []):
            cells.append(nbformat.v4.new_raw_cell(block, metadata={"format": "text/html"}))
    nb.cells = cells
    exporter = _exporter()
    body, _ = exporter.from_notebook_node(nb)
    missing = ""
    if unplaced:
        missing = ("<section><h2>Not found in your notebook</h2><p>These graded cells are not in "
                   "your notebook (deleted, or their metadata removed):</p>"
                   + "".join(unplaced) + "</section>")
    return "".join(head) + missing + "<main>" + clean_html(body) + "</main>"


def feedback_page(report: dict, nb) -> str:
    """One student's whole feedback page."""
    return page(f"Feedback: {report.get('name') or 'submission'}", feedback_body(report, nb),
                scripts=())


def notebook_path(report: dict, gradebook: Path) -> Path:
    """Where the graded notebook is: the batch's root (relative to the gradebook's folder) joined
    with the submission's name."""
    root = str(((report.get("batch") or {}).get("root")) or "")
    name = str(report.get("name") or "")
    return Path(gradebook).parent / root / name


def write_feedback_pages(data, out: str | Path) -> dict:
    """Write ``out/<report stem>.html`` for every row of ``data`` (a
    :class:`~rnncourse.grading.reports.classview.ClassData`) that has a JSON report; returns
    ``{row name: page bytes}``."""
    from rnncourse._files import write_atomic

    pages = {}
    for row in data.rows:
        if row.report is None or row.report_file is None:
            continue
        nb = read_notebook(notebook_path(row.report, data.gradebook))
        text = feedback_page(row.report, nb).encode("utf-8")
        write_atomic(Path(out) / f"{row.report_file.stem}.html", text)
        pages[row.report["name"]] = text
    return pages


__all__ = ["write_feedback_pages", "feedback_page", "feedback_body", "clean_html", "read_notebook", "notebook_path"]
