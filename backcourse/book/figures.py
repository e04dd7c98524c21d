"""Figures for the chapters, drawn from cited numbers in :mod:`backcourse.evidence`.

Each function returns a matplotlib Figure and takes no data of its own: the numbers and their source live
in ``evidence``, so a caption and a chart can never disagree.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from backcourse import evidence, safety
from backcourse.style import MIN_FONT, PALETTE, RC_PARAMS

import matplotlib


def _new_figure(width: float = 6.4, height: float = 4.0) -> Figure:
    """A figure in the course style that does not depend on pyplot's global state."""
    with matplotlib.rc_context(RC_PARAMS):
        fig = Figure(figsize=(width, height), layout="constrained")
    return fig


def _canvas(width: float, height: float, xlim: tuple[float, float], ylim: tuple[float, float],
            equal: bool = False):
    """A figure with one axis-free drawing area, for diagrams placed by data coordinates (call inside rc_context)."""
    fig = _new_figure(width, height)
    ax = fig.add_subplot()
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    if equal:
        ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def recovery_curve() -> Figure:
    """Average pain over the first year after an episode starts (Menezes Costa et al. 2012)."""
    with matplotlib.rc_context(RC_PARAMS):
        fig = _new_figure(4.6, 3.9)
        ax = fig.add_subplot()
        for series, colour, marker in (
            (evidence.RECOVERY_ACUTE, PALETTE["blue"], "o"),
            (evidence.RECOVERY_PERSISTENT, PALETTE["orange"], "s"),
        ):
            ax.plot(series.x, series.y, marker=marker, color=colour, linewidth=2.5, markersize=7, label=series.label)
            # Acute values sit below their points and persistent values above, so the week-0 pair never overlaps.
            dy = -16 if series is evidence.RECOVERY_ACUTE else 9
            for x, y in zip(series.x, series.y):
                ax.annotate(f"{y}", (x, y), textcoords="offset points", xytext=(0, dy), ha="center", fontsize=MIN_FONT,
                            color=colour)
        ax.set_ylabel("Average pain\n(0 = none, 100 = worst)")
        ax.set_xticks(evidence.RECOVERY_WEEKS)
        ax.set_ylim(0, 65)
        ax.set_xlabel("Weeks since the back pain started")
        ax.legend(loc="upper right")
        _title(fig, "Back pain usually eases,\nfastest in the first weeks")
        _source(fig, "Source: Menezes Costa et al. 2012, CMAJ (pooled cohort studies)")
    return fig


# --------------------------------------------------------------------------------------------------------------
# Chapter figures. Each is sized for a phone first: few words, large type, a source line at the bottom.
# --------------------------------------------------------------------------------------------------------------

from matplotlib.patches import Ellipse, FancyArrowPatch, FancyBboxPatch, Polygon  # noqa: E402
import textwrap  # noqa: E402


def _source(fig: Figure, text: str) -> None:
    """A grey source line under the plot, so a copied figure still says where its numbers come from.

    ``supxlabel`` (not ``fig.text``) so the constrained layout keeps room for it.
    """
    fig.supxlabel(textwrap.fill(text, 46), x=0.01, ha="left", fontsize=MIN_FONT, color=PALETTE["grey"])


def _title(fig: Figure, text: str) -> None:
    """A left-aligned title over the whole figure, clear of long tick labels."""
    fig.suptitle(text, x=0.01, ha="left", fontsize=12.5)


def _bar_labels(ax, y, labels) -> None:
    """Category names beside horizontal bars, with no axis line or tick marks competing with them."""
    ax.set_yticks(y, labels)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)


def _percent_bars(ax, shares, colours) -> None:
    labels = [textwrap.fill(s.label, 24) for s in shares]
    y = list(range(len(shares)))[::-1]
    ax.barh(y, [100] * len(shares), color="#eeeeee", height=0.6)
    ax.barh(y, [s.percent for s in shares], color=colours, height=0.6)
    for yi, share in zip(y, shares):
        ax.text(share.percent - 2, yi, f"{share.percent:g}%", va="center", ha="right", color="white",
                fontsize=13, fontweight="bold")
    _bar_labels(ax, y, labels)
    ax.set_xlim(0, 100)
    ax.set_xticks([0, 50, 100], ["0%", "50%", "100%"])


def year_after_episode() -> Figure:
    """Most people recover within a year, and the pain often comes back (Henschke 2008; da Silva 2019)."""
    shares = (evidence.RECOVERED_12_MONTHS, evidence.RECURRENCE_12_MONTHS, evidence.RECURRENCE_LIMITING)
    with matplotlib.rc_context(RC_PARAMS):
        fig = _new_figure(4.6, 3.3)
        ax = fig.add_subplot()
        _percent_bars(ax, shares, [PALETTE["green"], PALETTE["orange"], PALETTE["vermillion"]])
        _title(fig, "The year after an episode of back pain")
        _source(fig, "Sources: Henschke et al. 2008 (BMJ); da Silva et al. 2019 (J Physiother)")
    return fig


def _spine_points(n: int = 5):
    """Centres and tilt of the five lumbar vertebrae along a gentle inward curve (schematic)."""
    import math

    points = []
    for i in range(n):
        t = i / (n - 1)
        y = 8.2 - i * 1.35
        x = 5.0 + 0.55 * math.sin(math.pi * t)  # the lumbar curve bulges toward the front (the right)
        angle = 14 * math.cos(math.pi * t)
        points.append((x, y, angle))
    return points


def spine_diagram() -> Figure:
    """A labelled side view of the lower back: vertebrae, discs and the muscles around them (schematic)."""
    import math

    from matplotlib.transforms import Affine2D

    with matplotlib.rc_context(RC_PARAMS):
        fig, ax = _canvas(4.6, 4.9, (0, 12), (0, 10.7), equal=True)

        bone, disc = "#e9dfc9", PALETTE["sky"]
        points = _spine_points()
        for i, (x, y, angle) in enumerate(points):
            rot = Affine2D().rotate_deg_around(x, y, angle) + ax.transData
            body = FancyBboxPatch((x - 0.75, y - 0.45), 1.5, 0.9, boxstyle="round,pad=0.02,rounding_size=0.2",
                                  facecolor=bone, edgecolor="#7a6a4f", linewidth=1.2, transform=rot)
            ax.add_patch(body)
            # The bony bump you can feel down your back (spinous process) points backwards (to the left).
            spine = Polygon([(x - 0.75, y + 0.25), (x - 1.75, y + 0.05), (x - 1.8, y - 0.2), (x - 0.75, y - 0.2)],
                            closed=True, facecolor=bone, edgecolor="#7a6a4f", linewidth=1.2, transform=rot)
            ax.add_patch(spine)
            if i < len(points) - 1:
                nx, ny, nangle = points[i + 1]
                mid = ((x + nx) / 2, (y + ny) / 2)
                ax.add_patch(Ellipse(mid, 1.45, 0.38, angle=(angle + nangle) / 2, facecolor=disc,
                                     edgecolor=PALETTE["blue"], linewidth=1))
        # Sacrum: the wedge of bone at the base, part of the pelvis.
        sx, sy, _ = points[-1]
        sacrum = Polygon([(sx - 0.7, sy - 0.65), (sx + 0.9, sy - 0.75), (sx + 0.2, sy - 2.3), (sx - 0.5, sy - 2.1)],
                         closed=True, facecolor=bone, edgecolor="#7a6a4f", linewidth=1.2)
        ax.add_patch(sacrum)

        # Back muscles: a thick band behind the bony bumps.
        back_x = [x - 2.45 + 0.15 * math.sin(i) for i, (x, _, _) in enumerate(points)]
        ys = [y for _, y, _ in points]
        ax.fill_betweenx([ys[0] + 1.2] + ys + [ys[-1] - 1.3], [back_x[0]] + back_x + [back_x[-1] + 0.4],
                         [b + 0.75 for b in [back_x[0]] + back_x + [back_x[-1] + 0.4]],
                         color=PALETTE["vermillion"], alpha=0.55, linewidth=0)
        # Belly muscles: a band at the front of the trunk.
        front_x = [x + 3.0 for x, _, _ in points]
        ax.fill_betweenx([ys[0] + 1.2] + ys + [ys[-1] - 1.3], [front_x[0] - 0.2] + front_x + [front_x[-1] - 0.3],
                         [f + 0.55 for f in [front_x[0] - 0.2] + front_x + [front_x[-1] - 0.3]],
                         color=PALETTE["blue"], alpha=0.55, linewidth=0)
        # Side muscles (obliques) sit on the flank, between front and back: shown as a hatched patch.
        ax.add_patch(Polygon([(6.7, 8.9), (7.9, 8.9), (8.1, 4.3), (6.9, 4.0)], closed=True, facecolor="none",
                             edgecolor=PALETTE["green"], hatch="///", linewidth=1.5))
        # Buttock muscles (glutes) behind the pelvis.
        ax.add_patch(Ellipse((sx - 1.6, sy - 1.9), 2.2, 2.0, facecolor=PALETTE["purple"], alpha=0.5, linewidth=0))

        def label(text, xy, xytext, colour="black"):
            ax.annotate(text, xy, xytext=xytext, fontsize=MIN_FONT, color=colour, ha="center", va="center",
                        arrowprops=dict(arrowstyle="-", color=PALETTE["grey"], linewidth=1))

        x1, y1, _ = points[0]
        label("Vertebra (bone)", (x1, y1 + 0.35), (5.2, 10.2))
        x2, y2, _ = points[1]
        label("Bony bump\nyou can feel", (x2 - 1.7, y2 + 0.1), (1.4, 10.0))
        x3, y3, _ = points[2]
        x4, y4, _ = points[3]
        label("Disc\n(cushion)", ((x3 + x4) / 2 + 0.6, (y3 + y4) / 2), (10.4, 3.5), PALETTE["blue"])
        label("Back muscles", (back_x[3] + 0.3, y4), (1.3, 3.0), PALETTE["vermillion"])
        label("Belly muscles\n(front)", (front_x[2] + 0.55, y3), (10.6, 6.6), PALETTE["blue"])
        label("Side muscles\n(obliques)", (7.8, 8.6), (10.3, 9.9), PALETTE["green"])
        label("Sacrum\n(base of spine)", (sx + 0.1, sy - 1.4), (6.2, 0.5))
        label("Buttock\nmuscles", (sx - 2.1, sy - 2.4), (1.4, 0.7), PALETTE["purple"])
        ax.text(0.1, 5.6, "\u2190 back", fontsize=MIN_FONT, color=PALETTE["grey"], ha="left")
        ax.text(11.9, 1.9, "front \u2192", fontsize=MIN_FONT, color=PALETTE["grey"], ha="right")
        _title(fig, "The lower back from the side")
        _source(fig, "Schematic drawing, not to scale.")
    return fig


def phases_timeline() -> Figure:
    """How long back pain has lasted (ACP 2017) beside the course's three phases, which follow pain."""
    acute, chronic = evidence.ACUTE_WEEKS, evidence.CHRONIC_WEEKS
    end = 19
    with matplotlib.rc_context(RC_PARAMS):
        fig = _new_figure(4.6, 4.3)
        ax = fig.add_subplot()
        bands = (
            (0, acute, f"Acute\nunder {acute}\nweeks", PALETTE["vermillion"]),
            (acute, chronic, f"Subacute\n{acute} to {chronic}\nweeks", PALETTE["orange"]),
            (chronic, end, f"Chronic\nover {chronic}\nweeks", PALETTE["blue"]),
        )
        for start, stop, text, colour in bands:
            ax.barh(2.15, stop - start, left=start, height=0.8, color=colour, alpha=0.85, edgecolor="white")
            ax.text((start + stop) / 2, 2.15, text, ha="center", va="center", fontsize=MIN_FONT, color="white",
                    fontweight="bold")
        names = evidence.PHASE_NAMES
        # The same boundaries as the routine builder's suggestion (the ACP time bands); the arrows stay a
        # rough guide because the learner moves on when pain settles.
        phases = (
            (0, acute, f"1 {names['acute']}:\nmove,\nwalk", PALETTE["vermillion"]),
            (acute, chronic, f"2 {names['recovering']}:\nadd core\nholds", PALETTE["orange"]),
            (chronic, end, "3 " + names['maintenance'].replace(" ", "\n", 1) + ":\nbuild up", PALETTE["blue"]),
        )
        for start, stop, text, colour in phases:
            ax.add_patch(FancyArrowPatch((start + 0.1, 0.6), (stop - 0.1, 0.6), arrowstyle="simple,head_width=14,"
                                         "head_length=10,tail_width=9", color=colour, alpha=0.35, linewidth=0))
            ax.text((start + stop) / 2, 0.95, text, ha="center", va="bottom", fontsize=MIN_FONT)
        ax.set_yticks([2.15, 0.8], ["How long\nit has lasted", "The course's\nphases"])
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(0.2, 2.6)
        ax.set_xlim(0, end)
        ax.set_xticks([0, acute, chronic], ["0", str(acute), str(chronic)])
        ax.set_xlabel("Weeks since the pain started")
        ax.spines["left"].set_visible(False)
        _title(fig, "You move on when pain settles,\nnot by the calendar")
        _source(fig, "Time bands: Qaseem et al. 2017 (ACP guideline). Phases: the course's practical plan.")
    return fig


def _box(ax, xy, text, colour, width=3.6, height=1.0, fontsize=MIN_FONT, wrap=26):
    x, y = xy
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                boxstyle="round,pad=0.05,rounding_size=0.15", facecolor=colour,
                                edgecolor=PALETTE["grey"], linewidth=1))
    ax.text(x, y, textwrap.fill(text, wrap), ha="center", va="center", fontsize=fontsize)


def _arrow(ax, start, end, text=""):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>,head_width=0.25,head_length=0.4",
                                 color=PALETTE["black"], linewidth=1.3, mutation_scale=12))
    if text:
        ax.text((start[0] + end[0]) / 2 + 0.12, (start[1] + end[1]) / 2, text, fontsize=MIN_FONT, fontweight="bold",
                ha="left", va="center")


def progression_rule() -> Figure:
    """The pain-guided rule for repetitions, as a small flow chart (NHS inform; Arthritis Research Campaign)."""
    rule = evidence.REPS_RULE
    with matplotlib.rc_context(RC_PARAMS):
        fig, ax = _canvas(4.4, 4.4, (0, 8), (1.4, 8.4))
        light = {"start": "#dbeaf5", "ask": "#fff6cc", "yes": "#d5efe6", "no": "#fbe3d5"}
        _box(ax, (4, 7.8), f"Start with about {rule.start_reps} repetitions", light["start"], width=5.2, height=0.8)
        _box(ax, (4, 6.1), "Next day: is your pain no worse than usual?", light["ask"], width=5.6, height=1.0,
             wrap=30)
        _box(ax, (1.9, 3.9), f"Yes: add {rule.add_min} or {rule.add_max} repetitions next time",
             light["yes"], width=3.5, height=1.3, wrap=18)
        _box(ax, (6.1, 3.9), "No: go back to the last amount that felt fine", light["no"], width=3.5, height=1.3,
             wrap=18)
        # The pain rule itself lives in backcourse.safety and is shown in its box on the page; the chart only
        # points to it by its title, so it can never restate the rule differently.
        _box(ax, (4, 2.2), f"While you exercise, follow the pain rule box: “{safety.PAIN_RULE_TITLE}”",
             light["ask"], width=7.0, height=1.2, wrap=36)
        _arrow(ax, (4, 7.38), (4, 6.62))
        _arrow(ax, (3.0, 5.58), (2.1, 4.58), "yes")
        _arrow(ax, (5.0, 5.58), (5.9, 4.58), "no")
        _title(fig, "How many repetitions?")
        _source(fig, "Rule of thumb from NHS inform and an Arthritis Research Campaign sheet.")
    return fig


def walkback_chart() -> Figure:
    """WalkBack (Pocovi et al. 2024): median days until back pain came back and limited activity."""
    wb = evidence.WALKBACK
    with matplotlib.rc_context(RC_PARAMS):
        fig = _new_figure(4.6, 3.2)
        ax = fig.add_subplot()
        groups = ("Walking, education\nand physio", "No walking plan\n(control group)")
        values = (wb.median_days_walking, wb.median_days_control)
        colours = (PALETTE["green"], PALETTE["grey"])
        y = [1, 0]
        ax.barh(y, values, color=colours, height=0.6)
        for yi, value in zip(y, values):
            ax.text(value - 5, yi, f"{value} days", ha="right", va="center", color="white", fontsize=13,
                    fontweight="bold")
        _bar_labels(ax, y, groups)
        ax.set_xlim(0, 240)
        ax.set_xlabel("Median days until pain came back\nand limited activity")
        _title(fig, f"Walking kept pain away for longer ({wb.participants} adults)")
        # Patient pages give the result in plain words; the hazard ratio and its interval are in the
        # instructor guide.
        _source(fig, f"About {wb.lower_risk_percent}% lower risk at any time. Source: Pocovi et al. 2024 "
                     "(Lancet), WalkBack trial, in adults who had recovered.")
    return fig


def endurance_ratios_chart() -> Figure:
    """McGill, Childs & Liebenson 1999: how long front and side holds last compared with the back hold."""
    r = evidence.MCGILL_RATIOS
    with matplotlib.rc_context(RC_PARAMS):
        fig = _new_figure(4.6, 3.6)
        ax = fig.add_subplot()
        groups = ("Front hold\n÷ back hold", "Side hold\n÷ back hold")
        men = (r.flexor_extensor_men, r.side_bridge_extensor_men)
        women = (r.flexor_extensor_women, r.side_bridge_extensor_women)
        xs = [0, 1]
        width = 0.36
        bars_m = ax.bar([x - width / 2 for x in xs], men, width, color=PALETTE["blue"], label="Men")
        bars_w = ax.bar([x + width / 2 for x in xs], women, width, color=PALETTE["orange"], label="Women",
                        hatch="//", edgecolor="white")
        for bars in (bars_m, bars_w):
            for bar in bars:
                ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height() + 0.02, f"{bar.get_height():.2f}",
                        ha="center", va="bottom", fontsize=11)
        ax.axhline(1.0, color=PALETTE["grey"], linestyle="--", linewidth=1)
        ax.text(1.55, 1.02, "same as the\nback hold", fontsize=MIN_FONT, color=PALETTE["grey"], ha="right", va="bottom")
        ax.set_xticks(xs, groups)
        ax.set_ylim(0, 1.3)
        ax.set_ylabel("Ratio of hold times")
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2)
        _title(fig, "Reference values from 75 healthy young adults")
        _source(fig, "Source: McGill, Childs & Liebenson 1999. Not a target proven to treat pain.")
    return fig


def where_to_go() -> Figure:
    """Where to go, in three boxes. The signs themselves are listed in text (backcourse.safety), not here."""
    with matplotlib.rc_context(RC_PARAMS):
        fig, ax = _canvas(4.6, 4.9, (0, 10), (1.5, 11.6))
        sections = (
            ("A sign in the red box", f"{safety.emergency_block().title}: call {safety.EMERGENCY_NUMBERS}, "
             "or go to an emergency department.", "#fbe3d5", PALETTE["vermillion"], "!"),
            ("A sign in the orange box", f"{safety.see_soon_block().title}, within days. {safety.WHILE_WAITING}",
             "#fdf0cc", PALETTE["orange"], "?"),
            ("None of these", f"Keep moving gently. {safety.PAIN_RULE_TITLE.split(': ')[-1].capitalize()}.",
             "#d5efe6", PALETTE["green"], "\u2713"),
        )
        top = 11.4
        for title, text, fill, edge, mark in sections:
            lines = textwrap.wrap(text, 38)
            height = 1.2 + 0.5 * len(lines)
            ax.add_patch(FancyBboxPatch((0.15, top - height), 9.7, height, boxstyle="round,pad=0.02,rounding_size=0.3",
                                        facecolor=fill, edgecolor=edge, linewidth=2.5))
            ax.text(0.6, top - 0.55, mark, fontsize=16, fontweight="bold", color=edge, va="center", ha="center")
            ax.text(1.1, top - 0.55, title, fontsize=13, fontweight="bold", va="center")
            ax.text(0.6, top - 1.0, "\n".join(lines), fontsize=12, va="top", linespacing=1.4)
            top -= height + 0.3
        _source(fig, "Sources: NICE NG59; AHCPR red flags; Finucane et al. 2020.")
    return fig


def exercise_effect_chart() -> Figure:
    """Hayden et al. 2021 (Cochrane): how much more exercise helped than no treatment, on 0-100 scales."""
    h = evidence.HAYDEN
    with matplotlib.rc_context(RC_PARAMS):
        fig = _new_figure(4.6, 2.9)
        ax = fig.add_subplot()
        labels = ("Pain", "Daily function")
        values = (h.pain_points, h.function_points)
        y = [1, 0]
        ax.barh(y, [100, 100], color="#eeeeee", height=0.55)
        ax.barh(y, values, color=(PALETTE["blue"], PALETTE["green"]), height=0.55)
        for yi, value in zip(y, values):
            ax.text(value + 1.5, yi, f"about {value} points better", va="center", ha="left", fontsize=11.5)
        _bar_labels(ax, y, labels)
        ax.set_xlim(0, 100)
        ax.set_xlabel("Difference on a 0 to 100 scale")
        _title(fig, f"Exercise versus no treatment ({h.trials} trials)")
        _source(fig, "Source: Hayden et al. 2021, Cochrane review of exercise for chronic back pain.")
    return fig


def burden_chart() -> Figure:
    """GBD 2021 (Ferreira et al. 2023): people living with low back pain in 2020 and projected for 2050."""
    b = evidence.BURDEN
    with matplotlib.rc_context(RC_PARAMS):
        fig = _new_figure(4.4, 3.2)
        ax = fig.add_subplot()
        bars = ax.bar(["2020", "2050\n(projected)"], [b.millions_2020, b.millions_2050_projected],
                      color=(PALETTE["blue"], PALETTE["sky"]), width=0.55)
        bars[1].set_hatch("//")
        bars[1].set_edgecolor("white")
        for bar in bars:
            ax.text(bar.get_x() + bar.get_width() / 2, bar.get_height() + 15, f"{bar.get_height():.0f} million",
                    ha="center", va="bottom", fontsize=12)
        ax.set_ylim(0, 1000)
        ax.set_ylabel("People with low back pain\n(millions)")
        _title(fig, "You are far from alone")
        _source(fig, "Source: GBD 2021 Low Back Pain Collaborators (Ferreira et al. 2023).")
    return fig
