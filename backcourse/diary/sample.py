"""The made-up sample diary shown in the online book and used by the tests: 14 weeks, seeded, clearly labelled.

Why made up: the book must show real-looking charts without anyone's health data, and nbval needs the same
output on every run. The story is invented to exercise every part of the charts (an easing episode, missed
days, a flare-up after lifting and a bad day after a long drive, two routine changes, walking building up); it is not a typical course of back
pain and proves nothing.

Regenerate the committed file with ``python -m backcourse.diary.sample`` (a test checks it is up to date).
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta
from pathlib import Path

from backcourse import DATA_DIR
from backcourse.diary.store import Entry, diary_text, read_diary

SAMPLE_PATH = DATA_DIR / "sample-diary.csv"
SEED = 20250106
START = date(2025, 1, 6)  # a Monday
WEEKS = 14
SAMPLE_NOTE = "MADE-UP SAMPLE for the course: not a real person's diary."

#: Exercises ticked in each stage of the made-up story (ids from data/exercises.yaml).
STAGE_EXERCISES = {
    "acute": ("knee-to-chest", "cat-cow", "childs-pose"),
    "recovering": ("cat-cow", "bridge", "bird-dog", "curl-up"),
    "maintenance": ("bird-dog", "curl-up", "side-plank", "bridge", "hamstring-stretch-strap"),
}
NOTES = (
    "Stiff after a long drive, better once I walked.",
    'Physio said "keep moving"; did the routine twice.',
    "Slept badly; sore first thing, eased by lunch.",
    "Good day, gardening for an hour.",
    "Desk day, lots of sitting.\nShort walk at lunch helped.",
)

#: Days (from the start) whose first entry carries a given note, so the sample always shows quotes and line breaks.
FIXED_NOTES = {14: 4, 28: 1}


def _stage(week: int) -> str:
    return "acute" if week < 3 else "recovering" if week < 9 else "maintenance"


def generate(seed: int = SEED, start: date = START, weeks: int = WEEKS) -> list[Entry]:
    """The sample entries, in the order a person would have added them."""
    rng = random.Random(seed)
    entries: list[Entry] = []
    flare_day = start + timedelta(days=7 * 6 + 3)  # Thursday of week 7: marked as a flare-up
    bad_day = start + timedelta(days=7 * 10 + 2)  # Wednesday of week 11: a bad day, not marked
    for offset in range(weeks * 7):
        day = start + timedelta(days=offset)
        week = offset // 7 + 1
        routine_day = offset in (0, 14, 56)
        if not routine_day and day not in (flare_day, bad_day) and rng.random() < 0.13:
            continue  # a missed day
        # Pain eases from about 6.5 to about 2.5, quicker at first.
        level = 2.5 + 4.0 * (0.82 ** (offset / 7))
        flare = day == flare_day
        if flare:
            level += 4.5
        elif day == bad_day:
            level += 4.0
        elif flare_day < day <= flare_day + timedelta(days=3):
            level += 2.0 - 0.6 * (day - flare_day).days
        stage = _stage(week)
        walk = min(35, 5 + 2.5 * week) + rng.choice((-5, 0, 0, 5))
        if flare:
            walk = 5
        n_entries = rng.choice((1, 1, 2, 2, 3)) if week <= 4 or flare else rng.choice((1, 1, 1, 2))
        for k in range(n_entries):
            hour = (8, 13, 20)[k] if n_entries == 3 else (8, 20)[k] if n_entries == 2 else rng.choice((8, 19))
            pain = max(0, min(10, round(level + rng.gauss(0, 0.8) + (0.5 if k == 0 else 0))))
            tags: list[str] = []
            if offset == 0 and k == 0:
                tags.append("routine:acute")
            if day == start + timedelta(days=14) and k == 0:
                tags.append("routine:recovering")
            if day == start + timedelta(days=56) and k == 0:
                tags.append("routine:maintenance")
            if flare:
                tags.append("lifting")
            elif day == bad_day:
                tags.append("long drive")
            elif rng.random() < 0.12:
                tags.append(rng.choice(("sitting", "poor sleep", "stress", "long drive")))
            exercises = ()
            if k == 0 and not flare:
                pool = STAGE_EXERCISES[stage]
                exercises = tuple(sorted(rng.sample(pool, k=min(len(pool), rng.choice((1, 2, 3))))))
            notes = ""
            if offset == 0 and k == 0:
                notes = SAMPLE_NOTE
            elif flare and k == 0:
                notes = "Lifted a heavy box, twinge in the low back. Flare-up, resting a bit, short walk only."
            elif k == 0 and offset in FIXED_NOTES:
                notes = NOTES[FIXED_NOTES[offset]]
            elif rng.random() < 0.08:
                notes = rng.choice(NOTES)
            entries.append(
                Entry(
                    date=day,
                    time=time(hour, rng.choice((0, 15, 30, 45))),
                    pain=pain,
                    minutes_walked=int(walk) if k == 0 else None,
                    exercises=exercises,
                    tags=tuple(tags),
                    notes=notes,
                    flare_up=flare and k == 0,
                )
            )
    return entries


def sample_text() -> str:
    """The sample diary exactly as the committed CSV file holds it."""
    return diary_text(generate())


def load_sample() -> list[Entry]:
    """Read the committed sample (the same entries as :func:`generate`; a test keeps them in step)."""
    return read_diary(SAMPLE_PATH)


#: The made-up activity goals: (activity, first score, weekly gain) for the sample's 14 weeks.
SAMPLE_GOALS = (("Lift a full shopping bag", 2, 0.45), ("Sit through a film", 4, 0.3), ("Walk to the park", 3, 0.4))


def load_sample_goals():
    """Made-up weekly activity-goal ratings to go with the sample diary (rated each Sunday, some weeks missed)."""
    from backcourse.diary.goals import Rating

    out = []
    for week in range(WEEKS):
        if week in (5, 10):
            continue  # weeks the made-up learner forgot to rate
        day = START + timedelta(days=7 * week + 6)
        for name, first, gain in SAMPLE_GOALS:
            out.append(Rating(day, name, min(10, round(first + gain * week - (1 if week == 6 else 0)))))
    return out


def write_sample(path: Path = SAMPLE_PATH) -> Path:
    path.write_bytes(sample_text().encode("utf-8-sig"))
    return path


if __name__ == "__main__":
    print(f"wrote {write_sample()}")
