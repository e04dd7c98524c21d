"""The routine app driven headlessly, as a learner would in JupyterLab: answer the safety questions, change
the controls, and check that the plan view follows and the save button writes (or refuses to overwrite)."""

from __future__ import annotations

from datetime import date

import pytest

from backcourse import safety
from backcourse.routine import handout
from backcourse.routine import engine as routine
from backcourse.routine.widgets import RoutineApp

START = date(2026, 1, 5)


def answer_all(app, value=False):
    for toggle in app.questions.values():
        toggle.value = value


@pytest.fixture
def app():
    return RoutineApp(start=START)


def test_no_plan_until_every_safety_question_is_answered(app):
    assert isinstance(app.plan, routine.Blocked) and app.plan.status == safety.BLOCK_UNANSWERED
    assert safety.UNANSWERED_MESSAGE in app.output.value and app.save.disabled
    answer_all(app)
    assert isinstance(app.plan, routine.Plan)
    assert "Week 1" in app.output.value and not app.save.disabled


def test_an_emergency_answer_replaces_the_plan_with_the_message(app):
    answer_all(app)
    app.questions["bladder-bowel"].value = True
    assert app.plan.status == safety.BLOCK_EMERGENCY
    assert handout._esc(safety.EMERGENCY_MESSAGE) in app.output.value and "Week 1" not in app.output.value
    app.cleared.value = True  # clearance never overrides an emergency sign
    assert app.plan.status == safety.BLOCK_EMERGENCY


def test_see_soon_answer_needs_the_clearance_box(app):
    answer_all(app)
    app.questions["cancer"].value = True
    assert app.plan.status == safety.BLOCK_CLEARANCE
    app.cleared.value = True
    assert isinstance(app.plan, routine.Plan)


def view(app) -> str:
    return app.output.value + app.chart.value + "".join(c.value for c in app.gallery.children)


def test_plan_redraws_on_every_control(app):
    answer_all(app)
    seen = {view(app)}
    for control, value in ((app.phase, "acute"), (app.minutes, 30), (app.sessions, 5), (app.weeks, 4),
                           (app.aerobic_minutes, 20), (app.equipment["strap"], True),
                           (app.aggravators["arching-back"], True), (app.start, date(2026, 3, 2))):
        control.value = value
        assert view(app) not in seen, f"view did not change after {control.description!r}"
        seen.add(view(app))
    assert app.plan.profile == routine.Profile(phase="acute", aggravated_by=("arching-back",),
                                               equipment=("mat", "strap"), minutes_per_session=30,
                                               sessions_per_week=5, aerobic_minutes_now=20)
    assert len(app.plan.weeks) == 4 and app.plan.start == date(2026, 3, 2)
    # the view is the engine's plan: every session's exercises are shown with a link to the library
    for item in app.plan.sessions[0].items:
        assert f'href="../book/exercise-library.html#ex-{item.exercise_id}"' in app.output.value
    assert "<svg" in app.chart.value and all("<svg" in c.value for c in app.gallery.children)  # chart and drawings


def test_phase_suggestion_follows_the_helper_and_can_be_applied(app):
    app.weeks_since.value, app.pain_today.value, app.settling.value = 2, 3, True
    assert "Suggested: acute" in app.suggestion.value
    app.use_suggestion.click()
    assert app.phase.value == "acute"
    app.weeks_since.value = 20
    assert "Suggested: maintenance" in app.suggestion.value


def test_save_writes_then_refuses_to_overwrite(app, tmp_path):
    answer_all(app)
    app.folder.value = str(tmp_path / "out")
    app.save.click()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "my-back-routine.csv", "my-back-routine.html", "my-back-routine.ics", "my-back-routine.md"]
    assert app.save_status.value.startswith("Saved")
    before = (tmp_path / "out" / "my-back-routine.csv").read_bytes()
    app.sessions.value = 5
    app.save.click()
    assert "Not saved" in app.save_status.value and "already exist" in app.save_status.value
    assert (tmp_path / "out" / "my-back-routine.csv").read_bytes() == before
    app.overwrite.value = True
    app.save.click()
    assert app.save_status.value.startswith("Saved")
    assert (tmp_path / "out" / "my-back-routine.csv").read_bytes() != before


def test_text_form_of_the_app_is_fixed(app):
    bundle = app._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert data["text/plain"] == "Build-your-routine app (run this notebook to use the controls)"
    assert "application/vnd.jupyter.widget-view+json" in data


def test_one_change_sends_well_under_100_kb(app):
    """Only widgets whose text changed are sent: the week shown, and the chart or drawings if they changed."""
    answer_all(app)
    for control, value in ((app.minutes, 30), (app.sessions, 5), (app.week, 3), (app.equipment["strap"], True)):
        before = {w: w.value for w in (app.output, app.chart)}
        cards = set(app._cards)
        control.value = value
        sent = sum(len(w.value.encode("utf-8")) for w, old in before.items() if w.value != old)
        sent += sum(len(app._cards[i].value.encode("utf-8")) for i in set(app._cards) - cards)  # new cards only
        assert sent < 100_000, (control.description, sent)
    assert "Week 3" in app.output.value and "Week 1" not in app.output.value


def test_a_yes_with_clearance_is_said_back_not_called_no_warning_signs(app):
    answer_all(app)
    app.questions["cancer"].value = True
    app.cleared.value = True
    assert "cleared you" in app.output.value and safety.CLEAR_MESSAGE not in app.output.value
    # what was answered, in the words of the warning-sign list (safety.cleared_message names each sign)
    assert handout._esc(safety.QUESTIONS_BY_ID["cancer"].plain) in app.output.value


def test_first_day_is_next_monday_for_a_learner_and_fixed_in_the_book(monkeypatch):
    from backcourse.routine import widgets as w
    assert w.first_day() == w.BOOK_START              # the book build and tests set BACKCOURSE_DIARY_SAMPLE
    monkeypatch.delenv(w.BOOK_ENV)
    assert w.first_day(date(2026, 12, 2)) == date(2026, 12, 7)   # a Wednesday -> next Monday
    assert w.first_day(date(2026, 12, 7)) == date(2026, 12, 14)  # a Monday -> the Monday after


def test_links_open_the_book_page_or_its_source_never_a_missing_path(monkeypatch, tmp_path):
    from backcourse.routine import widgets as w
    link = '<a href="../book/phases.html#routine-rules">rules</a>'
    assert w.book_links(link) == link                                  # in the built book
    monkeypatch.delenv(w.BOOK_ENV)
    (tmp_path / "_config.yml").write_text("title: x\n")
    assert w.book_prefix(tmp_path) == "../book/"
    assert w.book_links(link, "../book/") == '<a href="../book/phases.md">rules</a>'   # the chapter's source
    (tmp_path / "_build" / "html" / "book").mkdir(parents=True)
    assert w.book_prefix(tmp_path) == "../_build/html/book/"
    (tmp_path / "_config.yml").write_text("html:\n  baseurl: https://example.org/course/\n")
    assert w.book_prefix(tmp_path) == "https://example.org/course/book/"
    assert w.book_links(link, "https://example.org/course/book/") == \
        '<a href="https://example.org/course/book/phases.html#routine-rules">rules</a>'
    root = w.REPO_ROOT
    for target in ("phases.md", "exercise-library.md"):
        assert (root / "book" / target).is_file()


def test_long_lasting_high_pain_suggestion_gives_the_low_dose_plan(app):
    """Chronic (over 12 weeks) and pain 8 today: the suggestion says "low dose", and applying it must build the
    low-dose plan (fewer first-week repetitions, the low-dose rule on each dosed item), not the normal one."""
    answer_all(app)
    app.weeks_since.value, app.pain_today.value, app.settling.value = 20, 8, True
    assert "low dose" in app.suggestion.value
    app.use_suggestion.click()
    assert app.low_dose.value is True and app.plan.profile.low_dose is True
    assert app.plan.profile.phase == "recovering"
    dosed = [i for s in app.plan.weeks[0].sessions for i in s.items if i.reps is not None]
    assert dosed and all(i.reps <= routine.LOW_START_REPS for i in dosed)
    assert all("low-dose-start" in i.rules for i in dosed)
    normal = routine.build_plan(routine.Profile(**{**app.plan.profile.__dict__, "low_dose": False}),
                                safety.all_no(), start=START)
    assert normal.weeks != app.plan.weeks                     # the low dose really changes the plan
    assert app.low_dose in app.profile_box.children            # the learner sees (and can change) it
    # a later suggestion without a low dose turns it off again
    app.weeks_since.value, app.pain_today.value = 20, 2
    app.use_suggestion.click()
    assert app.plan.profile.low_dose is False and app.plan.profile.phase == "maintenance"


def test_low_dose_shows_in_the_handout_summary():
    from backcourse.routine.handout import profile_summary
    low = dict(profile_summary(routine.Profile(low_dose=True)))["Phase"]
    assert "low dose" in low and "low dose" not in dict(profile_summary(routine.Profile()))["Phase"]


# --- the notebook's weekly check-in -------------------------------------------------------------------------

from datetime import timedelta  # noqa: E402

from backcourse.diary import goals as goal_store  # noqa: E402
from backcourse.diary import store as diary_store  # noqa: E402
from backcourse.routine import checkin  # noqa: E402
from backcourse.routine import widgets as routine_widgets  # noqa: E402


def _learner(tmp_path, monkeypatch):
    """A learner's own data folder (the diary's default place points here), the book's sample switch off."""
    monkeypatch.delenv(routine_widgets.BOOK_ENV, raising=False)
    diary = tmp_path / "data" / "pain-diary.csv"
    monkeypatch.setenv(diary_store.PATH_ENV, str(diary))
    return diary


def _week_done(plan, week, pain=3):
    """Two calm weeks, then every session and walk of ``week`` done at ``pain``."""
    w = plan.weeks[week - 1]
    first = w.days[0].date
    out = [diary_store.Entry(first - timedelta(days=n), pain) for n in range(14, 0, -1)]
    for d in w.days:
        out.append(diary_store.Entry(d.date, pain, exercises=tuple(i.exercise_id for i in d.session.items)
                                     if d.session else (), minutes_walked=d.aerobic.minutes if d.aerobic else None))
    return out


def test_sample_check_in_writes_nothing_into_the_learners_folder_or_the_repository(tmp_path, monkeypatch):
    real = tmp_path / "real-data" / "pain-diary.csv"
    monkeypatch.setenv(diary_store.PATH_ENV, str(real))          # where the learner's data would go
    before = {p for p in routine_widgets.REPO_ROOT.rglob("routine-plan*.json")}
    result = routine_widgets.weekly_check_in()                   # BACKCOURSE_DIARY_SAMPLE=1 (book, tests)
    assert result.sample and result.week == routine_widgets.SAMPLE_WEEK
    assert not real.parent.exists()
    assert {p for p in routine_widgets.REPO_ROOT.rglob("routine-plan*.json")} == before
    # next week's plan is saved beside the (practice) diary, where next week's check-in reads it
    assert result.saved["plan"] == result.plan_file and result.plan_file.name == checkin.PLAN_FILE
    assert checkin.load_plan(result.plan_file) == result.next_plan
    assert result.next_plan.start == result.plan.start + timedelta(days=7)
    assert {p.suffix for p in result.saved.values()} == {".json", ".html", ".md", ".ics", ".csv"}
    assert all(p.parent == result.plan_file.parent for p in result.saved.values())
    # the notebook's output names files, never the (random, personal) folder
    assert str(result.plan_file.parent) not in result.html() and checkin.PLAN_FILE in result.html()
    assert routine_widgets.diary_plan_file().parent != real.parent


def test_learners_check_in_saves_next_weeks_plan_beside_the_diary_and_reads_it_next_week(tmp_path, monkeypatch):
    diary = _learner(tmp_path, monkeypatch)
    plan = routine.build_plan(routine.Profile(phase="recovering"), safety.all_no(), start=START)
    plan_file = checkin.plan_path(diary)
    checkin.save_plan(plan, plan_file)
    diary_store.write_diary(diary, _week_done(plan, 1), today=date(2030, 1, 1))
    out = tmp_path / "handouts"
    first = routine_widgets.weekly_check_in(today=START + timedelta(days=8), folder=out)
    assert not first.sample and first.week == 1
    assert any(d.action == checkin.PROGRESS for d in first.result.decisions)
    saved = checkin.load_plan(plan_file)
    assert saved == first.next_plan and saved.start == START + timedelta(days=7)
    assert sorted(p.suffix for p in out.iterdir()) == [".csv", ".html", ".ics", ".md"]
    # running the cell again the same week changes nothing: next week's plan has not had a week yet
    again = routine_widgets.weekly_check_in(today=START + timedelta(days=9), folder=out)
    assert again.result is None and not again.saved and checkin.load_plan(plan_file) == saved
    # a week later the check-in starts from the saved plan
    diary_store.write_diary(diary, _week_done(saved, 1), today=date(2030, 1, 1))
    later = routine_widgets.weekly_check_in(today=START + timedelta(days=15), folder=out)
    assert later.plan == saved and later.week == 1
    # a learner's own check-in is never written into the notebook: its saved text is a fixed sentence
    shown = later.show()
    assert repr(shown) == routine_widgets.PRIVATE_CHECKIN
    bundle = shown._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert data["text/plain"] == routine_widgets.PRIVATE_CHECKIN


def test_learners_check_in_reads_the_activity_goals(tmp_path, monkeypatch):
    """A goal score that fell by 2 or more holds every step up (the diary's goals file beside the diary)."""
    diary = _learner(tmp_path, monkeypatch)
    plan = routine.build_plan(routine.Profile(phase="recovering"), safety.all_no(), start=START)
    checkin.save_plan(plan, checkin.plan_path(diary))
    diary_store.write_diary(diary, _week_done(plan, 1), today=date(2030, 1, 1))
    goal_store.write_goals(goal_store.goals_path_for(diary), [
        goal_store.Rating(START - timedelta(days=1), "Carry the shopping", 6),
        goal_store.Rating(START + timedelta(days=6), "Carry the shopping", 3)], today=date(2030, 1, 1))
    result = routine_widgets.weekly_check_in(today=START + timedelta(days=8), folder=tmp_path / "out")
    assert all(d.action != checkin.PROGRESS for d in result.result.decisions)
    assert any("Carry the shopping" in n for n in result.result.notes)


def test_without_a_saved_plan_the_learner_sees_the_sample_and_nothing_is_written_beside_their_diary(
        tmp_path, monkeypatch):
    diary = _learner(tmp_path, monkeypatch)
    diary_store.write_diary(diary, [diary_store.Entry(START, 3)], today=date(2030, 1, 1))
    result = routine_widgets.weekly_check_in(today=START + timedelta(days=8), folder=tmp_path / "out")
    assert result.sample and "no saved plan yet" in result.html()
    assert sorted(p.name for p in diary.parent.iterdir() if not p.name.endswith(".lock")) == [diary.name]
    assert not (tmp_path / "out").exists()
