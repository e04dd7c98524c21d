"""Diary charts show what the analysis computed, in plain words, the course palette, and at phone size."""

from __future__ import annotations

import io
from datetime import date, timedelta

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from backcourse.diary import analysis  # noqa: E402
from backcourse.diary import plots
from backcourse.diary.store import Entry  # noqa: E402
from backcourse.style import PALETTE  # noqa: E402

MON = date(2025, 1, 6)


def diary_fixture() -> list[Entry]:
    entries = []
    for i in range(28):
        pain = 6 if i < 7 else 3
        entries.append(Entry(date=MON + timedelta(days=i), pain=pain, minutes_walked=10 + i,
                             tags=("routine:recovering",) if i == 14 else ()))
    entries.append(Entry(date=MON + timedelta(days=20), pain=8, flare_up=True))
    return entries


def texts(fig) -> str:
    out = []
    for ax in fig.axes:
        out += [ax.get_title(loc="left"), ax.get_xlabel(), ax.get_ylabel()] + [t.get_text() for t in ax.texts]
        out += [t.get_text() for t in ax.get_xticklabels()]
    for leg in fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend()]:
        out += [t.get_text() for t in leg.get_texts()]
    return "\n".join(out)


def line(ax, label):
    return next(ln for ln in ax.get_lines() if ln.get_label() == label)


def test_pain_chart_draws_the_rolling_mean_weekly_markers_and_baseline():
    entries = diary_fixture()
    fig = plots.pain_over_weeks(entries)
    (ax,) = fig.axes
    roll = analysis.rolling_mean(analysis.daily(entries))
    rolling = line(ax, "7-day average")
    assert list(rolling.get_ydata()) == pytest.approx([v for _, v in roll])
    assert to_hex(rolling.get_color()) == PALETTE["blue"].lower()
    # Weekly averages sit in the middle of their week: week 1 spans 1..2 on the axis.
    weekly = [c for c in ax.containers if c.get_label() == "Week average, range"][0]
    xs, ys = weekly.lines[0].get_data()
    assert list(xs) == [1.5, 2.5, 3.5, 4.5]
    assert ys[0] == pytest.approx(6.0)
    # Baseline line at week 1's average, and the band of changes under 2 points and 30 % around it.
    assert list(line(ax, "Baseline (week 1)").get_ydata()) == [6.0, 6.0]
    band = [p for p in ax.patches if p.get_label() == "Under 2 points and 30%"][0]
    assert band.get_y() == pytest.approx(4.2) and band.get_y() + band.get_height() == pytest.approx(7.8)


def test_pain_chart_marks_flare_ups_and_routine_changes():
    entries = diary_fixture()
    fig = plots.pain_over_weeks(entries)
    (ax,) = fig.axes
    flare = line(ax, "Flare-up")
    assert list(flare.get_xdata()) == [1 + 20 / 7]
    assert to_hex(flare.get_color()) == PALETTE["vermillion"].lower()
    assert "Recovering" in [t.get_text() for t in ax.texts]


def test_pain_chart_words_are_plain_and_anchor_the_scale():
    fig = plots.pain_over_weeks(diary_fixture())
    words = texts(fig)
    assert "Week of the diary" in words
    assert "0 = none" in words and "10 = worst imaginable" in words
    assert "7-day average" in words and "Flare-up" in words
    assert "MADE-UP" not in words
    assert "MADE-UP SAMPLE" in texts(plots.pain_over_weeks(diary_fixture(), sample=True))


def test_charts_are_phone_sized_with_readable_text():
    for fig in (plots.pain_over_weeks(diary_fixture()), plots.walking_and_pain_weeks(diary_fixture())):
        width, _height = fig.get_size_inches()
        assert width <= 5.5, "narrow enough that a phone shrinks it little"
        fig.canvas.draw()
        sizes = [t.get_fontsize() for ax in fig.axes for t in ax.texts + ax.get_xticklabels() + [ax.xaxis.label]]
        assert min(sizes) >= 9


def test_walking_panel_shows_minutes_per_week_and_the_who_minimum():
    entries = diary_fixture()
    fig = plots.walking_and_pain_weeks(entries)
    top, bottom = fig.axes
    heights = [bar.get_height() for bar in bottom.patches]
    assert heights == [w.minutes_walked for w in analysis.weekly(entries)]
    assert "150" in bottom.get_title(loc="left") and "WHO" in bottom.get_title(loc="left")
    assert list(top.get_lines()[0].get_xdata()) == [1, 2, 3, 4]


def test_empty_diary_says_so_instead_of_an_empty_chart():
    for fig in (plots.pain_over_weeks([]), plots.walking_and_pain_weeks([])):
        assert "No entries yet" in texts(fig)


def test_years_of_entries_draw_bands_not_thousands_of_markers():
    entries = [Entry(date=MON + timedelta(days=i), pain=(i * 7) % 11, minutes_walked=30) for i in range(7 * 150)]
    fig = plots.pain_over_weeks(entries)
    (ax,) = fig.axes
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert "Daily average" not in labels and "Week average" in labels
    assert not ax.containers, "no per-week error bars"
    walking = plots.walking_and_pain_weeks(entries)
    assert len(walking.axes[1].patches) == 1, "one filled step shape instead of 150 bars"


def test_week_ticks_stay_few_for_a_long_diary():
    assert plots.week_ticks(14) == [1, 3, 5, 7, 9, 11, 13]
    assert plots.week_ticks(6) == [1, 2, 3, 4, 5, 6]
    assert len(plots.week_ticks(522)) <= 8


def test_same_diary_gives_identical_svg():
    def svg(fig):
        buf = io.BytesIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
        return buf.getvalue()

    with matplotlib.rc_context({"svg.hashsalt": "backcourse"}):
        assert svg(plots.pain_over_weeks(diary_fixture())) == svg(plots.pain_over_weeks(diary_fixture()))


def test_seven_day_line_does_not_join_entries_ten_days_apart():
    import math

    entries = [Entry(date=date(2025, 1, 6), pain=6), Entry(date=date(2025, 1, 7), pain=6),
               Entry(date=date(2025, 1, 17), pain=2), Entry(date=date(2025, 1, 18), pain=2)]
    fig = plots.pain_over_weeks(entries)
    ys = list(line(fig.axes[0], "7-day average").get_ydata())
    assert len(ys) == 5 and math.isnan(ys[2])
    assert [y for y in ys if not math.isnan(y)] == [6, 6, 2, 2]
