"""Diary analysis: daily and weekly means, change from baseline (2 points or 30 %), flare-ups, walking."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from backcourse.diary import analysis
from backcourse.diary.store import Entry

MON = date(2025, 1, 6)  # a Monday


def e(day: int, pain: int, **kw) -> Entry:
    return Entry(date=MON + timedelta(days=day), pain=pain, **kw)


def test_daily_mean_high_low_and_walking_total():
    days = analysis.daily([e(0, 4, minutes_walked=10), e(0, 6, minutes_walked=15), e(0, 5), e(2, 3)])
    assert [(d.date, d.mean, d.high, d.low, d.entries, d.minutes_walked) for d in days] == [
        (MON, 5.0, 6, 4, 3, 25),
        (MON + timedelta(days=2), 3.0, 3, 3, 1, None),
    ]


def test_rolling_mean_uses_the_last_seven_calendar_days():
    days = analysis.daily([e(i, i + 1) for i in range(10)])  # pains 1..10 on ten days in a row
    roll = dict(analysis.rolling_mean(days))
    assert roll[MON] == 1
    assert roll[MON + timedelta(days=6)] == pytest.approx(4.0)  # mean of 1..7
    assert roll[MON + timedelta(days=9)] == pytest.approx(7.0)  # mean of 4..10
    gap = dict(analysis.rolling_mean(analysis.daily([e(0, 2), e(8, 4)])))
    assert gap[MON + timedelta(days=8)] == 4  # day 0 is out of the window


def test_weeks_start_on_the_monday_of_the_first_entry_and_keep_empty_weeks():
    weeks = analysis.weekly([e(2, 4), e(3, 6, exercises=("cat-cow", "bird-dog")), e(15, 2, minutes_walked=30)])
    assert [w.number for w in weeks] == [1, 2, 3]
    assert weeks[0].start == MON and weeks[0].end == MON + timedelta(days=6)
    assert (weeks[0].days_logged, weeks[0].mean, weeks[0].low, weeks[0].high) == (2, 5.0, 4.0, 6.0)
    assert weeks[0].exercises_done == 2
    assert weeks[1].days_logged == 0 and weeks[1].mean is None
    assert weeks[2].minutes_walked == 30
    assert analysis.weekly([]) == []


def week_of(mean_pains: list[int], week: int) -> list[Entry]:
    return [e(7 * (week - 1) + i, p) for i, p in enumerate(mean_pains)]


@pytest.mark.parametrize(
    "baseline, later, meaningful, words",
    [
        ([6, 6, 6], [4, 4, 5], False, "less than 2 points"),  # -1.67 points, -27.8 %
        ([6, 6, 6], [4, 4, 4], True, "2.0 points (33%) lower"),
        ([5, 5, 5], [4, 3, 3], True, "1.7 points (33%) lower"),  # under 2 points but over 30 %
        ([8, 8, 8], [7, 6, 6], False, "less than 2 points"),  # -1.67, -20.8 %
        ([3, 3, 3], [5, 5, 5], True, "2.0 points (67%) higher"),
    ],
)
def test_change_from_baseline_uses_2_points_or_30_percent(baseline, later, meaningful, words):
    weeks = analysis.weekly(week_of(baseline, 1) + week_of(later, 3))
    change = analysis.change_from_baseline(weeks)
    assert change.enough_data and change.compare_week == 3
    assert change.meaningful is meaningful
    assert words in change.message
    if meaningful:
        assert "A change this size usually matters to people." in change.message
    assert change.keys == ("farrar2001", "ostelo2008")


def test_a_meaningful_rise_points_to_a_clinician():
    change = analysis.change_from_baseline(analysis.weekly(week_of([3, 3, 3], 1) + week_of([6, 6, 6], 2)))
    assert change.points == pytest.approx(3.0)
    assert "see a clinician" in change.message


def test_change_needs_three_logged_days_in_each_week():
    thin_base = analysis.change_from_baseline(analysis.weekly(week_of([6, 6], 1) + week_of([2, 2, 2], 2)))
    assert not thin_base.enough_data and "Week 1 needs at least 3 days" in thin_base.message
    thin_later = analysis.change_from_baseline(analysis.weekly(week_of([6, 6, 6], 1) + week_of([2, 2], 2)))
    assert not thin_later.enough_data and thin_later.points is None


def test_baseline_of_zero_has_no_percent():
    change = analysis.change_from_baseline(analysis.weekly(week_of([0, 0, 0], 1) + week_of([1, 1, 1], 2)))
    assert change.percent is None and not change.meaningful


@pytest.mark.parametrize(
    "points, baseline, expected",
    [(2.0, 9, True), (-2.0, 9, True), (1.99, 10, False), (1.5, 5, True), (1.49, 5, False), (1, 0, False)],
)
def test_is_meaningful_edges(points, baseline, expected):
    assert analysis.is_meaningful(points, baseline) is expected


def test_meaningful_band_is_the_smaller_of_2_points_and_30_percent():
    assert analysis.meaningful_band(5) == pytest.approx(1.5)
    assert analysis.meaningful_band(10) == pytest.approx(2.0)


def test_flare_up_rule_needs_four_recent_days_and_two_points():
    steady = [e(i, 3) for i in range(4)]
    flare = analysis.flare_ups(analysis.daily(steady + [e(4, 5)]))
    assert [(f.date, f.above_recent, f.flagged) for f in flare] == [(MON + timedelta(days=4), True, False)]
    assert flare[0].recent_mean == 3 and "2.0 points above" in flare[0].reason
    assert analysis.flare_ups(analysis.daily(steady[:3] + [e(4, 8)])) == []  # only 3 recent days
    assert analysis.flare_ups(analysis.daily(steady + [e(4, 4)])) == []  # only 1 point above
    old = [e(i, 3) for i in range(4)] + [e(12, 9)]  # the four days are more than 7 days back
    assert analysis.flare_ups(analysis.daily(old)) == []


def test_flagged_entries_are_flare_ups_whatever_the_score():
    flares = analysis.flare_ups(analysis.daily([e(0, 2, flare_up=True), e(0, 1)]))
    assert len(flares) == 1 and flares[0].flagged and flares[0].reason == "marked as a flare-up"


def test_walking_comparison_only_with_enough_days_each_side():
    entries = []
    for i in range(0, 32, 2):  # pairs: a walking day, then the day after
        walked = 30 if i < 16 else 5
        entries.append(e(i, 4, minutes_walked=walked))
        entries.append(e(i + 1, 3 if walked >= 20 else 6))
    days = analysis.daily(entries)
    result = analysis.walking_and_pain(days, min_minutes=20, min_days=7)
    # After a 30-minute day: 8 days at pain 3. After a 5-minute day: 8 days at 6, plus 7 walking days that
    # follow a "day after" with no walking recorded (not counted) -> other side is the 8 days at pain 6.
    assert result.enough_data
    assert (result.days_after_walk, result.pain_after_walk) == (8, 3.0)
    assert (result.days_other, result.pain_other) == (8, 6.0)
    assert "not proof" in result.caution
    few = analysis.walking_and_pain(days, min_minutes=20, min_days=9)
    assert not few.enough_data and few.pain_after_walk is None and "Not enough days" in few.message


def test_routine_changes_come_from_routine_tags():
    entries = [e(0, 5, tags=("routine:acute",)), e(9, 4, tags=("sitting", "routine: recovering")),
               e(10, 4, tags=("routine:acute",))]
    # A phase's data key is shown by the name readers meet everywhere else; other labels are kept as written.
    assert analysis.routine_changes(entries) == [(MON, "Gentle"), (MON + timedelta(days=9), "Recovering")]
    own = [e(0, 5, tags=("routine:my swim plan",))]
    assert analysis.routine_changes(own) == [(MON, "my swim plan")]


def test_exercise_counts_most_often_first():
    entries = [e(0, 3, exercises=("cat-cow", "bird-dog")), e(1, 3, exercises=("bird-dog",))]
    assert analysis.exercise_counts(entries) == [("bird-dog", 2), ("cat-cow", 1)]
