"""What a slider explorer shows in its ``ipywidgets.Output``: one figure as PNG and one text line.

The explorers (:mod:`~rnncourse.viz.gradient_explorer`, :mod:`~rnncourse.viz.gate_explorer`,
:mod:`~rnncourse.viz.training_explorer`, :mod:`~rnncourse.viz.unrolling_explorer`) draw their
figure without pyplot (no global state) and replace the Output's contents directly, so no kernel
capture is needed and the previous figure is replaced, not appended to.
"""

from __future__ import annotations

import base64
import io


def png_bytes(fig, dpi: int) -> bytes:
    """The PNG bytes of ``fig`` (a :class:`matplotlib.figure.Figure`) at ``dpi``."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def figure_png(draw, figsize=(7.0, 4.0), dpi=80) -> str:
    """Base64 PNG text of a figure drawn by ``draw(ax)`` on a fresh, pyplot-free Figure."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)
    fig.subplots_adjust(left=0.14, right=0.97, bottom=0.13, top=0.92)  # fixed: no layout search
    draw(fig.add_subplot())
    return base64.b64encode(png_bytes(fig, dpi)).decode("ascii")


def show_figure_and_line(output, png: str | bytes, alt: str, line: str, *,
                         line_first: bool = False) -> None:
    """Replace the contents of ``output`` by the PNG ``png`` (base64 text, or the PNG's bytes;
    ``alt`` as its text) and ``line``, the line below the figure or, with ``line_first``, above it."""
    if isinstance(png, bytes):
        png = base64.b64encode(png).decode("ascii")
    figure = {"output_type": "display_data", "metadata": {},
              "data": {"image/png": png, "text/plain": alt}}
    text = {"output_type": "stream", "name": "stdout", "text": line + "\n"}
    output.outputs = (text, figure) if line_first else (figure, text)
