"""What a pain diary shows over weeks: daily and weekly means, change from a baseline week, flare-ups, walking.

Pure functions of a list of :class:`backcourse.diary.store.Entry`; nothing here reads files or draws.

Why weeks: day-to-day pain is noisy, so weekly averages and the change against a baseline week say more than
single days (see the course's "Measuring pain" evidence).

Rules used here (the thresholds marked "the course's own rule" are practical choices made for this course,
not published cut-offs):

* **Meaningful change** (cited): a change of at least 2 points or at least 30 % from the baseline week on the
  0-10 scale is the size that usually matters to people (Farrar et al. 2001; Ostelo et al. 2008). It is worded
  as "a change this size usually matters to people", never as a verdict.
* **Enough data for a week** (the course's own rule): a week is compared only when it has at least
  ``MIN_DAYS_PER_WEEK`` (3) days with an entry.
* **Flare-up day** (the course's own rule): a day is a flare-up day when an entry that day is flagged as a
  flare-up, or when its mean pain is at least ``FLARE_POINTS`` (2) points above the mean of the previous 7
  calendar days, counted only when at least ``FLARE_MIN_DAYS`` (4) of those 7 days have an entry.
* **Walking and pain** (the course's own rule): pain on the day after walking at least N minutes is compared
  with pain on the other days only when each side has at least ``MIN_DAYS_EACH_SIDE`` (7) days; it is one
  person's record, not proof that walking caused the difference.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean
from typing import Iterable, Sequence

from backcourse.diary.store import Entry
from backcourse.evidence import PHASE_NAMES
from backcourse.evidence import MEANINGFUL_CHANGE_KEYS, MEANINGFUL_CHANGE_PERCENT, MEANINGFUL_CHANGE_POINTS

MIN_DAYS_PER_WEEK = 3
FLARE_POINTS = 2.0
FLARE_WINDOW_DAYS = 7
FLARE_MIN_DAYS = 4
MIN_DAYS_EACH_SIDE = 7
DEFAULT_WALK_MINUTES = 20
ROUTINE_TAG_PREFIX = "routine:"

MEANINGFUL_WORDING = "A change this size usually matters to people."
WALKING_CAUTION = (
    "This is one person's record, not proof: pain changes for many reasons, and days with more walking may "
    "differ from other days in other ways too."
)


@dataclass(frozen=True)
class Day:
    """Pain on one calendar day: the mean of its entries, the highest score, and whether it was flagged."""

    date: date
    mean: float
    high: int
    low: int
    entries: int
    flagged: bool
    minutes_walked: int | None  # total minutes walked that day; None when no entry recorded walking


@dataclass(frozen=True)
class Week:
    """One diary week (week 1 starts on the Monday of the first entry's week)."""

    number: int
    start: date
    days_logged: int
    mean: float | None  # mean of the daily means; None for a week with no entries
    low: float | None  # lowest daily mean
    high: float | None  # highest daily mean
    minutes_walked: int  # total minutes walked (recorded entries only)
    flare_days: int
    exercises_done: int  # count of exercise ticks over the week

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)


@dataclass(frozen=True)
class Change:
    """Change in weekly mean pain from a baseline week to a later week."""

    baseline_week: int
    compare_week: int
    baseline: float | None
    current: float | None
    points: float | None  # current - baseline (negative = less pain)
    percent: float | None  # relative to baseline; None when the baseline is 0
    meaningful: bool
    enough_data: bool
    message: str
    keys: tuple[str, ...] = MEANINGFUL_CHANGE_KEYS


@dataclass(frozen=True)
class FlareUp:
    date: date
    mean: float
    recent_mean: float | None
    flagged: bool
    above_recent: bool

    @property
    def reason(self) -> str:
        parts = []
        if self.flagged:
            parts.append("marked as a flare-up")
        if self.above_recent:
            parts.append(f"{self.mean - self.recent_mean:.1f} points above the previous 7 days")
        return " and ".join(parts)


@dataclass(frozen=True)
class WalkingComparison:
    min_minutes: int
    days_after_walk: int
    days_other: int
    pain_after_walk: float | None
    pain_other: float | None
    enough_data: bool
    message: str
    caution: str = WALKING_CAUTION


def daily(entries: Iterable[Entry]) -> list[Day]:
    """One Day per calendar day with at least one entry, in date order."""
    by_day: dict[date, list[Entry]] = defaultdict(list)
    for e in entries:
        by_day[e.date].append(e)
    days = []
    for d in sorted(by_day):
        es = by_day[d]
        pains = [e.pain for e in es]
        walked = None
        flagged = False
        for e in es:
            if e.minutes_walked is not None:
                walked = (walked or 0) + e.minutes_walked
            flagged = flagged or e.flare_up
        days.append(Day(d, sum(pains) / len(pains), max(pains), min(pains), len(es), flagged, walked))
    return days


def rolling_mean(days: Sequence[Day], window: int = 7) -> list[tuple[date, float]]:
    """For each logged day, the mean of the daily means over the ``window`` calendar days ending that day."""
    out = []
    start = 0
    total = 0.0
    for i, day in enumerate(days):
        total += day.mean
        while days[start].date <= day.date - timedelta(days=window):
            total -= days[start].mean
            start += 1
        out.append((day.date, total / (i - start + 1)))
    return out


def week_one_start(entries_or_days: Sequence[Entry] | Sequence[Day]) -> date | None:
    """The Monday of the week of the earliest entry (week 1 of the diary)."""
    if not entries_or_days:
        return None
    first = min(x.date for x in entries_or_days)
    return first - timedelta(days=first.weekday())


def week_number(d: date, start: date) -> int:
    return (d - start).days // 7 + 1


def weekly(entries: Sequence[Entry], days: Sequence[Day] | None = None) -> list[Week]:
    """One Week per calendar week from the first entry to the last (empty weeks included, with mean None).

    ``days`` may pass ``daily(entries)`` when the caller already has it.
    """
    days = daily(entries) if days is None else days
    start = week_one_start(days)
    if start is None:
        return []
    buckets: dict[int, list[Day]] = defaultdict(list)
    for day in days:
        buckets[week_number(day.date, start)].append(day)
    ticks: dict[int, int] = defaultdict(int)
    for e in entries:
        ticks[week_number(e.date, start)] += len(e.exercises)
    flares = {f.date for f in flare_ups(days)}
    last = week_number(days[-1].date, start)
    weeks = []
    for n in range(1, last + 1):
        ds = buckets.get(n, [])
        means = [d.mean for d in ds]
        weeks.append(
            Week(
                number=n,
                start=start + timedelta(days=7 * (n - 1)),
                days_logged=len(ds),
                mean=fmean(means) if means else None,
                low=min(means) if means else None,
                high=max(means) if means else None,
                minutes_walked=sum(d.minutes_walked or 0 for d in ds),
                flare_days=sum(1 for d in ds if d.date in flares),
                exercises_done=ticks.get(n, 0),
            )
        )
    return weeks


def meaningful_band(baseline: float) -> float:
    """Half-width of the band of changes smaller than both 2 points and 30 % of ``baseline``."""
    return min(MEANINGFUL_CHANGE_POINTS, MEANINGFUL_CHANGE_PERCENT / 100 * baseline)


def is_meaningful(points: float, baseline: float) -> bool:
    """At least 2 points, or at least 30 % of the baseline (Farrar 2001; Ostelo 2008)."""
    if abs(points) >= MEANINGFUL_CHANGE_POINTS - 1e-9:
        return True
    return baseline > 0 and abs(points) / baseline * 100 >= MEANINGFUL_CHANGE_PERCENT - 1e-9


def change_from_baseline(weeks: Sequence[Week], baseline_week: int = 1, compare_week: int | None = None) -> Change:
    """Weekly mean pain of ``compare_week`` (default: the last week with enough days) against the baseline week."""
    by_number = {w.number: w for w in weeks}
    enough = [w for w in weeks if w.days_logged >= MIN_DAYS_PER_WEEK]
    if compare_week is None:
        later = [w for w in enough if w.number > baseline_week]
        compare_week = later[-1].number if later else baseline_week
    base, cur = by_number.get(baseline_week), by_number.get(compare_week)
    need = f"at least {MIN_DAYS_PER_WEEK} days with an entry"
    if base is None or base.days_logged < MIN_DAYS_PER_WEEK:
        return Change(baseline_week, compare_week, None, None, None, None, False, False,
                      f"Week {baseline_week} needs {need} to serve as your baseline.")
    if cur is None or cur.days_logged < MIN_DAYS_PER_WEEK or compare_week == baseline_week:
        return Change(baseline_week, compare_week, base.mean, None, None, None, False, False,
                      f"A later week with {need} is needed to compare with week {baseline_week}.")
    points = cur.mean - base.mean
    percent = points / base.mean * 100 if base.mean > 0 else None
    meaningful = is_meaningful(points, base.mean)
    pct = f" ({abs(percent):.0f}%)" if percent is not None else ""
    if abs(points) < 0.05:
        direction = "about the same as"
    elif points < 0:
        direction = f"{abs(points):.1f} points{pct} lower than"
    else:
        direction = f"{points:.1f} points{pct} higher than"
    text = (f"Average pain in week {compare_week} was {cur.mean:.1f}, {direction} in week {baseline_week} "
            f"({base.mean:.1f}).")
    if meaningful:
        text += " " + MEANINGFUL_WORDING
        if points > 0:
            text += " If pain keeps getting worse over weeks, see a clinician."
    else:
        text += (" That is less than 2 points and less than 30%, the size of change that usually matters to "
                 "people; pain goes up and down from week to week.")
    return Change(baseline_week, compare_week, base.mean, cur.mean, points, percent, meaningful, True, text)


def flare_ups(days: Sequence[Day]) -> list[FlareUp]:
    """Flare-up days by the course's own rule (see the module docstring), in date order."""
    out = []
    start = 0
    window_sum = 0.0  # sum of daily means for days[start:i]
    for i, day in enumerate(days):
        while days[start].date < day.date - timedelta(days=FLARE_WINDOW_DAYS):
            window_sum -= days[start].mean
            start += 1
        n = i - start
        recent = window_sum / n if n >= FLARE_MIN_DAYS else None
        above = recent is not None and day.mean - recent >= FLARE_POINTS - 1e-9
        if above or day.flagged:
            out.append(FlareUp(day.date, day.mean, recent, day.flagged, above))
        window_sum += day.mean
    return out


def routine_changes(entries: Iterable[Entry]) -> list[tuple[date, str]]:
    """Dates where the learner marked a new routine with a tag like ``routine:recovering`` (first per label).

    A phase's data key is shown by the phase's name (``routine:recovering`` -> "Recovering"), as everywhere else.
    """
    seen: dict[str, date] = {}
    for e in sorted(entries, key=lambda e: e.when):
        for tag in e.tags:
            if tag.lower().startswith(ROUTINE_TAG_PREFIX):
                label = tag[len(ROUTINE_TAG_PREFIX):].strip() or "new routine"
                label = PHASE_NAMES.get(label.lower(), label)
                seen.setdefault(label, e.date)
    return sorted(((d, label) for label, d in seen.items()), key=lambda x: x[0])


def walking_and_pain(days: Sequence[Day], min_minutes: int = DEFAULT_WALK_MINUTES,
                     min_days: int = MIN_DAYS_EACH_SIDE) -> WalkingComparison:
    """Mean pain on days after walking >= ``min_minutes`` versus days after walking less.

    Only pairs of consecutive calendar days count where the first day recorded minutes walked.
    """
    by_date = {d.date: d for d in days}
    after_walk, other = [], []
    for d in days:
        prev = by_date.get(d.date - timedelta(days=1))
        if prev is None or prev.minutes_walked is None:
            continue
        (after_walk if prev.minutes_walked >= min_minutes else other).append(d.mean)
    enough = len(after_walk) >= min_days and len(other) >= min_days
    if not enough:
        msg = (f"Not enough days yet to compare: this needs at least {min_days} days after walking "
               f"{min_minutes}+ minutes and {min_days} other days (you have {len(after_walk)} and {len(other)}).")
        return WalkingComparison(min_minutes, len(after_walk), len(other), None, None, False, msg)
    a, o = fmean(after_walk), fmean(other)
    msg = (f"On the {len(after_walk)} days after you walked {min_minutes} minutes or more, average pain was "
           f"{a:.1f}; on the {len(other)} other days it was {o:.1f}.")
    return WalkingComparison(min_minutes, len(after_walk), len(other), a, o, True, msg)


def exercise_counts(entries: Iterable[Entry]) -> list[tuple[str, int]]:
    """How many entries ticked each exercise, most often first (ties by id)."""
    counts: dict[str, int] = defaultdict(int)
    for e in entries:
        for ex in e.exercises:
            counts[ex] += 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
