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

#: Smallest type in any chart, in points. Figures are at most about 4.6 inches (331 pt) wide, so a phone that
#: shrinks one to its 343 px column still draws this at 11 CSS px or more.
MIN_FONT = 11.5
#: Width of the article column on a 375 px phone, and the smallest chart text wanted there (CSS px).
PHONE_COLUMN_PX = 343
PHONE_MIN_TEXT_PX = 11.5


def min_font_for_width(width_in: float) -> float:
    """Smallest font size (pt) that stays readable on a phone when a figure this wide fills its column."""
    return max(MIN_FONT, PHONE_MIN_TEXT_PX * width_in * 72 / PHONE_COLUMN_PX)


#: Settings applied by :func:`use_course_style`; text is large enough to read on a phone.
RC_PARAMS = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "font.size": MIN_FONT,
    "axes.titlesize": 12.5,
    "axes.labelsize": MIN_FONT,
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
