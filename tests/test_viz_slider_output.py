"""rnncourse.viz.slider_output: a pyplot-free PNG and the Output's contents replaced, not appended."""

import base64

import matplotlib

from rnncourse.viz.slider_output import figure_png, png_bytes, show_figure_and_line


def test_figure_png_is_a_png_and_leaves_global_state_alone():
    before = dict(matplotlib.rcParams)
    drawn = []
    png = figure_png(lambda ax: drawn.append(ax.plot([0, 1], [1, 0])))
    assert drawn and base64.b64decode(png)[:4] == b"\x89PNG"
    assert dict(matplotlib.rcParams) == before


def test_show_figure_and_line_replaces_the_contents():
    class Output:  # the one attribute the helper sets
        outputs = ()

    out = Output()
    show_figure_and_line(out, "AAAA", "<first>", "line one")
    show_figure_and_line(out, "BBBB", "<second>", "line two")
    assert len(out.outputs) == 2
    assert out.outputs[0]["data"] == {"image/png": "BBBB", "text/plain": "<second>"}
    assert out.outputs[1] == {"output_type": "stream", "name": "stdout", "text": "line two\n"}


def test_png_bytes_and_the_line_above_the_figure():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2.0, 1.0))
    fig.add_subplot().plot([0, 1])
    png = png_bytes(fig, dpi=50)
    assert png[:4] == b"\x89PNG"

    class Output:
        outputs = ()

    out = Output()
    show_figure_and_line(out, png, "<alt>", "the line", line_first=True)
    assert out.outputs[0] == {"output_type": "stream", "name": "stdout", "text": "the line\n"}
    assert out.outputs[1]["data"] == {"image/png": base64.b64encode(png).decode("ascii"),
                                      "text/plain": "<alt>"}
