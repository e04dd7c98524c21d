"""Charts of a pain diary, in the course style, readable on a phone.

Why these choices: weeks on the x-axis (single days are noisy), the baseline week and the band of changes
smaller than "2 points or 30 %" drawn in, so a reader sees at a glance whether a change is the size that
usually matters to people (Farrar 2001; Ostelo 2008). Colours are Okabe-Ito; every series also differs in
marker or line style, so the chart reads without colour too.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Sequence

import matplotlib
from matplotlib.figure import Figure

from backcourse.diary import analysis
from backcourse.diary.store import Entry
from backcourse.evidence import WHO_WEEKLY_MINUTES
from backcourse.style import MIN_FONT, PALETTE, RC_PARAMS

#: Figure size in inches: narrow and tall enough that text stays readable when a phone shrinks it.
PHONE_SIZE = (4.3, 5.0)
PAIN_LABEL = "Pain (0 = none, 10 = worst imaginable)"
SAMPLE_NOTE = "MADE-UP SAMPLE (not a real person)"
#: Up to this many weeks (two years) the charts show every day and a marker per week; beyond, bands and lines.
DETAIL_WEEKS = 104


def _x(d: date, start: date) -> float:
    """Position on the week axis: week 1 runs from 1.0 to 2.0, and so on."""
    return (d - start).days / 7 + 1


def _empty(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, fontsize=12, wrap=True)
    ax.set_xticks([])
    ax.set_yticks([])


def week_ticks(n_weeks: int, max_ticks: int = 8) -> list[int]:
    """Week numbers to label: 1, 1 + step, 1 + 2 x step ..., with at most ``max_ticks`` labels."""
    for step in (1, 2, 3, 4, 5, 10, 13, 26, 52, 104, 260, 520):
        if -(-n_weeks // step) <= max_ticks:
            break
    return list(range(1, n_weeks + 1, step))


def _week_axis(ax, n_weeks: int, centre: float) -> None:
    """Label weeks at their middle; ``centre`` is the offset of a week's middle from its number."""
    ax.set_xlabel("Week of the diary")
    ticks = week_ticks(n_weeks)
    ax.set_xticks([t + centre for t in ticks], [str(t) for t in ticks])
    ax.set_xlim(1 + centre - 0.7, n_weeks + centre + 0.7)


def _title(ax, title: str, sample: bool) -> None:
    ax.set_title(f"{SAMPLE_NOTE}\n{title}" if sample else title, loc="left")


def rolling_line(roll: Sequence[tuple[date, float]], start: date, window: int = 7) -> tuple[list[float], list[float]]:
    """Points of the 7-day line, with a break (NaN) where two entries are more than ``window`` days apart:
    the line never joins days with no 7-day average between them."""
    xs: list[float] = []
    ys: list[float] = []
    prev = None
    for d, v in roll:
        if prev is not None and (d - prev).days > window:
            xs.append(float("nan"))
            ys.append(float("nan"))
        xs.append(_x(d, start))
        ys.append(v)
        prev = d
    return xs, ys


def draw_pain_over_weeks(
    ax,
    entries: Sequence[Entry],
    baseline_week: int = 1,
    changes: Sequence[tuple[date, str]] | None = None,
) -> bool:
    """Draw the pain chart into ``ax``; return False (and say so in the axes) when there is nothing to draw."""
    days = analysis.daily(entries)
    if not days:
        _empty(ax, "No entries yet.\nSave your first entry to see your chart.")
        return False
    start = analysis.week_one_start(days)
    weeks = analysis.weekly(entries, days)

    # Baseline and the band of changes smaller than 2 points and 30 %.
    base = next((w for w in weeks if w.number == baseline_week), None)
    if base is not None and base.days_logged >= analysis.MIN_DAYS_PER_WEEK:
        half = analysis.meaningful_band(base.mean)
        ax.axhspan(base.mean - half, base.mean + half, color=PALETTE["sky"], alpha=0.18, linewidth=0,
                   label="Under 2 points and 30%")
        ax.axhline(base.mean, color=PALETTE["sky"], linestyle="--", linewidth=1.2,
                   label=f"Baseline (week {baseline_week})")

    detail = len(weeks) <= DETAIL_WEEKS
    if detail:
        ax.plot([_x(d.date, start) for d in days], [d.mean for d in days], linestyle="none", marker="o",
                markersize=3, color=PALETTE["grey"], alpha=0.55, label="Daily average")
    xs, ys = rolling_line(analysis.rolling_mean(days), start)
    ax.plot(xs, ys, color=PALETTE["blue"], linewidth=2, label="7-day average")
    logged = [w for w in weeks if w.mean is not None]
    if detail:
        err = [[w.mean - w.low for w in logged], [w.high - w.mean for w in logged]]
        ax.errorbar([w.number + 0.5 for w in logged], [w.mean for w in logged], yerr=err, fmt="s",
                    color=PALETTE["orange"], markersize=6, capsize=3, linewidth=1.2,
                    markeredgecolor=PALETTE["black"], markeredgewidth=0.6, label="Week average, range")
    else:
        # Years of weeks: a marker per week would be a smudge at phone width, so the range is a band.
        xs = [w.number + 0.5 for w in logged]
        ax.fill_between(xs, [w.low for w in logged], [w.high for w in logged], color=PALETTE["orange"],
                        alpha=0.3, linewidth=0, label="Week range")
        ax.plot(xs, [w.mean for w in logged], color=PALETTE["orange"], linewidth=1, label="Week average")

    flares = analysis.flare_ups(days)
    if flares:
        ax.plot([_x(f.date, start) for f in flares], [min(10, f.mean + 0.7) for f in flares], linestyle="none",
                marker="v", markersize=8, color=PALETTE["vermillion"], label="Flare-up")

    if changes is None:
        changes = analysis.routine_changes(entries)
    for d, label in changes:
        if d <= days[0].date:
            continue  # a routine in place from the first day is not a change
        x = _x(d, start)
        ax.axvline(x, color=PALETTE["green"], linestyle=":", linewidth=1.5)
        ax.text(x + 0.1, 0.3, label, rotation=90, va="bottom", ha="left", fontsize=MIN_FONT, color=PALETTE["green"])

    ax.set_ylim(0, 10.5)
    ax.set_yticks(range(0, 11, 2))
    ax.set_ylabel(PAIN_LABEL)
    _week_axis(ax, len(weeks), 0.5)
    return True


def pain_over_weeks(
    entries: Sequence[Entry],
    baseline_week: int = 1,
    changes: Sequence[tuple[date, str]] | None = None,
    sample: bool = False,
    title: str = "Your pain, week by week",
    size: tuple[float, float] = PHONE_SIZE,
) -> Figure:
    """Daily points, 7-day rolling mean, weekly mean with its range, baseline band, flare-ups, routine changes.

    ``changes`` lists (date, label) of routine or phase changes; by default they come from ``routine:`` tags.
    """
    with matplotlib.rc_context(RC_PARAMS):
        fig = Figure(figsize=size, layout="constrained")
        ax = fig.add_subplot()
        _title(ax, title, sample)
        if draw_pain_over_weeks(ax, entries, baseline_week, changes):
            fig.legend(loc="outside lower center", ncols=2, fontsize=MIN_FONT, handlelength=1.3, columnspacing=0.7,
                       handletextpad=0.4)
    return fig


def walking_and_pain_weeks(
    entries: Sequence[Entry],
    sample: bool = False,
    title: str = "Walking and pain, week by week",
    size: tuple[float, float] = PHONE_SIZE,
) -> Figure:
    """Two panels sharing the week axis: weekly average pain (top) and minutes walked per week (bottom)."""
    with matplotlib.rc_context(RC_PARAMS):
        fig = Figure(figsize=size, layout="constrained")
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(1, 1.15))
        _title(top, title, sample)
        weeks = analysis.weekly(entries)
        if not weeks:
            _empty(top, "No entries yet.")
            bottom.set_axis_off()
            return fig
        logged = [w for w in weeks if w.mean is not None]
        top.plot([w.number for w in logged], [w.mean for w in logged], marker="s", color=PALETTE["orange"],
                 linewidth=2, markeredgecolor=PALETTE["black"], markeredgewidth=0.6)
        top.set_ylim(0, 10.5)
        top.set_yticks(range(0, 11, 2))
        top.set_ylabel("Average pain\n(0-10)")
        minutes = [w.minutes_walked for w in weeks]
        if len(weeks) <= DETAIL_WEEKS:
            bottom.bar([w.number for w in weeks], minutes, color=PALETTE["blue"], width=0.7)
        else:  # one shape for years of weeks instead of hundreds of bars
            bottom.stairs(minutes, [w.number - 0.5 for w in weeks] + [weeks[-1].number + 0.5], fill=True,
                          color=PALETTE["blue"])
        low, _high = WHO_WEEKLY_MINUTES
        bottom.axhline(low, color=PALETTE["black"], linestyle="--", linewidth=1)
        bottom.set_title(f"Dashed line: WHO minimum, {low} min a week", loc="left", fontsize=MIN_FONT)
        bottom.set_ylabel("Minutes walked\nper week")
        bottom.set_ylim(0, max(low * 1.25, max(w.minutes_walked for w in weeks) * 1.1))
        _week_axis(bottom, len(weeks), 0.0)
    return fig


def goals_and_pain_weeks(
    entries: Sequence[Entry],
    ratings: Sequence,
    sample: bool = False,
    title: str = "Activity goals beside weekly pain",
    size: tuple[float, float] = (4.3, 5.6),
) -> Figure:
    """Two panels sharing the week axis: weekly average pain (top) and each activity goal's 0-10 rating
    (bottom), the legend giving the change from the first rating; the "about 2 points" guide is labelled as a
    practical guide."""
    from backcourse.diary.goals import GUIDE_POINTS, goal_changes

    with matplotlib.rc_context(RC_PARAMS):
        fig = Figure(figsize=size, layout="constrained")
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(1, 1.3))
        _title(top, title, sample)
        firsts = [e.date for e in entries] + [r.date for r in ratings]
        if not ratings:
            _empty(bottom, "No activity goals rated yet.")
        if not firsts:
            _empty(top, "No entries yet.")
            return fig
        start = min(firsts) - timedelta(days=min(firsts).weekday())  # week 1: the first entry's or rating's
        weeks = analysis.weekly(entries)
        logged = [w for w in weeks if w.mean is not None]
        if logged:
            shift = (weeks[0].start - start).days // 7
            top.plot([w.number + shift for w in logged], [w.mean for w in logged], marker="s",
                     color=PALETTE["orange"], linewidth=2, markeredgecolor=PALETTE["black"], markeredgewidth=0.6)
        top.set_ylim(0, 10.5)
        top.set_yticks(range(0, 11, 2))
        top.set_ylabel("Average pain\n(0-10)")
        styles = (("o", "-", PALETTE["blue"]), ("^", "--", PALETTE["green"]), ("D", ":", PALETTE["vermillion"]),
                  ("v", "-.", PALETTE["purple"]), ("s", "-", PALETTE["sky"]))
        last_week = max(analysis.week_number(d, start) for d in firsts)
        for i, change in enumerate(goal_changes(ratings)):
            own = sorted((r for r in ratings if r.activity == change.activity), key=lambda r: r.date)
            marker, line, colour = styles[i % len(styles)]
            label = f"{change.activity} ({change.first} to {change.latest}, {change.change:+d})"
            bottom.plot([analysis.week_number(r.date, start) for r in own], [r.score for r in own], marker=marker,
                        linestyle=line, color=colour, linewidth=1.8, label=label)
        if ratings:
            bottom.set_title(f"About {GUIDE_POINTS} points of change: a practical guide", loc="left", fontsize=MIN_FONT)
            bottom.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28), fontsize=MIN_FONT, ncols=1, frameon=False)
        bottom.set_ylim(-0.3, 10.5)
        bottom.set_yticks(range(0, 11, 2))
        bottom.set_ylabel("Activity, 0-10\n(10 = as before)")
        _week_axis(bottom, last_week, 0.0)
    return fig
