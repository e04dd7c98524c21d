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


# --- Drawings a person can copy at home (issue 16, section 5) ----------------------------------------------


def _arrow_ends(ex_id: str):
    ex = LIBRARY.get(ex_id)
    (arrow,) = [p for p in drawings.start_end_figure(ex).axes[0].patches if isinstance(p, FancyArrowPatch)]
    verts = arrow._path_original.vertices  # the path the arrow was given, in data units
    return ex, tuple(verts[0]), tuple(verts[-1])


@pytest.mark.parametrize("ex_id, point, direction", [
    ("deadlift", "shoulder", "up"),  # the body comes up
    ("lunge", "far_knee", "down"),  # the back knee lowers
    ("hip-hinge", "head", "down"),  # the body bows forward
    ("sit-to-stand", "hip", "up"),
])
def test_the_arrow_follows_the_part_that_moves(ex_id, point, direction):
    ex, start, end = _arrow_ends(ex_id)
    assert ex.pose.arrows == [point]
    rise = end[1] - start[1]
    assert (rise > 0.1) if direction == "up" else (rise < -0.1)


@pytest.mark.parametrize("ex_id", ["knee-to-chest", "double-knee-to-chest", "piriformis-stretch"])
def test_knee_to_chest_arrows_run_from_the_knees_start_to_its_end_and_hands_grip(ex_id):
    ex, start, end = _arrow_ends(ex_id)
    (point,) = ex.pose.arrows
    ox, oy = ex.pose.arrow_offset
    for t, drawn in ((0.0, start), (1.0, end)):
        x, y = ex.pose.keypoints(t)[point]
        assert drawn == pytest.approx((x + ox, y + oy))
    assert set(ex.pose.grips) == {"near_hand", "far_hand"}
    end_panel = drawings.start_end_figure(ex).axes[1]
    hands = ex.pose.keypoints(1.0)
    centres = [tuple(p.center) for p in end_panel.patches if isinstance(p, Circle)]
    for hand in ("near_hand", "far_hand"):
        assert any(c == pytest.approx(hands[hand]) for c in centres), hand


def test_near_and_far_legs_do_not_lie_on_top_of_each_other_in_the_knee_to_chest_drawings():
    for ex_id in ("knee-to-chest", "double-knee-to-chest", "piriformis-stretch"):
        ex = LIBRARY.get(ex_id)
        for t in (0.0, 1.0):
            pts = ex.pose.keypoints(t)
            apart = max(math.dist(pts[f"near_{j}"], pts[f"far_{j}"]) for j in ("knee", "ankle"))
            assert apart > 0.08, (ex_id, t)


@pytest.mark.parametrize("ex_id", IDS)
def test_every_figure_shows_which_way_its_face_points(ex_id):
    """A nose (a small filled triangle) when the face is in profile; eyes when the figure faces the viewer."""
    from matplotlib.patches import Polygon

    ex = LIBRARY.get(ex_id)
    ax = drawings.start_end_figure(ex).axes[0]
    body = PALETTE["blue"].lower()
    if ex.pose.start.face_angle() is None:
        eyes = [p for p in ax.patches if isinstance(p, Circle) and p.radius < HEAD_RADIUS * 0.2]
        assert len(eyes) >= 2
    else:
        noses = [p for p in ax.patches if isinstance(p, Polygon) and p.get_fill()
                 and matplotlib.colors.to_hex(p.get_facecolor()) == body]
        assert len(noses) == 1


def test_figures_lying_on_the_floor_are_seen_from_above_only_with_a_face():
    above = [ex for ex in LIBRARY if ex.pose.view == "above"]
    assert {ex.id for ex in above} <= {"lying-spinal-twist", "foam-roll-rotation", "side-lying-thigh-stretch"}
    for ex in above:
        assert ex.pose.start.face is not None, ex.id  # a face that says: on the back (eyes) or on the side (nose)


@pytest.mark.parametrize("ex_id", [i for i in IDS if "foam-roller" in LIBRARY.get(i).equipment])
def test_a_foam_roller_is_drawn_as_a_roller_not_a_dot(ex_id):
    from matplotlib.patches import Polygon

    ex = LIBRARY.get(ex_id)
    ax = drawings.start_end_figure(ex).axes[0]
    orange = PALETTE["orange"].lower()
    shapes = [p for p in ax.patches if matplotlib.colors.to_hex(p.get_facecolor()) == orange and p.get_fill()]
    if ex.pose.view == "side" and not any(p.along for p in ex.pose.props):
        assert any(isinstance(p, Polygon) for p in shapes)  # the roller's length, drawn at a slant
        assert len([p for p in shapes if isinstance(p, Circle)]) == 2  # its near and far ends
    else:
        assert any(isinstance(p, FancyBboxPatch) for p in shapes)


def test_the_bike_has_a_frame():
    ax = drawings.start_end_figure(LIBRARY.get("cycling")).axes[0]
    frame = [line for line in ax.get_lines() if line.get_color() == drawings.PROP]
    assert len(frame) >= 6  # base, seat post, main frame, front leg, seat, back rest, handle


def test_the_side_plank_does_not_read_as_a_front_plank():
    side, front = LIBRARY.get("side-plank"), LIBRARY.get("plank")
    assert side.pose.start.face == "viewer" and front.pose.start.face_angle() is not None
    end = side.pose.keypoints(1.0)
    assert end["far_hand"][1] > end["head"][1] + 0.3  # the top arm reaches up to the ceiling
    knees = LIBRARY.get("side-plank-knees").pose.keypoints(1.0)
    assert knees["near_knee"][1] < knees["hip"][1]  # knees down, hips up


def test_childs_pose_ends_folded_with_the_head_down():
    ex = LIBRARY.get("childs-pose")
    start, end = ex.pose.keypoints(0.0), ex.pose.keypoints(1.0)
    assert end["hip"][1] < start["hip"][1] - 0.15  # the hips sink back toward the heels
    assert end["head"][1] - HEAD_RADIUS < 0.1  # the head rests low, near the floor
    assert end["near_hand"][0] > end["head"][0]  # arms reach forward past the head


def test_superman_arches_less_than_it_used_to():
    ex = LIBRARY.get("superman")
    end = ex.pose.keypoints(1.0)
    assert end["shoulder"][1] - end["hip"][1] < 0.15
