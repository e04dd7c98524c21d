"""The made-up sample diary: committed, reproducible from its seed, clearly labelled, rich enough to chart."""

from __future__ import annotations

from backcourse.diary import analysis
from backcourse.diary.store import library_ids, read_diary
from backcourse.diary.sample import SAMPLE_NOTE, SAMPLE_PATH, generate, sample_text


def test_committed_sample_is_what_the_seeded_generator_makes():
    assert SAMPLE_PATH.read_bytes().decode("utf-8-sig") == sample_text(), (
        "data/sample-diary.csv is out of date: run `python -m backcourse.diary.sample`"
    )
    assert read_diary(SAMPLE_PATH) == generate()


def test_sample_is_labelled_as_made_up_in_its_first_entry():
    first = generate()[0]
    assert first.notes == SAMPLE_NOTE and "MADE-UP" in first.notes


def test_sample_covers_twelve_weeks_or_more_with_everything_the_charts_show():
    entries = generate()
    weeks = analysis.weekly(entries)
    days = analysis.daily(entries)
    assert len(weeks) >= 12
    assert all(w.days_logged >= analysis.MIN_DAYS_PER_WEEK for w in weeks)
    assert len(days) < 7 * len(weeks), "some days are missed, as in a real diary"
    assert any(d.entries > 1 for d in days), "some days have several entries"
    assert analysis.flare_ups(days), "a flare-up to mark"
    assert [label for _, label in analysis.routine_changes(entries)] == ["Gentle", "Recovering", "Keep strong"]
    assert analysis.change_from_baseline(weeks).enough_data
    assert analysis.walking_and_pain(days).enough_data
    assert any("\n" in e.notes for e in entries) and any('"' in e.notes for e in entries)


def test_sample_exercises_are_in_the_course_library():
    used = {ex for e in generate() for ex in e.exercises}
    assert used and used <= library_ids()
