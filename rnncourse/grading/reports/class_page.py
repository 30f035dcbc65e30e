"""``rnncourse report``'s output: the class page (one HTML file), its figures as PNG, summary.json.

The page reads top to bottom in the order an instructor acts on it: what to re-teach first (the
named mistakes, most frequent first, with the words students saw and the lesson section that
addresses each), the submissions that need a look (crashes, timeouts, flags, wrong lessons,
missing, late, superseded), then the scores, each exercise and question in detail (most points
lost first), and how long grading took. Every table sorts by a click on its header; nothing is
wider than the window. See :mod:`~rnncourse.grading.reports.htmlpage` for how student strings
are kept inert.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from rnncourse._files import write_atomic
from rnncourse.grading.reports.class_figures import class_figures
from rnncourse.grading.reports.classview import load_class, summarise
from rnncourse.grading.reports.feedback_pages import notebook_path, read_notebook, write_feedback_pages
from rnncourse.grading.reports.htmlpage import data_image, esc, page, sortable_table

FIGURE_ALTS = {
    "score_distribution": "Histogram of the submissions' scores",
    "item_outcomes": "Full, partial and zero points per exercise and question",
    "top_mistakes": "The most frequent named mistakes",
    "grading_time": "Histogram of grading time per submission",
}


def _num(value) -> str:
    if value is None:
        return ""
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:g}"


def _figure(figures, stem, caption):
    return (f'<figure id="fig-{stem}">{data_image(figures[stem], FIGURE_ALTS[stem])}'
            f"<figcaption>{esc(caption)} (also <code>figures/{stem}.png</code>)</figcaption>"
            "</figure>")


def _reteach(summary):
    rows = summary["reteach"]
    if not rows:
        return "<p>No named mistake was made.</p>"
    counted = summary["students"]["counted"]
    table = sortable_table(
        ["students", "exercise", "mistake", "what students read", "lesson section"],
        [[(f"{m['count']} of {counted}", m["count"]), f"<code>{esc(m['item'])}</code>",
          f"<code>{esc(m['mistake'])}</code>", esc(m["message"]), esc(m["section"] or "")]
         for m in rows], numeric=(0,), caption="Named mistakes, most frequent first",
        table_id="reteach-table")
    return table


def _attention(summary):
    rows = summary["attention"]
    if not rows:
        return "<p>Every submission ran normally and every roster student handed in.</p>"
    return sortable_table(
        ["submission", "student", "what to look at"],
        [[esc(a["submission"]) or '<span class="muted">(no submission)</span>',
          esc(" ".join(x for x in (a["student_id"], a["name"]) if x)),
          esc("; ".join(a["reasons"]))] for a in rows],
        caption="Submissions that need the instructor", table_id="attention-table")


def _scores(summary, figures):
    s = summary["students"]
    extra = ""
    if s["missing"]:
        extra += f", {s['missing']} roster students missing"
    if s["superseded"]:
        extra += f", {s['superseded']} superseded rows not counted"
    facts = (f"<p>{s['counted']} submissions counted{extra}; mean {_num(summary['mean'])}, "
             f"median {_num(summary['median'])}.</p>")
    table = sortable_table(
        ["submission", "total", "possible", "%"],
        [[esc(x["submission"]), _num(x["total"]), _num(x["possible"]),
          _num(round(100 * x["total"] / x["possible"], 1)) if x["possible"] else ""]
         for x in summary["scores"]], numeric=(1, 2, 3), caption="Every counted submission",
        table_id="scores-table")
    return facts + _figure(figures, "score_distribution", "Scores") + (
        f"<details><summary>Every score</summary>{table}</details>")


def _items(summary, figures):
    parts = [_figure(figures, "item_outcomes", "Full, partial and zero points"),
             sortable_table(
                 ["exercise or question", "full", "partial", "zero", "points lost",
                  "lesson section"],
                 [[f'<a href="#item-{esc(i["id"])}"><code>{esc(i["id"])}</code></a>', i["full"],
                   i["partial"], i["zero"], _num(i["points_lost"]), esc(i["section"] or "")]
                  for i in summary["items"]], numeric=(1, 2, 3, 4),
                 caption="Most points lost first", table_id="items-table")]
    for i in summary["items"]:
        parts.append(f'<h3 id="item-{esc(i["id"])}"><code>{esc(i["id"])}</code> '
                     f'<span class="muted">({esc(i["kind"])}; full {i["full"]}, partial '
                     f'{i["partial"]}, zero {i["zero"]})</span></h3>')
        if i["kind"] == "exercise":
            if i["mistakes"]:
                parts.append(sortable_table(
                    ["students", "mistake", "what students read", "lesson section"],
                    [[m["count"], f"<code>{esc(m['mistake'])}</code>", esc(m["message"]),
                      esc(m["section"] or "")] for m in i["mistakes"]], numeric=(0,),
                    table_id=f"mistakes-{i['id']}"))
            for k in i["knock_on"]:
                parts.append(f"<p>{k['count']} more failed only because <code>"
                             f"{esc(k['because_of'])}</code> is wrong (knock-on: their own "
                             "function is right; counted apart).</p>")
            if i["unnamed_failures"]:
                parts.append(f"<p>{i['unnamed_failures']} failed without a named mistake (not "
                             "written, an error, or a mistake the checks do not know): see their "
                             "feedback.</p>")
        else:
            parts.append(sortable_table(
                ["students", "answer", "verdict", "misconception", "what students read"],
                [[a["count"], f"<code>{esc(a['answer'])}</code>",
                  '<span class="ok">right</span>' if a["right"] else '<span class="bad">wrong</span>',
                  f"<code>{esc(a['misconception'])}</code>" if a["misconception"] else "",
                  esc(a["message"] or "")] for a in i["answers"]], numeric=(0,),
                table_id=f"answers-{i['id']}"))
    return "".join(parts)


def _timing(summary, figures):
    t = summary["timing"]
    if not t["per_submission"]:
        return "<p>The reports hold no grading times.</p>"
    table = sortable_table(["submission", "seconds"],
                           [[esc(x["submission"]), _num(round(x["seconds"], 2))]
                            for x in t["per_submission"]], numeric=(1,),
                           caption="Slowest first")
    return (f"<p>{len(t['per_submission'])} submissions in {_num(t['total_seconds'])} s of "
            f"grading (mean {_num(t['mean_seconds'])} s each; with --jobs above 1 they overlap)."
            f"</p>{_figure(figures, 'grading_time', 'Grading time')}"
            f"<details><summary>Every submission</summary>{table}</details>")


def _returns(feedback_links, pairs):
    parts = []
    if feedback_links:
        parts.append(sortable_table(
            ["submission", "student", "feedback page"],
            [[esc(name), esc(student), f'<a href="feedback/{quote(file)}">{esc(file)}</a>']
             for name, student, file in feedback_links],
            caption="Each student's feedback: their notebook with every verdict",
            table_id="feedback-table"))
    if pairs is None:
        parts.append("<p>No similarity check: copydetect is not installed "
                     "(<code>pip install -e \".[report]\"</code>).</p>")
    elif pairs is not False:
        parts.append(f'<p id="similar"><a href="similarity.html">{len(pairs)} pair(s) of similar '
                     "answers</a>: evidence for you to read, never a penalty by itself.</p>")
    return "".join(parts) or "<p>Not written this time.</p>"


def class_page(summary: dict, figures: dict, feedback_links: list = (), pairs=False) -> str:
    """The class report's HTML from the summary and the figures' PNG bytes; ``feedback_links``
    (``(submission, student, file name)``) and ``pairs`` (the similar pairs, None without
    copydetect, False when not checked) add a section linking to those pages."""
    lessons = ", ".join(summary["lessons"]) or "no lesson"
    body = (
        f"<header><h1>Class report: {esc(lessons)}</h1>"
        f'<p class="muted">From <code>{esc(summary["gradebook"])}</code>. '
        "Every table sorts by a click on its header.</p></header><main>"
        "<h2 id=\"reteach\">1. What to re-teach first</h2>"
        f"{_figure(figures, 'top_mistakes', 'Named mistakes')}{_reteach(summary)}"
        "<h2 id=\"attention\">2. Submissions that need you</h2>" + _attention(summary) +
        "<h2 id=\"scores\">3. Scores</h2>" + _scores(summary, figures) +
        "<h2 id=\"items\">4. Each exercise and question</h2>" + _items(summary, figures) +
        "<h2 id=\"timing\">5. Grading time</h2>" + _timing(summary, figures) +
        "<h2 id=\"returns\">6. Feedback pages and similar answers</h2>" +
        _returns(list(feedback_links), pairs) + "</main>")
    return page(f"Class report: {lessons}", body)


def write_class_report(gradebook: str | Path, out: str | Path,
                       reports: str | Path | None = None, feedback: bool = True,
                       similarity: bool = True, lessons_dir: str | Path | None = None,
                       threshold: float | None = None) -> dict:
    """Write ``out/class-report.html``, ``out/summary.json``, ``out/figures/*.png``, (with
    ``feedback``) every student's ``out/feedback/<report stem>.html`` and (with ``similarity``)
    ``out/similarity.html`` (:mod:`~rnncourse.grading.reports.similarity`; ``lessons_dir`` holds
    the lesson notebooks whose starter code is discounted).

    Returns the summary, with ``feedback_pages`` (``{row name: page bytes}``) and
    ``similar_pairs`` (the :class:`~rnncourse.grading.reports.similarity.Pair` list, or None
    when copydetect is not installed); neither is in the JSON.
    Raises :class:`~rnncourse.grading.reports.classview.ClassError` for a gradebook that cannot
    be read.
    """
    out = Path(out)
    data = load_class(gradebook, reports)
    summary = summarise(data)
    figures = class_figures(summary)
    for stem, png in figures.items():
        write_atomic(out / "figures" / f"{stem}.png", png)
    write_atomic(out / "summary.json", json.dumps(summary, indent=1, ensure_ascii=False))
    pages = write_feedback_pages(data, out / "feedback") if feedback else {}
    pairs = _similarity(data, out / "similarity.html", lessons_dir, threshold) if similarity \
        else False
    links = [(r.report["name"], " ".join(x for x in (r.cells.get("student_id"), r.cells.get("name"))
                                         if x), f"{r.report_file.stem}.html")
             for r in data.rows if r.report is not None and r.report["name"] in pages]
    write_atomic(out / "class-report.html", class_page(summary, figures, links, pairs))
    if pairs is False:
        pairs = []
    return {**summary, "feedback_pages": pages, "similar_pairs": pairs}


def _similarity(data, path, lessons_dir, threshold):
    try:
        import copydetect  # noqa: F401  (the optional extra [report])
    except ImportError:
        return None
    from rnncourse.grading.reports.similarity import THRESHOLD, write_similarity

    rows = [(r.report["name"], r.cells.get("lesson")) for r in data.rows
            if r.counted and r.report is not None]
    notebooks = {name: read_notebook(notebook_path(r.report, data.gradebook))
                 for r in data.rows if r.counted and r.report is not None
                 for name in [r.report["name"]]}
    return write_similarity(rows, notebooks, path, lessons_dir,
                            THRESHOLD if threshold is None else threshold)


__all__ = ["class_page", "write_class_report"]
