"""What a slider explorer shows in its ``ipywidgets.Output``: one figure as PNG and one text line.

The explorers (:mod:`~rnncourse.viz.gradient_explorer`, :mod:`~rnncourse.viz.gate_explorer`)
draw their figure without pyplot (no global state) and replace the Output's contents directly,
so no kernel capture is needed and the previous figure is replaced, not appended to.
"""

from __future__ import annotations

import base64
import io


def figure_png(draw, figsize=(7.0, 4.0), dpi=80):
    """Base64 PNG text of a figure drawn by ``draw(ax)`` on a fresh, pyplot-free Figure."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)
    fig.subplots_adjust(left=0.14, right=0.97, bottom=0.13, top=0.92)  # fixed: no layout search
    draw(fig.add_subplot())
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def show_figure_and_line(output, png, alt, line):
    """Replace the contents of ``output`` by the PNG ``png`` (``alt`` as its text) and ``line``."""
    output.outputs = (
        {"output_type": "display_data", "metadata": {},
         "data": {"image/png": png, "text/plain": alt}},
        {"output_type": "stream", "name": "stdout", "text": line + "\n"},
    )
