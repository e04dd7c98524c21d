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
