"""Activity goals, in the style of the Patient-Specific Functional Scale: up to five activities back pain makes
hard ("lift my toddler", "sit through a film"), each rated 0-10 once a week (0 = cannot do it, 10 = can do it as
before the back pain).

Why: function matters as much as pain (Stratford et al. 1995, Physiotherapy Canada; free to use). A change of
about 2 points is often quoted as meaningful; the course shows it as a practical guide, not a published cut-off.

Storage: a CSV file beside the diary (``pain-diary-activity-goals.csv``) with the diary's guarantees: every
rating is checked before anything is written, saves are atomic and locked, a file that does not parse is never
overwritten, and cells that could start a spreadsheet formula are neutralised (and restored when read)::

    date,activity,score,schema_version
    2025-01-06,Lift my toddler,3,1
"""

from __future__ import annotations

import io
import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from backcourse import files
from backcourse.diary import store

COLUMNS = ("date", "activity", "score", "schema_version")
SCHEMA_VERSION = 1
MAX_ACTIVITIES = 5
MAX_ACTIVITY_LENGTH = 80
GUIDE_POINTS = 2
GUIDE_TEXT = ("About 2 points of change on an activity is often quoted as meaningful: a practical guide, "
              "not a strict cut-off.")
SCORE_ANCHORS = {0: "cannot do it", 10: "can do it as well as before the back pain"}
FILE_SUFFIX = "-activity-goals"


class GoalError(store.EntryError):
    """A rating is not allowed; ``field`` and ``value`` say which (an EntryError, so forms catch both alike)."""


class Rating(NamedTuple):
    """One weekly rating: (date, activity, score). A plain record the routine's weekly check-in accepts."""

    date: date
    activity: str
    score: int


def check_rating(rating: Rating, today: date | None = None) -> Rating:
    """Check one rating's values; raise GoalError naming the field and the value."""
    today = today or date.today()
    if not isinstance(rating.date, date):
        raise GoalError("date", rating.date, "must be a calendar date (YYYY-MM-DD)")
    if rating.date > today:
        raise GoalError("date", rating.date.isoformat(), f"is in the future (today is {today.isoformat()})")
    if rating.date < store.EARLIEST_DATE:
        raise GoalError("date", rating.date.isoformat(), f"must be on or after {store.EARLIEST_DATE.isoformat()}")
    name = rating.activity
    if not isinstance(name, str) or not name.strip():
        raise GoalError("activity", name, "name the activity, like 'lift my toddler'")
    if name != name.strip() or "\n" in name or "\r" in name:
        raise GoalError("activity", name, "must be one line, without spaces at the start or end")
    if len(name) > MAX_ACTIVITY_LENGTH:
        raise GoalError("activity", name, f"must be at most {MAX_ACTIVITY_LENGTH} characters")
    score = rating.score
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
        raise GoalError("score", score, "must be a whole number from 0 (cannot do it) to 10 (as well as before)")
    return rating


def goals_path_for(diary_path: Path | str) -> Path:
    """The goals file beside a diary file: ``pain-diary.csv`` -> ``pain-diary-activity-goals.csv``."""
    p = Path(diary_path)
    return p.with_name(p.stem + FILE_SUFFIX + (p.suffix or ".csv"))


def goals_text(ratings: Iterable[Rating]) -> str:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for r in ratings:
        writer.writerow((r.date.isoformat(), files.spreadsheet_cell(r.activity), str(r.score), str(SCHEMA_VERSION)))
    return buf.getvalue()


def parse_goals_text(text: str, path: Path | str = "<goals>") -> list[Rating]:
    """Parse the goals CSV strictly; raise DiaryParseError naming the line and the problem."""
    if not text.strip():
        return []
    records = store.csv_records(text)
    head = next(records)
    if head.cells is None or tuple(c.strip() for c in head.cells) != COLUMNS:
        raise store.DiaryParseError(path, 1, f"the header must be {','.join(COLUMNS)}")
    out: list[Rating] = []
    for rec in records:
        line = rec.first_line
        if rec.cells is None:
            raise store.DiaryParseError(path, line, rec.problem)
        if len(rec.cells) == 1 and not rec.cells[0].strip():
            continue
        if len(rec.cells) != len(COLUMNS):
            raise store.DiaryParseError(path, line, f"expected {len(COLUMNS)} cells, found {len(rec.cells)}")
        day, activity, score, version = rec.cells
        if version.strip() != str(SCHEMA_VERSION):
            raise store.DiaryParseError(path, line, f"schema_version is {store.shown(version)}; this course reads "
                                                    f"version {SCHEMA_VERSION}")
        try:
            value = store._whole_number("score", score, "must be a whole number from 0 to 10")
            rating = Rating(store.parse_date(day), files.from_spreadsheet_cell(activity), value)
            check_rating(rating, today=date.max)
        except store.EntryError as exc:
            raise store.DiaryParseError(path, line, str(exc)) from None
        out.append(rating)
    return out


def read_goals(path: Path | str) -> list[Rating]:
    """Every rating in file order, as (date, activity, score) records; a missing file has none."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    except IsADirectoryError:
        raise store.DiaryPathError(f"{path} is a folder, not an activity-goals file") from None
    return parse_goals_text(store._decode(data, path), path)


def _week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def check_against(ratings: Sequence[Rating], new: Rating) -> None:
    """The rules that depend on the ratings already kept: five activities at most, one rating a week each."""
    names = list(dict.fromkeys(r.activity for r in ratings))
    if new.activity not in names and len(names) >= MAX_ACTIVITIES:
        raise GoalError("activity", new.activity, f"you already have five activities ({', '.join(names)}); "
                        "rate one of those")
    week = _week_start(new.date)
    for r in ratings:
        if r.activity == new.activity and _week_start(r.date) == week:
            raise GoalError("date", new.date.isoformat(), f"'{new.activity}' is rated once a week and already has "
                            f"a rating for the week of {week:%d %B %Y} (on {r.date.isoformat()})")


def add_rating(path: Path | str, rating: Rating, today: date | None = None) -> list[Rating]:
    """Check ``rating`` and add it to the goals file (atomic, locked); return the ratings as saved."""
    path = Path(path)
    check_rating(rating, today)
    with store._locked(path):
        ratings = read_goals(path)  # raises (and writes nothing) when the file is broken
        check_against(ratings, rating)
        ratings.append(rating)
        store.atomic_write_text(path, goals_text(ratings))
    return ratings


def write_goals(path: Path | str, ratings: Iterable[Rating], today: date | None = None,
                overwrite: bool = True) -> Path:
    """Replace the goals file with ``ratings`` after the same checks as :func:`add_rating`."""
    path = Path(path)
    kept: list[Rating] = []
    for r in ratings:
        check_rating(r, today)
        check_against(kept, r)
        kept.append(r)
    files.refuse_existing(path, overwrite)
    with store._locked(path):
        read_goals(path)
        store.atomic_write_text(path, goals_text(kept))
    return path


def remove_rating(path: Path | str, rating: Rating) -> list[Rating]:
    """Undo: remove the last rating equal to ``rating``."""
    path = Path(path)
    with store._locked(path):
        ratings = read_goals(path)
        for i in range(len(ratings) - 1, -1, -1):
            if ratings[i] == rating:
                del ratings[i]
                break
        else:
            raise LookupError(f"that rating ({rating.activity}, {rating.date.isoformat()}) is not in {path}")
        store.atomic_write_text(path, goals_text(ratings))
    return ratings


@dataclass(frozen=True)
class GoalChange:
    """One activity's first and latest rating and the change between them."""

    activity: str
    first_date: date
    first: int
    latest_date: date
    latest: int

    @property
    def change(self) -> int:
        return self.latest - self.first

    @property
    def reaches_guide(self) -> bool:
        """A change of at least about 2 points (the practical guide)."""
        return abs(self.change) >= GUIDE_POINTS

    def text(self) -> str:
        if self.first_date == self.latest_date:
            return f"{self.activity}: {self.first} on {self.first_date:%d %b %Y} (first rating)"
        return (f"{self.activity}: {self.first} on {self.first_date:%d %b %Y}, {self.latest} on "
                f"{self.latest_date:%d %b %Y} ({self.change:+d})")


def goal_changes(ratings: Iterable[Rating]) -> list[GoalChange]:
    """Change from the first rating to the latest, per activity, in the order activities were named."""
    by: dict[str, list[Rating]] = {}
    for r in ratings:
        by.setdefault(r.activity, []).append(r)
    out = []
    for name, rs in by.items():
        rs = sorted(rs, key=lambda r: r.date)
        out.append(GoalChange(name, rs[0].date, rs[0].score, rs[-1].date, rs[-1].score))
    return out


def ratings_to_json(ratings: Iterable[Rating]) -> list[dict[str, Any]]:
    return [{"date": r.date.isoformat(), "activity": r.activity, "score": r.score} for r in ratings]
