"""The course style keeps figures reproducible (nbval compares SVG text) and figures show cited numbers."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

from backcourse import evidence  # noqa: E402
from backcourse.book.figures import recovery_curve  # noqa: E402
from backcourse.style import PALETTE, RC_PARAMS, use_course_style  # noqa: E402


def svg_bytes(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def test_same_figure_gives_identical_svg_twice():
    with matplotlib.rc_context():
        use_course_style(svg=False)
        first, second = svg_bytes(recovery_curve()), svg_bytes(recovery_curve())
    assert first == second


def test_style_outside_ipython_only_sets_rcparams():
    with matplotlib.rc_context():
        use_course_style()
        assert matplotlib.rcParams["svg.hashsalt"] == RC_PARAMS["svg.hashsalt"]
        assert matplotlib.rcParams["axes.spines.top"] is False


def test_recovery_curve_plots_the_cited_series():
    fig = recovery_curve()
    (ax,) = fig.axes
    lines = {line.get_label(): line for line in ax.get_lines()}
    for series in (evidence.RECOVERY_ACUTE, evidence.RECOVERY_PERSISTENT):
        line = lines[series.label]
        assert tuple(line.get_xdata()) == series.x
        assert tuple(line.get_ydata()) == series.y
    # The source line sits under the whole figure, so a copied figure still says where its numbers come from.
    assert "Menezes Costa" in " ".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))


def test_palette_colours_are_distinct_hex_codes():
    values = list(PALETTE.values())
    assert len(set(v.lower() for v in values)) == len(values)
    assert all(len(v) == 7 and v.startswith("#") for v in values)
