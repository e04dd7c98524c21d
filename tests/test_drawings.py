"""Exercise drawings: one per exercise, repeatable SVG, the whole figure inside the frame, props and arrows
where the data says, and alt text built from the data."""

from __future__ import annotations

import math
import re

import matplotlib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

matplotlib.use("Agg")

from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle  # noqa: E402

from backcourse.library import drawings  # noqa: E402
from backcourse.library.model import HEAD_RADIUS, label, load_library  # noqa: E402
from backcourse.style import PALETTE  # noqa: E402

LIBRARY = load_library()
IDS = list(LIBRARY.exercises)


@pytest.mark.parametrize("ex_id", IDS)
def test_each_drawing_is_the_same_svg_every_time(ex_id):
    ex = LIBRARY.get(ex_id)
    first, second = drawings.exercise_svg(ex), drawings.exercise_svg(ex)
    assert first == second
    assert first.lstrip().startswith("<?xml") and "<svg" in first
    assert "<dc:date>" not in first
    width = float(re.search(r'width="([\d.]+)pt"', first).group(1))
    assert width == pytest.approx(drawings.drawing_size(ex)[0] * 72, abs=0.5)


@pytest.mark.parametrize("ex_id", IDS)
def test_alt_text_says_what_the_drawing_shows(ex_id):
    ex = LIBRARY.get(ex_id)
    alt = drawings.alt_text(ex)
    assert alt.startswith("Drawing of ") and alt.endswith(".")
    assert label(ex.position) in alt
    assert ex.movement in alt
    assert ex.name.lower() in alt.lower()
    assert 12 <= len(alt.split()) <= 60
    for prop in ex.pose.props:
        if prop.kind != "water":
            assert drawings._PROP_WORDS[prop.kind] in alt


def _everything_drawn_inside(fig) -> list[str]:
    problems = []
    for ax in fig.axes:
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        for line in ax.get_lines():
            for x, y in zip(line.get_xdata(), line.get_ydata()):
                if not (x0 <= x <= x1 and y0 <= y <= y1):
                    problems.append(f"line point ({x:.2f}, {y:.2f}) outside {x0:.2f}..{x1:.2f} x {y0:.2f}..{y1:.2f}")
        for patch in ax.patches:
            if isinstance(patch, Circle):
                cx, cy = patch.center
                r = patch.radius
                if not (x0 <= cx - r and cx + r <= x1 and y0 <= cy - r and cy + r <= y1):
                    problems.append(f"circle at ({cx:.2f}, {cy:.2f}) outside the panel")
    return problems


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ex_id=st.sampled_from(IDS), t=st.floats(0, 1))
def test_the_whole_figure_stays_inside_its_panel_at_any_moment(ex_id, t):
    fig = drawings.draw_exercise(LIBRARY.get(ex_id), t)
    assert not _everything_drawn_inside(fig), ex_id


@pytest.mark.parametrize("ex_id", IDS)
def test_start_and_end_panels_share_one_frame_and_show_the_figure(ex_id):
    ex = LIBRARY.get(ex_id)
    for stacked in (False, True):
        fig = drawings.start_end_figure(ex, stacked=stacked)
        start, end = fig.axes
        assert start.get_xlim() == end.get_xlim() and start.get_ylim() == end.get_ylim()
        assert [t.get_text() for t in start.texts] == ["Start"] and [t.get_text() for t in end.texts] == ["End"]
        assert not _everything_drawn_inside(fig)
        w, h = drawings.drawing_size(ex, stacked=stacked)
        assert tuple(fig.get_size_inches()) == pytest.approx((w, h))


@pytest.mark.parametrize("ex_id", IDS)
def test_the_arrow_shows_the_movement(ex_id):
    ex = LIBRARY.get(ex_id)
    start_panel, end_panel = drawings.start_end_figure(ex).axes
    arrows = [p for p in start_panel.patches if isinstance(p, FancyArrowPatch)]
    moving = [name for name in ex.pose.arrows
              if math.dist(ex.pose.keypoints(0.0)[name], ex.pose.keypoints(1.0)[name]) > 0.05]
    assert moving, f"{ex_id}: no arrow point moves visibly"
    assert len(arrows) == len(moving)
    assert not [p for p in end_panel.patches if isinstance(p, FancyArrowPatch)]
    assert all(matplotlib.colors.to_hex(a.get_edgecolor()) == PALETTE["vermillion"].lower() for a in arrows)


def _fills(ax) -> set[str]:
    return {matplotlib.colors.to_hex(p.get_facecolor()) for p in ax.patches
            if isinstance(p, (Circle, FancyBboxPatch, Rectangle))}


@pytest.mark.parametrize("ex_id", IDS)
def test_props_are_drawn_where_the_equipment_needs_them(ex_id):
    ex = LIBRARY.get(ex_id)
    ax = drawings.start_end_figure(ex).axes[0]
    fills = _fills(ax)
    assert (PALETTE["orange"].lower() in fills) == ("foam-roller" in ex.equipment), "roller"
    strap = [line for line in ax.get_lines() if matplotlib.colors.to_hex(line.get_color()) == PALETTE["orange"].lower()]
    assert bool(strap) == ("strap" in ex.equipment)
    greys = [line for line in ax.get_lines() if line.get_color() == drawings.PROP]
    assert bool(greys) == bool({"chair", "bench", "bike"} & set(ex.equipment)), "chair, bench or bike"
    assert (drawings.PROP_FILL in {matplotlib.colors.to_hex(c) for c in [p.get_facecolor() for p in ax.patches]}) \
        == ("wall" in ex.equipment)
    floor = [line for line in ax.get_lines() if line.get_color() == drawings.FLOOR_COLOUR]
    assert bool(floor) == (ex.pose.view == "side" and ex.position != "in-water")


@pytest.mark.parametrize("ex_id", [i for i in IDS if LIBRARY.get(i).pose.grounded])
def test_a_grounded_figure_never_goes_through_the_floor(ex_id):
    ex = LIBRARY.get(ex_id)
    for t in [i / 10 for i in range(11)]:
        pts = ex.pose.keypoints(t)
        assert min(y for _, y in pts.values()) >= 0
        assert pts["head"][1] - HEAD_RADIUS >= 0


def test_every_exercise_has_a_drawing_and_alt_text():
    assert len({drawings.alt_text(ex) for ex in LIBRARY}) == len(LIBRARY)  # no two alt texts alike


def test_draw_exercise_rejects_a_moment_outside_the_movement():
    with pytest.raises(ValueError, match="between 0 and 1"):
        drawings.draw_exercise(LIBRARY.get("bird-dog"), 1.2)


def test_in_between_drawing_keeps_the_start_in_grey():
    ex = LIBRARY.get("bird-dog")
    ax = drawings.draw_exercise(ex, 0.5).axes[0]
    assert any(line.get_color() == drawings.GHOST for line in ax.get_lines())
    assert not any(line.get_color() == drawings.GHOST for line in drawings.draw_exercise(ex, 0.0).axes[0].get_lines())
    assert ax.texts[0].get_text() == "50% of the way"


def test_strip_figure_and_its_alt_text():
    ex = LIBRARY.get("cat-cow")
    fig = drawings.strip_figure(ex, steps=(0.0, 0.5, 1.0))
    assert [ax.texts[0].get_text() for ax in fig.axes] == ["Start", "Halfway", "End"]
    alt = drawings.strip_alt_text(ex)
    assert alt.startswith("Three drawings of the cat–cow") and ex.movement in alt
