"""The weekly check-in: the diary of a plan week decides next week, with a readable reason for each change.

Diaries here are built by hand (and by hypothesis) from the diary's own Entry records, so the expected
decisions follow from the rules in the module docstring, not from the code's output."""

from __future__ import annotations

import json
import statistics
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcourse import safety
from backcourse.diary.store import Entry
from backcourse.routine import checkin, engine
from backcourse.routine.checkin import HOLD, PROGRESS, STEP_BACK, check_in
from backcourse.routine.engine import Plan, Profile, build_plan

START = date(2026, 1, 5)   # a Monday


def make_plan(**kw) -> Plan:
    plan = build_plan(Profile(**kw), safety.all_no(), start=START, weeks=6)
    assert isinstance(plan, Plan)
    return plan


PLAN = make_plan(phase="recovering", minutes_per_session=15)


def full_week(plan: Plan, week: int, pain: int = 3, after_pain: int | None = None, flare: bool = False,
              walk: bool = True) -> list[Entry]:
    """A diary where every planned session and walk of ``week`` was done; pain each day ``pain``, and on the
    days after sessions ``after_pain``; two calm weeks before it give the usual level."""
    entries = []
    w = plan.weeks[week - 1]
    first = w.days[0].date
    for n in range(14, 0, -1):
        entries.append(Entry(first - timedelta(days=n), pain))
    session_days = {d.date for d in w.days if d.session}
    for d in w.days + (engine.Day(week, 7, first + timedelta(days=7), None, None),):
        p = after_pain if after_pain is not None and d.date - timedelta(days=1) in session_days else pain
        done = tuple(i.exercise_id for i in d.session.items) if d.session else ()
        walked = d.aerobic.minutes if (d.aerobic and walk) else None
        entries.append(Entry(d.date, p, exercises=done, minutes_walked=walked, flare_up=flare and d.index == 2))
    return entries


def test_a_full_calm_week_steps_every_exercise_up_once():
    result = check_in(PLAN, full_week(PLAN, 1), 1)
    ex = [d for d in result.decisions if d.exercise_id != "walking"]
    assert ex and all(d.action in (PROGRESS, HOLD) for d in ex)
    assert any(d.action == PROGRESS for d in ex)
    walking = next(d for d in result.decisions if d.exercise_id == "walking")
    assert walking.action == PROGRESS and result.walking.minutes == PLAN.weeks[0].aerobic.minutes + 5


def test_worse_next_day_pain_steps_back_and_never_up():
    two = make_plan(phase="recovering", sessions_per_week=2)
    result = check_in(two, full_week(two, 2, pain=3, after_pain=6), 2)
    assert not result.flare_up and all(d.action != PROGRESS for d in result.decisions)
    assert any(d.action == STEP_BACK and "day after" in d.reason for d in result.decisions)


def test_one_bad_next_day_stops_every_step_up_that_week():
    """Pain 7 (usual 3) only on the day after session 1: session 1's exercises step back, and nothing else
    steps up either, neither the exercises of sessions 2 and 3 nor walking (the week is judged as a whole)."""
    plan = make_plan(phase="recovering", minutes_per_session=15, sessions_per_week=3)
    week = 2
    w = plan.weeks[week - 1]
    first_session = next(d for d in w.days if d.session)
    bad_day = first_session.date + timedelta(days=1)
    entries = [Entry(e.date, 7, exercises=e.exercises, minutes_walked=e.minutes_walked) if e.date == bad_day else e
               for e in full_week(plan, week)]
    result = check_in(plan, entries, week)
    assert not result.flare_up
    by_id = {d.exercise_id: d for d in result.decisions}
    assert all(d.action != PROGRESS for d in result.decisions)
    first_ids = {i.exercise_id for i in first_session.session.items}
    others = {i.exercise_id for s in w.sessions for i in s.items} - first_ids
    assert others, "the plan needs exercises outside session 1 for this test"
    assert all(by_id[i].action == STEP_BACK for i in first_ids if by_id[i].before != by_id[i].after)
    assert any(by_id[i].action == STEP_BACK for i in first_ids)
    for i in others:
        assert by_id[i].action == HOLD and "nothing steps up" in by_id[i].reason
    assert by_id["walking"].action != PROGRESS
    assert (result.walking.minutes, result.walking.days) <= (w.aerobic.minutes, w.aerobic.days)
    # the same week without the bad day steps the other exercises up: the hold above is the bad day's doing
    calm = check_in(plan, full_week(plan, week), week)
    assert any(d.action == PROGRESS for d in calm.decisions if d.exercise_id in others)


def test_flare_up_steps_back_and_repeats_the_warning_signs():
    result = check_in(PLAN, full_week(PLAN, 2, flare=True), 2)
    assert result.flare_up and all(d.action != PROGRESS for d in result.decisions)
    assert any(d.rule == "flare-up" for d in result.decisions)
    # the warning signs are repeated in full sentences rendered from backcourse.safety: every emergency sign
    # and the number to call are there, and no sentence points at signs it does not name ("one of them")
    note = result.lines[0]
    for q in safety.EMERGENCY_QUESTIONS:
        assert q.plain in note
    assert safety.EMERGENCY_NUMBERS in note and "one of them" not in note
    assert "see a GP or physio" in note


def _calm_week(plan: Plan, week: int, aerobic: dict[int, dict]) -> list[Entry]:
    """Two calm weeks at pain 3, then the week with every session done, pain 3, and on the days given in
    ``aerobic`` (0-6) the extra fields given there (minutes walked, or an aerobic activity ticked)."""
    w = plan.weeks[week - 1]
    first = w.days[0].date
    out = [Entry(first - timedelta(days=n), 3) for n in range(14, 0, -1)]
    for d in w.days:
        done = tuple(i.exercise_id for i in d.session.items) if d.session else ()
        extra = aerobic.get(d.index, {})
        out.append(Entry(d.date, 3, exercises=done + tuple(extra.get("ticked", ())),
                         minutes_walked=extra.get("minutes")))
    return out


def test_a_swimmer_who_swam_as_planned_steps_up():
    """A recovering swimmer's plan has swims, not walks: swims ticked in the diary on the planned days count."""
    plan = make_plan(phase="recovering", aerobic="swimming", equipment=("pool",))
    w = plan.weeks[0]
    swim_days = [d for d in w.days if d.aerobic]
    assert swim_days and all(d.aerobic.activity == "swimming" for d in swim_days)
    entries = _calm_week(plan, 1, {d.index: {"ticked": (d.aerobic.exercise_id,)} for d in swim_days})
    result = check_in(plan, entries, 1)
    aerobic = next(d for d in result.decisions if d.exercise_id == "walking")
    assert aerobic.action == PROGRESS, aerobic.line
    assert aerobic.name.startswith("Swimming") and "swam" in aerobic.reason
    assert (result.walking.minutes, result.walking.days) > (w.aerobic.minutes, w.aerobic.days)
    # the same week with no swim ticked holds
    none = check_in(plan, _calm_week(plan, 1, {}), 1)
    assert next(d for d in none.decisions if d.exercise_id == "walking").action == HOLD


def test_walks_on_other_days_of_the_week_count():
    """Walks of the planned length on days other than the planned ones still make the planned number of days."""
    plan = make_plan(phase="recovering")
    w = plan.weeks[0]
    planned = {d.index for d in w.days if d.aerobic}
    other = [i for i in range(7) if i not in planned][:w.aerobic.days]
    assert len(other) == w.aerobic.days
    entries = _calm_week(plan, 1, {i: {"minutes": w.aerobic.minutes} for i in other})
    result = check_in(plan, entries, 1)
    walking = next(d for d in result.decisions if d.exercise_id == "walking")
    assert walking.action == PROGRESS, walking.line
    # shorter walks than planned do not count
    short = _calm_week(plan, 1, {i: {"minutes": w.aerobic.minutes - 1} for i in other})
    assert next(d for d in check_in(plan, short, 1).decisions if d.exercise_id == "walking").action == HOLD


def test_no_entries_holds_and_says_so():
    result = check_in(PLAN, [], 3)
    assert all(d.action == HOLD for d in result.decisions)
    assert "No diary entries for week 3" in result.lines[0]


def test_skipped_sessions_hold():
    entries = [e if not e.exercises else Entry(e.date, e.pain) for e in full_week(PLAN, 1)]
    result = check_in(PLAN, entries, 1)
    ex = [d for d in result.decisions if d.exercise_id != "walking"]
    assert all(d.action == HOLD and "0 of" in d.reason for d in ex)


def test_red_flag_in_the_diary_blocks_the_next_plan():
    entries = full_week(PLAN, 1)
    entries[-3] = Entry(entries[-3].date, 4, tags=("red-flag",))
    result = check_in(PLAN, entries, 1)
    assert result.blocked
    assert isinstance(checkin.next_plan(PLAN, result), engine.Blocked)


def test_activity_goal_drop_holds_progress():
    goals = [(START - timedelta(days=3), "carry shopping", 6), (START + timedelta(days=5), "carry shopping", 3)]
    result = check_in(PLAN, full_week(PLAN, 1), 1, goals=goals)
    assert all(d.action != PROGRESS for d in result.decisions)
    assert any("carry shopping" in n for n in result.notes)


def test_reassess_after_two_settled_weeks():
    acute = make_plan(phase="acute")
    result = check_in(acute, full_week(acute, 2, pain=2), 2)
    assert result.reassess and "recovering" in result.reassess


def test_next_plan_uses_the_decided_doses():
    result = check_in(PLAN, full_week(PLAN, 1), 1)
    nxt = checkin.next_plan(PLAN, result)
    assert isinstance(nxt, Plan) and nxt.start == START + timedelta(days=7) and len(nxt.weeks) == 5
    first = {i.exercise_id: engine.DoseNow(i.reps, i.hold_seconds, i.sets) for s in nxt.weeks[0].sessions
             for i in s.items}
    for ex_id, dose in first.items():
        if ex_id in result.doses:
            assert dose == result.doses[ex_id]


def test_save_and_load_the_plan_next_to_the_diary(tmp_path):
    path = checkin.plan_path(tmp_path / "pain-diary.csv")
    assert path == tmp_path / checkin.PLAN_FILE
    checkin.save_plan(PLAN, path)
    with pytest.raises(FileExistsError):
        checkin.save_plan(PLAN, path)         # never overwrites silently
    data = json.loads(path.read_text())
    assert data["screen"]["status"] == "clear" and data["profile"]["phase"] == "recovering"
    assert checkin.load_plan(path) == PLAN


def test_a_plan_without_a_screen_is_refused(tmp_path):
    from dataclasses import replace
    bare = replace(PLAN, screen=None)
    with pytest.raises(checkin.CheckInError, match="screen"):
        checkin.save_plan(bare, tmp_path / "p.json")
    with pytest.raises(checkin.CheckInError, match="screen"):
        check_in(bare, [], 1)
    from backcourse.routine import handout
    with pytest.raises(handout.ExportError, match="screen"):
        handout.plan_csv(bare)


# --- properties ---------------------------------------------------------------------------------------------

days_strategy = st.lists(
    st.tuples(st.integers(0, 20), st.integers(0, 10), st.booleans(), st.booleans(), st.integers(0, 60)),
    max_size=21)
profiles = st.sampled_from([PLAN, make_plan(phase="acute"), make_plan(phase="maintenance", sessions_per_week=5),
                            make_plan(phase="recovering", low_dose=True)])


def diary_from(plan, week, rows):
    first = plan.weeks[week - 1].days[0].date - timedelta(days=7)
    out = []
    for offset, pain, did, flare, walked in rows:
        d = first + timedelta(days=offset)
        session = next((x.session for x in plan.days if x.date == d and x.session), None)
        done = tuple(i.exercise_id for i in session.items) if (session and did) else ()
        out.append(Entry(d, pain, exercises=done, flare_up=flare, minutes_walked=walked))
    return out


@settings(max_examples=150, deadline=None)
@given(profiles, st.integers(1, 6), days_strategy)
def test_check_in_properties(plan, week, rows):
    entries = diary_from(plan, week, rows)
    result = check_in(plan, entries, week)
    assert result == check_in(plan, list(reversed(entries)), week)     # deterministic, order-free
    first = plan.weeks[week - 1].days[0].date
    this_week = [e for e in entries if first <= e.date <= first + timedelta(days=6)]
    before = [e.pain for e in entries if first - timedelta(days=14) <= e.date < first]
    now = {i.exercise_id: engine.DoseNow(i.reps, i.hold_seconds, i.sets)
           for s in plan.weeks[week - 1].sessions for i in s.items}
    lib = engine.default_library()
    flare = any(e.flare_up for e in this_week)   # (a marked flare-up; several high days also count)
    for d in result.decisions:
        assert d.line.startswith(d.name) and d.rule in engine.RULES
        if flare:
            assert d.action != PROGRESS                                   # a flare-up never progresses
    for ex_id, new in result.doses.items():
        old = now[ex_id]
        up = engine.next_dose(lib.get(ex_id), old, plan.profile.low_dose)
        assert new in (old, up, engine.previous_dose(lib.get(ex_id), old, plan.profile.low_dose))  # one step
    if this_week:
        # never raises a dose after a week whose next-day pain rose past the rule (judged for the whole week:
        # a rise after any session done that week). The usual level is the median of the 14 days before the
        # week, or with none, of the week's days without a session (all its days if every day had one).
        session_days = {x.date: {i.exercise_id for i in x.session.items}
                        for x in plan.weeks[week - 1].days if x.session}
        if before:
            usual = statistics.median(before)
        else:
            usual = statistics.median([e.pain for e in this_week if e.date not in session_days]
                                      or [e.pain for e in this_week])
        done = {d for d, ids in session_days.items() if any(set(e.exercises) & ids for e in entries if e.date == d)}
        rose = any(e.pain >= usual + checkin.PAIN_RISE for e in entries if e.date - timedelta(days=1) in done)
        if rose or flare:
            assert all(d.action != PROGRESS for d in result.decisions)
            for ex_id, new in result.doses.items():
                assert new in (now[ex_id], engine.previous_dose(lib.get(ex_id), now[ex_id], plan.profile.low_dose))
            old_walk = plan.weeks[week - 1].aerobic
            if old_walk is not None:
                assert result.walking.minutes <= old_walk.minutes and result.walking.days <= old_walk.days
    if not this_week:
        assert all(d.action == HOLD for d in result.decisions)


@settings(max_examples=200, deadline=None)
@given(profiles, st.integers(1, 6), st.integers(0, 6), st.lists(st.integers(0, 10), min_size=8, max_size=8),
       st.lists(st.booleans(), min_size=7, max_size=7))
def test_a_next_day_rise_after_any_session_stops_every_step_up(plan, week, usual, pains, did):
    """Two calm weeks at ``usual`` before the week, then random pain each day and random sessions done. If pain
    on the day after any session done rose past the rule, no dose rises that week (no exercise, no walking);
    if no day rose and every session was done, every exercise below its full dose steps up."""
    w = plan.weeks[week - 1]
    first = w.days[0].date
    entries = [Entry(first - timedelta(days=n), usual) for n in range(14, 0, -1)]
    done_days = set()
    for i in range(8):
        d = first + timedelta(days=i)
        day = w.days[i] if i < 7 else None
        ticked = ()
        if day is not None and day.session and did[i]:
            ticked = tuple(x.exercise_id for x in day.session.items)
            done_days.add(d)
        walked = day.aerobic.minutes if day is not None and day.aerobic else None
        entries.append(Entry(d, pains[i], exercises=ticked, minutes_walked=walked))
    result = check_in(plan, entries, week)
    lib = engine.default_library()
    now = {i.exercise_id: engine.DoseNow(i.reps, i.hold_seconds, i.sets) for s in w.sessions for i in s.items}
    rose = any(e.pain >= usual + checkin.PAIN_RISE for e in entries if e.date - timedelta(days=1) in done_days)
    if rose:
        assert all(d.action != PROGRESS for d in result.decisions)
        for ex_id, new in result.doses.items():
            assert new in (now[ex_id], engine.previous_dose(lib.get(ex_id), now[ex_id], plan.profile.low_dose))
        if w.aerobic is not None:
            assert result.walking.minutes <= w.aerobic.minutes and result.walking.days <= w.aerobic.days
    elif all(p < usual + checkin.PAIN_RISE for p in pains) and all(did[d.index] for d in w.days if d.session):
        for ex_id, new in result.doses.items():
            up = engine.next_dose(lib.get(ex_id), now[ex_id], plan.profile.low_dose)
            assert new == (up or now[ex_id])


@settings(max_examples=100, deadline=None)
@given(profiles, st.integers(1, 6), days_strategy, st.integers(0, 6), st.integers(0, 10))
def test_a_red_flag_anywhere_in_the_week_blocks_the_next_plan(plan, week, rows, day, pain):
    """Whatever else the diary says, one entry in the week tagged as a warning sign means no plan."""
    entries = diary_from(plan, week, rows)
    entries.append(Entry(plan.weeks[week - 1].days[day].date, pain, tags=(checkin.RED_FLAG_TAG,)))
    result = check_in(plan, entries, week)
    assert result.blocked and not result.decisions
    assert all(d.action != PROGRESS for d in result.decisions)
    assert isinstance(checkin.next_plan(plan, result), engine.Blocked)


# --- the plan file has the diary's guarantees ---------------------------------------------------------------


@pytest.mark.parametrize("broken", ['{"kind": "backcourse routine plan", "weeks": [', "{}", "[1, 2]", "\udcff"])
def test_a_plan_file_that_does_not_parse_is_never_replaced(tmp_path, broken):
    path = checkin.plan_path(tmp_path / "pain-diary.csv")
    raw = broken.encode("utf-8", "surrogateescape")
    path.write_bytes(raw)
    with pytest.raises(checkin.CheckInError) as err:
        checkin.save_plan(PLAN, path, overwrite=True)
    message = str(err.value)
    assert str(path) in message and "not changed" in message and "Move it away" in message
    assert path.read_bytes() == raw
    with pytest.raises(checkin.CheckInError, match="not changed"):
        checkin.load_plan(path)
    # a good plan file is replaced when allowed
    path.unlink()
    checkin.save_plan(PLAN, path)
    other = make_plan(phase="acute")
    checkin.save_plan(other, path, overwrite=True)
    assert checkin.load_plan(path) == other


def test_saving_the_plan_waits_for_the_lock_like_the_diary(tmp_path, monkeypatch):
    """While another writer holds the lock beside the plan file, a save waits, then refuses with a clear
    message and writes nothing; once the lock is free it saves."""
    from filelock import FileLock

    path = checkin.plan_path(tmp_path / "pain-diary.csv")
    monkeypatch.setattr(checkin, "LOCK_TIMEOUT_SECONDS", 0.2)
    other = FileLock(str(path.with_name(path.name + ".lock")))
    with other:
        with pytest.raises(checkin.PlanBusyError, match="another notebook or program is writing"):
            checkin.save_plan(PLAN, path)
        assert not path.exists()
    checkin.save_plan(PLAN, path)
    assert checkin.load_plan(path) == PLAN


def test_reasons_count_one_planned_day_in_the_singular():
    plan = make_plan(phase="acute", minutes_per_session=10)
    once = [i for i, days in _planned_per_exercise(plan, 1).items() if len(days) == 1]
    assert once, "the plan needs an exercise planned once a week"
    result = check_in(plan, [Entry(e.date, e.pain) for e in full_week(plan, 1)], 1)
    for d in result.decisions:
        if d.exercise_id in once:
            assert "0 of 1 planned day;" in d.reason and "1 planned days" not in d.reason


def _planned_per_exercise(plan, week):
    out = {}
    for day in plan.weeks[week - 1].days:
        for item in (day.session.items if day.session else ()):
            out.setdefault(item.exercise_id, []).append(day.date)
    return out
