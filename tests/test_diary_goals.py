"""Activity goals (Patient-Specific Functional Scale style): up to five named activities rated 0-10 once a week,
kept beside the diary with the diary's guarantees."""

from __future__ import annotations

import json
from datetime import date

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from backcourse.diary import goals  # noqa: E402
from backcourse.diary import store as diary  # noqa: E402
from backcourse.diary.goals import GoalError, Rating  # noqa: E402

TODAY = date(2025, 6, 1)


def rate(path, day, activity, score):
    return goals.add_rating(path, Rating(day, activity, score), today=TODAY)


def test_ratings_round_trip_and_read_goals_gives_date_activity_score_records(tmp_path):
    path = tmp_path / "activity-goals.csv"
    rate(path, date(2025, 1, 6), "Lift my toddler", 3)
    rate(path, date(2025, 1, 6), "=sit through a film", 4)
    rate(path, date(2025, 1, 13), "Lift my toddler", 5)
    records = goals.read_goals(path)
    assert [tuple(r) for r in records] == [
        (date(2025, 1, 6), "Lift my toddler", 3), (date(2025, 1, 6), "=sit through a film", 4),
        (date(2025, 1, 13), "Lift my toddler", 5)]
    day, activity, score = records[0]
    assert (records[0].date, records[0].activity, records[0].score) == (day, activity, score)
    assert "'=sit through a film" in path.read_bytes().decode("utf-8-sig")  # safe in a spreadsheet


@pytest.mark.parametrize("rating, field", [
    (Rating(date(2025, 1, 6), "Walk to the shop", 11), "score"),
    (Rating(date(2025, 1, 6), "Walk to the shop", -1), "score"),
    (Rating(date(2025, 1, 6), "", 5), "activity"),
    (Rating(date(2025, 1, 6), "x" * 200, 5), "activity"),
    (Rating(date(2025, 6, 2), "Walk to the shop", 5), "date"),
])
def test_bad_ratings_are_refused_naming_the_field(tmp_path, rating, field):
    path = tmp_path / "g.csv"
    with pytest.raises(GoalError) as err:
        goals.add_rating(path, rating, today=TODAY)
    assert err.value.field == field
    assert len(str(err.value)) < 300
    assert not path.exists()


def test_at_most_five_activities_and_one_rating_a_week(tmp_path):
    path = tmp_path / "g.csv"
    for i in range(5):
        rate(path, date(2025, 1, 6), f"Activity {i}", 5)
    with pytest.raises(GoalError, match="five"):
        rate(path, date(2025, 1, 6), "Activity 6", 5)
    with pytest.raises(GoalError, match="once a week"):
        rate(path, date(2025, 1, 8), "Activity 1", 6)  # same Monday-to-Sunday week
    rate(path, date(2025, 1, 13), "Activity 1", 6)
    assert len(goals.read_goals(path)) == 6


def test_a_goals_file_that_fails_to_parse_is_never_overwritten(tmp_path):
    path = tmp_path / "g.csv"
    rate(path, date(2025, 1, 6), "Lift my toddler", 3)
    broken = path.read_bytes() + b'2025-01-13,"Lift my toddler,5,1\r\n'
    path.write_bytes(broken)
    with pytest.raises(diary.DiaryParseError) as err:
        goals.read_goals(path)
    assert err.value.line == 3
    with pytest.raises(diary.DiaryParseError):
        rate(path, date(2025, 1, 20), "Lift my toddler", 6)
    assert path.read_bytes() == broken


def test_goals_live_beside_the_diary(tmp_path):
    assert goals.goals_path_for(tmp_path / "pain-diary.csv") == tmp_path / "pain-diary-activity-goals.csv"


def test_change_from_first_rating_and_the_practical_guide():
    ratings = [Rating(date(2025, 1, 6), "Lift my toddler", 3), Rating(date(2025, 1, 13), "Lift my toddler", 4),
               Rating(date(2025, 2, 3), "Lift my toddler", 6), Rating(date(2025, 1, 6), "Sit through a film", 5),
               Rating(date(2025, 2, 3), "Sit through a film", 6)]
    changes = {c.activity: c for c in goals.goal_changes(ratings)}
    assert (changes["Lift my toddler"].first, changes["Lift my toddler"].latest, changes["Lift my toddler"].change) == (3, 6, 3)
    assert changes["Lift my toddler"].reaches_guide and not changes["Sit through a film"].reaches_guide
    assert "practical guide" in goals.GUIDE_TEXT


def test_chart_shows_goals_beside_weekly_pain_with_the_guide_labelled():
    from backcourse.diary.plots import goals_and_pain_weeks
    from backcourse.diary.sample import load_sample, load_sample_goals

    fig = goals_and_pain_weeks(load_sample(), load_sample_goals(), sample=True)
    texts = " ".join([t.get_text() for ax in fig.axes for t in ax.texts] + [ax.get_title(loc="left") for ax in fig.axes])
    texts += " ".join(t.get_text() for t in fig.texts)
    legend_texts = " ".join(t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().texts)
    assert len(fig.axes) == 2
    assert "practical guide" in texts
    for change in goals.goal_changes(load_sample_goals()):
        assert change.activity in legend_texts and f"{change.change:+d}" in legend_texts


def test_goals_are_in_the_json_export_and_beside_the_csv_export(tmp_path):
    path = tmp_path / "pain-diary.csv"
    diary.append_entry(path, diary.Entry(date(2025, 1, 6), 5), known_ids=set(), today=TODAY)
    rate(goals.goals_path_for(path), date(2025, 1, 6), "Lift my toddler", 3)
    d = diary.Diary.at(path, known_ids=set())
    doc = json.loads(d.export(tmp_path / "copy.json").read_text())
    assert doc["activity_goals"] == [{"date": "2025-01-06", "activity": "Lift my toddler", "score": 3}]
    d.export(tmp_path / "copy.csv")
    assert goals.read_goals(tmp_path / "copy-activity-goals.csv") == goals.read_goals(goals.goals_path_for(path))


def test_clinician_report_includes_activity_goals(tmp_path):
    from pypdf import PdfReader

    from backcourse.diary.report import write_report

    entries = [diary.Entry(date(2025, 1, 6), 5), diary.Entry(date(2025, 1, 13), 4)]
    ratings = [Rating(date(2025, 1, 6), "Lift my toddler", 3), Rating(date(2025, 1, 13), "Lift my toddler", 6)]
    out = write_report(entries, tmp_path / "r.pdf", goals=ratings)
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Lift my toddler" in text and "+3" in text


def test_routine_weekly_check_in_accepts_read_goals(tmp_path):
    """The routine's check-in takes ``goals=read_goals(path)`` as it takes (date, activity, score) tuples."""
    from datetime import timedelta

    from tests.test_routine_checkin import PLAN, START, full_week
    from backcourse.routine.checkin import PROGRESS, check_in

    path = tmp_path / "g.csv"
    goals.add_rating(path, Rating(START - timedelta(days=3), "carry shopping", 6), today=date.max)
    goals.add_rating(path, Rating(START + timedelta(days=5), "carry shopping", 3), today=date.max)
    result = check_in(PLAN, full_week(PLAN, 1), 1, goals=goals.read_goals(path))
    assert all(d.action != PROGRESS for d in result.decisions)
    assert any("carry shopping" in n for n in result.notes)
