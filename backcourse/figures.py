"""Figures for the chapters, drawn from cited numbers in :mod:`backcourse.evidence`.

Each function returns a matplotlib Figure and takes no data of its own: the numbers and their source live
in ``evidence``, so a caption and a chart can never disagree.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from . import evidence
from .style import PALETTE, RC_PARAMS

import matplotlib


def _new_figure(width: float = 6.4, height: float = 4.0) -> Figure:
    """A figure in the course style that does not depend on pyplot's global state."""
    with matplotlib.rc_context(RC_PARAMS):
        fig = Figure(figsize=(width, height), layout="constrained")
    return fig


def recovery_curve() -> Figure:
    """Average pain over the first year after an episode starts (Menezes Costa et al. 2012)."""
    with matplotlib.rc_context(RC_PARAMS):
        fig = _new_figure()
        ax = fig.add_subplot()
        for series, colour, marker in (
            (evidence.RECOVERY_ACUTE, PALETTE["blue"], "o"),
            (evidence.RECOVERY_PERSISTENT, PALETTE["orange"], "s"),
        ):
            ax.plot(series.x, series.y, marker=marker, color=colour, linewidth=2.5, markersize=7, label=series.label)
            # Acute values sit below their points and persistent values above, so the week-0 pair never overlaps.
            dy = -16 if series is evidence.RECOVERY_ACUTE else 9
            for x, y in zip(series.x, series.y):
                ax.annotate(f"{y}", (x, y), textcoords="offset points", xytext=(0, dy), ha="center", fontsize=10,
                            color=colour)
        ax.set_xlabel("Weeks since the back pain started")
        ax.set_ylabel("Average pain (0 = none, 100 = worst)")
        ax.set_xticks(evidence.RECOVERY_WEEKS)
        ax.set_ylim(0, 65)
        ax.set_title("Back pain usually eases, fastest in the first weeks")
        ax.legend(loc="upper right")
        ax.text(0.01, 0.02, "Source: Menezes Costa et al. 2012, CMAJ (pooled cohort studies)", fontsize=8,
                color=PALETTE["grey"], transform=ax.transAxes)
    return fig
