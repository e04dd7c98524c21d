"""Line drawings of the exercises, made from the pose data kept with each exercise.

Why drawn from data: every exercise gets a figure in one style (same body, same line widths, same props,
same arrow), a new exercise needs only its joint angles, and the explorer notebook can show any moment
between start and end. Figures are plain matplotlib ``Figure`` objects (no pyplot state); SVG output is
byte-for-byte repeatable, so notebooks that show drawings pass nbval's strict comparison.
"""

from __future__ import annotations

import io
import math

import matplotlib
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Polygon, Rectangle
from matplotlib.path import Path as MplPath

from backcourse.library.model import HEAD_RADIUS, Exercise, Pose, Prop, label
from backcourse.style import PALETTE, RC_PARAMS, min_font_for_width

#: Inches of figure per metre of drawing: one scale for every exercise, so figures compare at a glance.
INCHES_PER_METRE = 1.3
#: Narrowest panel, in metres (a standing figure's panel is just wider than the figure and its arrow).
MIN_PANEL_WIDTH = 1.2
MIN_PANEL_HEIGHT = 0.85
MARGIN = 0.16
#: Room above the figure for the panel's title ("Start", "End"), so the title never covers the figure.
TITLE_BAND = 0.2

BODY = PALETTE["blue"]
FAR = PALETTE["sky"]
ARROW = PALETTE["vermillion"]
PROP = "#5a5a5a"
PROP_FILL = "#d9d9d9"
ROOM_WALL = "#efefef"
GHOST = "#c8c8c8"
LINE = 5.0  # points: thick enough to read at phone width
FLOOR_COLOUR = "#8a8a8a"

#: Radius of a foam roller seen end-on (a 15 cm roller) and how its far end shows, drawn at a slant so it
#: reads as a cylinder rather than a ball.
ROLLER_R = 0.075
ROLLER_DEPTH = (0.1, 0.06)

#: Samples of the movement used for the arrow's path and for the panel's extent.
_SAMPLES = [i / 20 for i in range(21)]


# --- Geometry ----------------------------------------------------------------------------------------------


def _prop_anchor(pose: Pose, prop: Prop) -> tuple[float, float]:
    x, y = pose.keypoints(0.0)[prop.at]
    return x + prop.dx, y + prop.dy


def _prop_extent(pose: Pose, prop: Prop) -> tuple[float, float, float, float]:
    """(xmin, xmax, ymin, ymax) a prop occupies, for sizing the panel."""
    x, y = _prop_anchor(pose, prop)
    if prop.kind == "roller":
        if pose.view == "above":
            return x - 0.08, x + 0.08, y - 0.31, y + 0.31
        half = 0.45 if prop.along else ROLLER_R
        return x - half, x + half + ROLLER_DEPTH[0], 0.0, 2 * ROLLER_R + ROLLER_DEPTH[1]
    if prop.kind in ("chair", "bench"):
        top = y - 0.07
        left = x - (0.36 if prop.against_wall else 0.25)
        return left, x + 0.25, 0.0, top + (0.5 if prop.kind == "chair" else 0.15 if prop.against_wall else 0.0)
    if prop.kind == "wall":
        return x - 0.06, x, 0.0, 1.9
    if prop.kind == "bike":
        pts = pose.keypoints(0.0)
        cx = (pts["near_ankle"][0] + pts["far_ankle"][0]) / 2
        return min(x - 0.45, cx - 0.2), max(x, cx + 0.3), 0.0, y + 0.45
    if prop.kind == "water":
        return x - 1.0, x + 1.0, y - 0.35, y + 0.05
    raise ValueError(f"unknown prop kind {prop.kind!r}")


def _bounds(ex: Exercise) -> tuple[float, float, float, float]:
    """The part of the plane the whole movement uses, with props and margins; the same for every t."""
    xs: list[float] = []
    ys: list[float] = []
    for t in _SAMPLES:
        pts = ex.pose.keypoints(t)
        xs += [p[0] for p in pts.values()]
        ys += [p[1] for p in pts.values()]
        hx, hy = pts["head"]
        xs += [hx - HEAD_RADIUS, hx + HEAD_RADIUS]
        ys += [hy - HEAD_RADIUS, hy + HEAD_RADIUS]
    for prop in ex.pose.props:
        x0, x1, y0, y1 = _prop_extent(ex.pose, prop)
        xs += [x0, x1]
        ys += [y0, y1]
    ox, oy = ex.pose.arrow_offset
    for name in ex.pose.arrows:
        for t in (0.0, 0.5, 1.0):
            x, y = ex.pose.keypoints(t)[name]
            xs.append(x + ox)
            ys.append(y + oy)
    if ex.pose.view == "above":
        hip_y = ex.pose.keypoints(0.0)["hip"][1]
        xs += [min(xs) - 0.18, max(xs) + 0.18]
        ys += [min(min(ys) - 0.15, hip_y - 0.38), max(max(ys) + 0.15, hip_y + 0.38)]
    if ex.pose.grounded:
        ys.append(0.0)
    x0, x1, y0, y1 = min(xs) - MARGIN, max(xs) + MARGIN, min(ys) - MARGIN, max(ys) + MARGIN + TITLE_BAND
    if x1 - x0 < MIN_PANEL_WIDTH:
        pad = (MIN_PANEL_WIDTH - (x1 - x0)) / 2
        x0, x1 = x0 - pad, x1 + pad
    if y1 - y0 < MIN_PANEL_HEIGHT:
        y1 = y0 + MIN_PANEL_HEIGHT
    return x0, x1, y0, y1


# --- Drawing pieces ----------------------------------------------------------------------------------------


def _line(ax, points, colour, width=LINE, z=3, **kw):
    xs, ys = zip(*points)
    ax.plot(xs, ys, color=colour, linewidth=width, solid_capstyle="round", solid_joinstyle="round", zorder=z, **kw)


def _torso_path(hip, mid, shoulder, n: int = 12):
    """A smooth curve through hip, mid-back and shoulder (a curved back reads as a curved back)."""
    cx = 2 * mid[0] - (hip[0] + shoulder[0]) / 2
    cy = 2 * mid[1] - (hip[1] + shoulder[1]) / 2
    out = []
    for i in range(n + 1):
        s = i / n
        out.append((
            (1 - s) ** 2 * hip[0] + 2 * (1 - s) * s * cx + s**2 * shoulder[0],
            (1 - s) ** 2 * hip[1] + 2 * (1 - s) * s * cy + s**2 * shoulder[1],
        ))
    return out


def _draw_figure(ax, pose: Pose, t: float, ghost: bool = False) -> None:
    pts = pose.keypoints(t)
    body = GHOST if ghost else BODY
    far = GHOST if ghost else FAR
    z = 1 if ghost else 3
    width = LINE * (0.8 if ghost else 1.0)
    # Far limbs first, so the near side and the trunk cover them.
    _line(ax, [pts["shoulder"], pts["far_elbow"], pts["far_hand"]], far, width, z)
    _line(ax, [pts["hip"], pts["far_knee"], pts["far_ankle"], pts["far_toe"]], far, width, z)
    _line(ax, _torso_path(pts["hip"], pts["mid"], pts["shoulder"]), body, width * 1.15, z + 1)
    hx, hy = pts["head"]
    sx, sy = pts["shoulder"]
    d = math.hypot(hx - sx, hy - sy) or 1.0
    neck_end = (hx - (hx - sx) / d * HEAD_RADIUS, hy - (hy - sy) / d * HEAD_RADIUS)
    _line(ax, [pts["shoulder"], neck_end], body, width, z + 1)
    _line(ax, [pts["hip"], pts["near_knee"], pts["near_ankle"], pts["near_toe"]], body, width, z + 2)
    _line(ax, [pts["shoulder"], pts["near_elbow"], pts["near_hand"]], body, width, z + 3)
    ax.add_patch(Circle((hx, hy), HEAD_RADIUS, facecolor="white", edgecolor=body, linewidth=width * 0.7,
                        zorder=z + 4))
    face = pose.at(t).face_angle()
    if ghost:
        pass
    elif face is not None:
        rad = math.radians(face)
        inner = (hx + math.cos(rad) * HEAD_RADIUS * 0.55, hy + math.sin(rad) * HEAD_RADIUS * 0.55)
        ax.add_patch(Circle(inner, HEAD_RADIUS * 0.16, facecolor=body, edgecolor="none", zorder=z + 5))
        # A nose on the outline, so the way the face points reads even when the figure is small.
        tip = (hx + math.cos(rad) * HEAD_RADIUS * 1.45, hy + math.sin(rad) * HEAD_RADIUS * 1.45)
        side = math.radians(face + 90)
        base = [(hx + math.cos(rad) * HEAD_RADIUS * 0.9 + s * math.cos(side) * HEAD_RADIUS * 0.35,
                 hy + math.sin(rad) * HEAD_RADIUS * 0.9 + s * math.sin(side) * HEAD_RADIUS * 0.35) for s in (-1, 1)]
        ax.add_patch(Polygon([base[0], tip, base[1]], closed=True, facecolor=body, edgecolor="none", zorder=z + 3.9))
    else:
        # Facing the viewer (lying on the back seen from above, or a side plank seen from the front): two eyes
        # and a smile, turned so "up" on the face points away from the neck.
        up = math.atan2(hy - sy, hx - sx)
        across = up - math.pi / 2
        for s in (-1, 1):
            eye = (hx + math.cos(up) * HEAD_RADIUS * 0.25 + s * math.cos(across) * HEAD_RADIUS * 0.38,
                   hy + math.sin(up) * HEAD_RADIUS * 0.25 + s * math.sin(across) * HEAD_RADIUS * 0.38)
            ax.add_patch(Circle(eye, HEAD_RADIUS * 0.14, facecolor=body, edgecolor="none", zorder=z + 5))
        arc = [(hx - math.cos(up) * HEAD_RADIUS * (0.25 + 0.15 * math.cos(a)) + math.cos(across) * HEAD_RADIUS * 0.45
                * math.sin(a), hy - math.sin(up) * HEAD_RADIUS * (0.25 + 0.15 * math.cos(a)) + math.sin(across)
                * HEAD_RADIUS * 0.45 * math.sin(a)) for a in [(-1 + i / 4) * math.pi / 2 for i in range(9)]]
        ax.plot(*zip(*arc), color=body, linewidth=1.6, solid_capstyle="round", zorder=z + 5)
    for hand in (pose.grips if t >= 0.5 else []):  # hands take hold as the movement is done
        # A closed hand holding on: a filled dot, bigger than the line is wide.
        colour = body if hand == "near_hand" else far
        ax.add_patch(Circle(pts[hand], HEAD_RADIUS * 0.42, facecolor=colour, edgecolor="white", linewidth=1.2,
                            zorder=z + (6 if hand == "near_hand" else 2.5)))


def _draw_roller_end_on(ax, x: float) -> None:
    """A foam roller lying across the body, seen from the side at a slant: its near end is a circle with a
    ring, its body runs back to the far end, so it reads as a roller, not a ball."""
    r, (dx, dy) = ROLLER_R, ROLLER_DEPTH
    cy = r
    far = (x + dx, cy + dy)
    ax.add_patch(Circle(far, r, facecolor=PALETTE["orange"], edgecolor=PROP, linewidth=1.2, zorder=1.9))
    length = math.hypot(dx, dy)
    nx, ny = -dy / length * r, dx / length * r  # the normal to the roller's axis, one radius long
    ax.add_patch(Polygon([(x + nx, cy + ny), (far[0] + nx, far[1] + ny), (far[0] - nx, far[1] - ny),
                          (x - nx, cy - ny)], closed=True, facecolor=PALETTE["orange"], edgecolor="none", zorder=1.95))
    for sign in (1, -1):  # the roller's two long edges (patches, not lines: lines in grey mean furniture)
        ax.add_patch(Polygon([(x + sign * nx, cy + sign * ny), (far[0] + sign * nx, far[1] + sign * ny)], closed=False,
                             fill=False, edgecolor=PROP, linewidth=1.2, zorder=1.96))
    ax.add_patch(Circle((x, cy), r, facecolor=PALETTE["orange"], edgecolor=PROP, linewidth=1.2, zorder=2))
    ax.add_patch(Circle((x, cy), r * 0.45, facecolor="none", edgecolor=PROP, linewidth=1.0, zorder=2.05))


def _draw_props(ax, ex: Exercise, x0: float, x1: float) -> None:
    pose = ex.pose
    in_water = any(p.kind == "water" for p in pose.props)
    if pose.view == "above":
        # Seen from the ceiling: the mat is a rectangle under the whole figure and there is no floor line.
        xs, ys = [], []
        for t in _SAMPLES:
            for x, y in pose.keypoints(t).values():
                xs.append(x)
                ys.append(y)
        hip_y = pose.keypoints(0.0)["hip"][1]
        left, right = min(xs) - 0.18, max(xs) + 0.18
        low, high = min(min(ys) - 0.15, hip_y - 0.38), max(max(ys) + 0.15, hip_y + 0.38)
        ax.add_patch(FancyBboxPatch((left, low), right - left, high - low, boxstyle="round,pad=0,rounding_size=0.05",
                                    facecolor=PALETTE["green"], alpha=0.18, edgecolor=PALETTE["green"],
                                    linewidth=1.2, zorder=0))
    elif not in_water:
        ax.plot([x0, x1], [0, 0], color=FLOOR_COLOUR, linewidth=2, zorder=0, solid_capstyle="butt")
    if "mat" in ex.comfort and pose.view == "side":
        xs = [x for t in (0.0, 1.0) for x, y in pose.keypoints(t).values() if y < 0.35]
        if xs:
            left, right = min(xs) - 0.12, max(xs) + 0.12
            ax.add_patch(Rectangle((left, 0.0), right - left, 0.03, facecolor=PALETTE["green"], alpha=0.45,
                                   edgecolor="none", zorder=0.5))
    for prop in pose.props:
        x, y = _prop_anchor(pose, prop)
        if prop.kind == "roller":
            if pose.view == "above":  # a roller across the body, seen from the ceiling, under the figure
                ax.add_patch(FancyBboxPatch((x - 0.075, y - 0.3), 0.15, 0.6, boxstyle="round,pad=0,rounding_size=0.03",
                                            facecolor=PALETTE["orange"], edgecolor=PROP, linewidth=1.2, zorder=0.8))
            elif prop.along:
                ax.add_patch(FancyBboxPatch((x - 0.45, 0.0), 0.9, 0.15, boxstyle="round,pad=0,rounding_size=0.075",
                                            facecolor=PALETTE["orange"], edgecolor=PROP, linewidth=1.2, zorder=2))
            else:
                _draw_roller_end_on(ax, x)
        elif prop.kind in ("chair", "bench"):
            top = y - 0.07
            seat = [(x - 0.22, top), (x + 0.22, top)]
            _line(ax, seat, PROP, 4, 2)
            _line(ax, [(x - 0.2, top), (x - 0.2, 0.0)], PROP, 3, 2)
            _line(ax, [(x + 0.2, top), (x + 0.2, 0.0)], PROP, 3, 2)
            if prop.kind == "chair":
                _line(ax, [(x - 0.22, top), (x - 0.26, top + 0.48)], PROP, 4, 2)
            if prop.against_wall:
                # The room's wall behind the sofa or bench (lighter than a wall the exercise itself uses).
                ax.add_patch(Rectangle((x - 0.34, 0.0), 0.1, top + 0.15, facecolor=ROOM_WALL, edgecolor=PROP,
                                       linewidth=1.0, zorder=0.5))
        elif prop.kind == "wall":
            ax.add_patch(Rectangle((x - 0.06, 0.0), 0.06, 1.9, facecolor=PROP_FILL, edgecolor=PROP, linewidth=1.2,
                                   zorder=0.5))
        elif prop.kind == "bike":
            pts = pose.keypoints(0.0)
            cx = (pts["near_ankle"][0] + pts["far_ankle"][0]) / 2
            cy = (pts["near_ankle"][1] + pts["far_ankle"][1]) / 2
            r = math.hypot(pts["near_ankle"][0] - cx, pts["near_ankle"][1] - cy)
            top = y - 0.07
            # A recumbent bike: base, a frame from under the seat to the pedals, the pedals' circle with a
            # crank, a seat with a back rest and handles beside the seat.
            _line(ax, [(x - 0.45, 0.02), (cx + 0.2, 0.02)], PROP, 5, 1)  # base
            _line(ax, [(x - 0.05, 0.02), (x - 0.05, top)], PROP, 4, 1)  # seat post
            _line(ax, [(x - 0.05, 0.2), (cx, cy)], PROP, 5, 1)  # main frame to the pedals
            _line(ax, [(cx, cy), (cx + 0.05, 0.02)], PROP, 4, 1)  # front leg
            ax.add_patch(Circle((cx, cy), r, facecolor="none", edgecolor=PROP, linewidth=1.5, zorder=1))
            ax.add_patch(Circle((cx, cy), 0.07, facecolor="white", edgecolor=PROP, linewidth=2, zorder=1))
            _line(ax, [(x - 0.3, top), (x + 0.14, top)], PROP, 6, 2)  # seat
            _line(ax, [(x - 0.3, top), (x - 0.42, top + 0.46)], PROP, 6, 2)  # back rest
            _line(ax, [(x - 0.05, top - 0.02), (x + 0.1, top + 0.12), (x + 0.2, top + 0.12)], PROP, 3, 2)  # handle
        elif prop.kind == "water":
            wave = [(x0 + i * (x1 - x0) / 60, y + 0.015 * math.sin(i * 1.3)) for i in range(61)]
            xs, ys = zip(*wave)
            ax.fill_between(xs, ys, [y - 0.6] * len(xs), color=PALETTE["sky"], alpha=0.25, linewidth=0, zorder=0)
            ax.plot(xs, ys, color=PALETTE["blue"], linewidth=1.2, zorder=0.5)


def _draw_equipment_in_hand(ax, ex: Exercise, t: float) -> None:
    pts = ex.pose.keypoints(t)
    if "strap" in ex.equipment:
        _line(ax, [pts["near_hand"], pts["near_toe"]], PALETTE["orange"], 2.2, 2.5)
    if "weights" in ex.equipment:
        hx, hy = pts["near_hand"]
        ax.add_patch(Rectangle((hx - 0.09, hy - 0.05), 0.18, 0.1, facecolor=PROP, edgecolor="none", zorder=8))


def _draw_arrows(ax, ex: Exercise) -> None:
    """The path each named key point travels, as an arrow from its start position."""
    ox, oy = ex.pose.arrow_offset
    for name in ex.pose.arrows:
        samples = (0.0, 1.0) if ex.pose.arrow_path == "straight" else _SAMPLES
        path = [(x + ox, y + oy) for x, y in (ex.pose.keypoints(t)[name] for t in samples)]
        length = sum(math.dist(a, b) for a, b in zip(path, path[1:]))
        if length < 0.05:
            continue
        # Stop a little short of the end point so the head does not sit on the limb.
        codes = [MplPath.MOVETO] + [MplPath.LINETO] * (len(path) - 1)
        arrow = FancyArrowPatch(path=MplPath(path, codes), arrowstyle="-|>,head_length=0.5,head_width=0.3",
                                mutation_scale=22, color=ARROW, linewidth=2.6, zorder=9,
                                shrinkA=0, shrinkB=0)
        ax.add_patch(arrow)


def _panel(ax, ex: Exercise, bounds, t: float, title: str | None, arrows: bool, ghost: bool) -> None:
    x0, x1, y0, y1 = bounds
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.axis("off")
    _draw_props(ax, ex, x0, x1)
    if ghost and t > 0:
        _draw_figure(ax, ex.pose, 0.0, ghost=True)
    _draw_figure(ax, ex.pose, t)
    _draw_equipment_in_hand(ax, ex, t)
    if arrows:
        _draw_arrows(ax, ex)
    if title:
        # Large enough to read when a phone shrinks the whole figure (all panels) to its column.
        fig_width = ax.figure.get_figwidth()
        ax.text(x0 + 0.03, y1 - 0.03, title, ha="left", va="top", fontsize=max(15, min_font_for_width(fig_width)),
                fontweight="bold",
                color=PALETTE["black"], zorder=10)


def _figure(width_m: float, height_m: float) -> Figure:
    with matplotlib.rc_context(RC_PARAMS):
        fig = Figure(figsize=(width_m * INCHES_PER_METRE, height_m * INCHES_PER_METRE))
    fig.subplots_adjust(left=0, right=1, bottom=0, top=1, wspace=0)
    return fig


# --- Public API --------------------------------------------------------------------------------------------


def draw_exercise(ex: Exercise, t: float = 0.0) -> Figure:
    """The figure a fraction ``t`` of the way through the movement (0 = start, 1 = end).

    At the start the arrows show where the movement goes; later the start position stays in light grey,
    so the movement so far is visible. The panel is the same size for every ``t`` (a slider does not jump).
    """
    if not 0.0 <= t <= 1.0:
        raise ValueError(f"t must be between 0 and 1, got {t!r}")
    bounds = _bounds(ex)
    width, height = bounds[1] - bounds[0], bounds[3] - bounds[2]
    fig = _figure(width, height)
    ax = fig.add_subplot()
    title = "Start" if t == 0 else "End" if t == 1 else f"{round(t * 100)}% of the way"
    _panel(ax, ex, bounds, t, title, arrows=t == 0, ghost=True)
    return fig


def start_end_figure(ex: Exercise, stacked: bool = False) -> Figure:
    """Start (with the movement arrow) and end position, side by side or one above the other.

    Both layouts use the course's one scale; the stacked one suits a phone when the figure lies down.
    """
    bounds = _bounds(ex)
    width, height = bounds[1] - bounds[0], bounds[3] - bounds[2]
    gap = 0.1
    if stacked:
        fig = _figure(width, 2 * height + gap)
        share = height / (2 * height + gap)
        top = fig.add_axes((0, 1 - share, 1, share))
        bottom = fig.add_axes((0, 0, 1, share))
        _panel(top, ex, bounds, 0.0, "Start", arrows=True, ghost=False)
        _panel(bottom, ex, bounds, 1.0, "End", arrows=False, ghost=False)
        fig.add_artist(matplotlib.lines.Line2D([0.03, 0.97], [0.5, 0.5], color="#dddddd", linewidth=1))
        return fig
    fig = _figure(2 * width + gap, height)
    share = width / (2 * width + gap)
    left = fig.add_axes((0, 0, share, 1))
    right = fig.add_axes((1 - share, 0, share, 1))
    _panel(left, ex, bounds, 0.0, "Start", arrows=True, ghost=False)
    _panel(right, ex, bounds, 1.0, "End", arrows=False, ghost=False)
    fig.add_artist(matplotlib.lines.Line2D([0.5, 0.5], [0.06, 0.94], color="#dddddd", linewidth=1))
    return fig


def drawing_size(ex: Exercise, stacked: bool = False) -> tuple[float, float]:
    """Width and height in inches of :func:`start_end_figure` (pages reserve the space before it loads)."""
    x0, x1, y0, y1 = _bounds(ex)
    w, h = x1 - x0, y1 - y0
    size = (w, 2 * h + 0.1) if stacked else (2 * w + 0.1, h)
    return size[0] * INCHES_PER_METRE, size[1] * INCHES_PER_METRE


def strip_figure(ex: Exercise, steps: tuple[float, ...] = (0.0, 0.5, 1.0)) -> Figure:
    """Several moments of one movement in a row (the book's static stand-in for the explorer's slider)."""
    bounds = _bounds(ex)
    width, height = bounds[1] - bounds[0], bounds[3] - bounds[2]
    n = len(steps)
    fig = _figure(n * width + (n - 1) * 0.1, height)
    total = n * width + (n - 1) * 0.1
    for i, t in enumerate(steps):
        ax = fig.add_axes((i * (width + 0.1) / total, 0, width / total, 1))
        title = "Start" if t == 0 else "End" if t == 1 else "Halfway" if t == 0.5 else f"{round(t * 100)}%"
        _panel(ax, ex, bounds, t, title, arrows=t == 0, ghost=False)
    return fig


def figure_svg(fig: Figure) -> str:
    """SVG text of a figure, without a date or random ids (the same drawing always gives the same text)."""
    buf = io.StringIO()
    with matplotlib.rc_context(RC_PARAMS):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue()


def exercise_svg(ex: Exercise, stacked: bool = False) -> str:
    """The start-and-end drawing of an exercise as SVG text (the library chapter writes it to a file)."""
    return figure_svg(start_end_figure(ex, stacked=stacked))


_PROP_WORDS = {
    "roller": "a foam roller",
    "chair": "a chair",
    "bench": "a sturdy bench or sofa against a wall",
    "wall": "a wall",
    "bike": "a recumbent exercise bike",
    "water": "a pool",
}


def _start_words(ex: Exercise) -> str:
    """Where the movement starts and what is used, e.g. "on hands and knees, with a mat"."""
    where = label(ex.position)
    extras = [_PROP_WORDS[p.kind] for p in ex.pose.props if p.kind != "water"]
    if "strap" in ex.equipment:
        extras.append("a strap around one foot")
    if "weights" in ex.equipment:
        extras.append("a weight in the hands")
    if "mat" in ex.comfort and ex.position not in ("standing", "seated"):
        extras.append("a mat")
    return where + (f", with {_join(extras)}" if extras else "")


def alt_text(ex: Exercise) -> str:
    """Alt text from the data: the name, the starting position, what is used, and the movement."""
    return f"Drawing of {ex.name_in_sentence()}: {_start_words(ex)}; then {ex.movement}."


def strip_alt_text(ex: Exercise, steps: tuple[float, ...] = (0.0, 0.5, 1.0)) -> str:
    """Alt text for :func:`strip_figure`: how many moments are shown, then the position and movement."""
    names = {0.0: "the start", 0.5: "halfway", 1.0: "the end"}
    moments = _join([names.get(t, f"{round(t * 100)}% of the way") for t in steps])
    count = {2: "Two", 3: "Three", 4: "Four", 5: "Five"}.get(len(steps), str(len(steps)))
    return (f"{count} drawings of {ex.name_in_sentence()} in a row, at {moments}: {_start_words(ex)}; "
            f"then {ex.movement}.")


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


__all__ = [
    "alt_text", "draw_exercise", "drawing_size", "exercise_svg", "figure_svg", "start_end_figure", "strip_alt_text",
    "strip_figure",
]
