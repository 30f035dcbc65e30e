"""The colour-blind-safe palette every figure of the course draws from (Okabe & Ito, 2008)."""

#: The Okabe-Ito colour-blind-safe palette, by name.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}

#: Order in which curves take colours: strong colours first, yellow (weak on white) last.
LINE_COLORS = tuple(
    OKABE_ITO[k]
    for k in (
        "blue", "vermillion", "bluish green", "orange",
        "reddish purple", "sky blue", "black", "yellow",
    )
)

#: Colours for class regions and points (black is kept for edges and reference lines).
CLASS_COLORS = tuple(
    OKABE_ITO[k]
    for k in (
        "blue", "orange", "bluish green", "vermillion", "reddish purple", "sky blue", "yellow"
    )
)
