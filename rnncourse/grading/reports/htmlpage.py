"""Self-contained HTML pages that show student content safely: escaping, one style, a strict CSP.

Every page the reports write (the class report, a student's feedback, the similarity view) is
one file that opens from disk: no network, images as ``data:`` URIs. Its Content-Security-Policy
(a ``<meta>`` tag) allows only the page's own inline style and scripts, by their SHA-256 hash, and
``data:`` images: a ``<script>``, an ``onerror=`` attribute, a ``javascript:`` link or an external
resource that slipped into student content would not run or load. Student strings still go
through :func:`esc` everywhere: the policy is the second wall, not the first.
"""

from __future__ import annotations

import base64
import hashlib
import html

STYLE = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328;
       margin: 0 auto; padding: 16px 20px 48px; max-width: 1100px; }
h1 { font-size: 1.6em; margin: 0.4em 0; } h2 { font-size: 1.25em; margin-top: 1.8em;
border-bottom: 1px solid #d0d7de; } h3 { font-size: 1.05em; margin: 1.2em 0 0.4em; }
p, li { max-width: 75ch; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; margin: 0.5em 0 1em; }
th, td { border: 1px solid #d0d7de; padding: 4px 6px; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; word-break: break-word; }
th { background: #f6f8fa; }
th button { font: inherit; font-weight: 600; border: 0; background: none; padding: 0;
            cursor: pointer; text-align: left; width: 100%; color: inherit; }
th[aria-sort="ascending"] button::after { content: " \\25B2"; }
th[aria-sort="descending"] button::after { content: " \\25BC"; }
td.num, th.num { text-align: right; width: 6.5em; }
img { max-width: 100%; height: auto; display: block; margin: 0.5em 0; }
figure { margin: 0.5em 0 1.5em; } figcaption { color: #57606a; font-size: 0.9em; }
pre, code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f8fa; padding: 8px;
      border-radius: 4px; margin: 0.3em 0; }
.ok { color: #1a7f37; } .bad { color: #b42318; } .muted { color: #57606a; }
.verdict { border: 1px solid #d0d7de; border-left: 6px solid #57606a; padding: 6px 10px;
           margin: 4px 0 12px; border-radius: 4px; background: #f6f8fa; }
.verdict.pass { border-left-color: #1a7f37; background: #e6f4ea; }
.verdict.fail { border-left-color: #b42318; background: #fdecea; }
.cell { margin: 8px 0; } .cell .src { border-left: 3px solid #3b6ea8; }
.output { border-left: 3px solid #d0d7de; padding-left: 8px; overflow-x: auto; }
.pair { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 8px; }
.note { background: #fff8c5; border: 1px solid #d4a72c; padding: 8px 12px; border-radius: 4px; }
mark { background: #ffd8b5; }
.prompt, .anchor-link { display: none; }
.cell { margin: 10px 0; } .input_area pre { border-left: 3px solid #3b6ea8; }
.output_area pre { background: #fff; border-left: 3px solid #d0d7de; }
.output_subarea { overflow-x: auto; max-width: 100%; }
"""

SORT_SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("thead th").forEach(function (th, col) {
    var button = th.querySelector("button");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var down = th.getAttribute("aria-sort") !== "descending";
      table.querySelectorAll("thead th").forEach(function (o) { o.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", down ? "descending" : "ascending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      function key(row) {
        var cell = row.cells[col];
        var text = cell ? (cell.getAttribute("data-sort") || cell.textContent) : "";
        var number = parseFloat(text);
        return isNaN(number) || !/^\\s*-?[0-9.]/.test(text) ? text.toLowerCase() : number;
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (typeof x !== typeof y) { x = String(x); y = String(y); }
        var order = x < y ? -1 : (x > y ? 1 : 0);
        return down ? -order : order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
"""


def esc(value) -> str:
    """``value`` as HTML text (``str`` of it, with ``& < > " '`` escaped)."""
    return html.escape("" if value is None else str(value), quote=True)


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def content_security_policy(style: str, scripts: tuple = ()) -> str:
    """The policy of a page whose only inline style is ``style`` and scripts ``scripts``."""
    script_src = " ".join(_hash(s) for s in scripts) or "'none'"
    return ("default-src 'none'; img-src data:; "
            f"style-src {_hash(style)}; script-src {script_src}; "
            "base-uri 'none'; form-action 'none'")


def page(title: str, body: str, scripts: tuple = (SORT_SCRIPT,), style: str = STYLE) -> str:
    """A whole HTML document: ``title`` (escaped here), ``body`` (already safe HTML)."""
    policy = content_security_policy(style, scripts)
    script_tags = "".join(f"<script>{s}</script>" for s in scripts)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{esc(policy)}\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<meta name=\"referrer\" content=\"no-referrer\">"
            f"<title>{esc(title)}</title><style>{style}</style></head>\n"
            f"<body>\n{body}\n{script_tags}</body></html>\n")


def data_image(png: bytes, alt: str) -> str:
    """An ``<img>`` of a PNG embedded as a ``data:`` URI."""
    encoded = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{encoded}" alt="{esc(alt)}">'


def sortable_table(headers: list, rows: list, numeric: tuple = (), caption: str = "",
                   table_id: str = "") -> str:
    """A table the page's script sorts by a click on a header; ``rows`` hold already safe HTML
    cells (``(html, sort_key)`` pairs for a cell sorted by another value)."""
    num = ' class="num"'
    head = "".join(f'<th scope="col"{num if i in numeric else ""}>'
                   f'<button type="button">{esc(h)}</button></th>' for i, h in enumerate(headers))
    lines = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            text, key = cell if isinstance(cell, tuple) else (cell, None)
            attrs = (' class="num"' if i in numeric else "") + (
                f' data-sort="{esc(key)}"' if key is not None else "")
            cells.append(f"<td{attrs}>{text}</td>")
        lines.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    ident = f' id="{esc(table_id)}"' if table_id else ""
    return (f'<table class="sortable"{ident}>{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(lines)}</tbody></table>")


__all__ = ["esc", "page", "data_image", "sortable_table", "content_security_policy", "STYLE",
           "SORT_SCRIPT"]
