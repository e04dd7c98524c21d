"""One look for every figure in the course: colour-blind-safe colours, readable type, crisp SVG output.

Why a module: the book's figures, the notebooks' charts and the exercise drawings must look like one
course, so the palette and the matplotlib settings live in one place.
"""

from __future__ import annotations

# Okabe & Ito's palette, safe for the common forms of colour blindness.
PALETTE = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#6b6b6b",
}

#: Settings applied by :func:`use_course_style`; text is large enough to read on a phone.
RC_PARAMS = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    # As text (matplotlib parses it), so the palette can be imported where matplotlib is absent (the live builder).
    "axes.prop_cycle": "cycler(color={!r})".format(
        [PALETTE[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "yellow")]
    ),
    "legend.frameon": False,
    # Stable ids inside SVG output, so re-running a notebook gives the same file.
    "svg.hashsalt": "backcourse",
    "svg.fonttype": "path",
}


def use_course_style(svg: bool = True) -> None:
    """Apply the course look; in a notebook, also show figures as SVG so they stay crisp.

    Called once at the top of every notebook. Outside IPython only the matplotlib settings change.
    """
    import matplotlib

    matplotlib.rcParams.update(RC_PARAMS)
    if not svg:
        return
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with every notebook install
        return
    shell = get_ipython()
    if shell is None:
        return
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("svg", metadata={"Date": None})
