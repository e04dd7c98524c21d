"""Invariants of the routine engine over random profiles (hypothesis), on the course's library and on a
small fixture library that keeps the same contract.

Each invariant is checked against the library's own data (not against what the plan says about itself):
no strengthening in acute plans; every front-core exercise paired with a back-extensor exercise in the same
session; no session longer than the learner's minutes; no excluded movement, position or missing equipment;
red flags always block; walking never jumps by more than the weekly step; repetitions start low and rise by
at most the step.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from backcourse import safety
from backcourse.routine import engine as routine
from backcourse.routine.engine import Blocked, Plan, Profile, build_plan
from test_routine_fixture import FIXTURE

REAL = routine.default_library()
LIBRARIES = {"course": REAL, "fixture": FIXTURE}
START = date(2026, 1, 5)

profiles = st.builds(
    Profile,
    phase=st.sampled_from(routine.PHASES),
    aggravated_by=st.lists(st.sampled_from(sorted(routine.AGGRAVATORS)), unique=True, max_size=4).map(tuple),
    equipment=st.lists(st.sampled_from(routine.EQUIPMENT), unique=True).map(tuple),
    minutes_per_session=st.integers(*routine.MINUTES_RANGE),
    sessions_per_week=st.integers(*routine.SESSIONS_RANGE),
    aerobic=st.sampled_from(routine.AEROBIC),
    aerobic_minutes_now=st.integers(*routine.AEROBIC_MINUTES_RANGE),
    aerobic_days_now=st.integers(0, 7),
)
library_names = st.sampled_from(sorted(LIBRARIES))
weeks = st.integers(*routine.WEEKS_RANGE)
starts = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))

EXAMPLES = 150


def plan_for(profile, lib, n_weeks=6, start=START) -> Plan:
    plan = build_plan(profile, safety.all_no(), start=start, weeks=n_weeks, library=LIBRARIES[lib])
    assert isinstance(plan, Plan)
    return plan


def items(plan):
    for session in plan.sessions:
        for item in session.items:
            yield session, item


@settings(max_examples=EXAMPLES, deadline=None)
@given(profiles, library_names)
def test_acute_plans_have_no_strengthening(profile, lib):
    plan = plan_for(profile, lib)
    library = LIBRARIES[lib]
    for _, item in items(plan):
        ex = library.get(item.exercise_id)
        if profile.phase == "acute":
            assert ex.category in ("stretch", "mobility"), f"{ex.id} ({ex.category}) in an acute plan"
            assert not ex.loaded
        if profile.phase == "recovering" and ex.category == "strengthen" and ex.core_role in ("front", "back"):
            # recovering-core: front and back core work is isometric and neutral-spine; side and leg
            # strength may join (session roles)
            assert ex.isometric and set(ex.spine_motion) == {"neutral"}, ex.id


@settings(max_examples=EXAMPLES, deadline=None)
@given(profiles, library_names)
def test_every_front_core_exercise_is_paired_with_a_back_exercise(profile, lib):
    plan = plan_for(profile, lib)
    library = LIBRARIES[lib]
    for session in plan.sessions:
        role = {i.exercise_id: library.get(i.exercise_id).core_role for i in session.items}
        fronts = [i for i in session.items if role[i.exercise_id] == "front"]
        partners = [i.paired_with for i in fronts]
        assert len(set(partners)) == len(partners), f"one back exercise serves two front ones: {partners}"
        for front in fronts:
            assert front.paired_with in role, f"{front.exercise_id}'s partner is not in the session"
            assert role[front.paired_with] == "back"
        assert sum(r == "back" for r in role.values()) >= len(fronts)


@settings(max_examples=EXAMPLES, deadline=None)
@given(profiles, library_names)
def test_sessions_never_exceed_the_time_given(profile, lib):
    plan = plan_for(profile, lib)
    library = LIBRARIES[lib]
    budget = profile.minutes_per_session * 60
    for session in plan.sessions:
        # recomputed from the library's doses, not taken from the plan's own totals
        seconds = 0
        for i in session.items:
            d = library.get(i.exercise_id).dose
            # a shorter hold than the library's shortens each repetition by the same seconds
            per_rep = d.seconds_per_rep - ((d.hold_seconds or 0) - (i.hold_seconds or 0))
            one_set = i.reps * per_rep * (2 if d.per_side else 1)
            seconds += i.sets * one_set + (i.sets - 1) * d.rest_seconds + routine.TRANSITION_SECONDS
        assert seconds <= budget
        assert seconds == session.seconds


@settings(max_examples=EXAMPLES, deadline=None)
@given(profiles, library_names)
def test_no_excluded_movement_position_or_missing_equipment(profile, lib):
    plan = plan_for(profile, lib)
    library = LIBRARIES[lib]
    motions = {m for a in profile.aggravated_by for m in routine.AGGRAVATORS[a][0]}
    positions = {p for a in profile.aggravated_by for p in routine.AGGRAVATORS[a][1]}
    have = set(profile.equipment) | {"none", "mat"}   # floor-space: a mat is comfort, not a need
    used = [i.exercise_id for _, i in items(plan)]
    for walk in (d.aerobic for d in plan.days if d.aerobic):
        if walk.exercise_id == "walking" and "standing" in positions:
            # walking stays in every plan: split into short bouts when standing hurts
            assert -(-walk.minutes // walk.bouts) <= routine.SPLIT_BOUT_MINUTES
        else:
            used.append(walk.exercise_id)
    for ex_id in used:
        ex = library.get(ex_id)
        assert not set(ex.spine_motion) & motions, f"{ex_id} uses {ex.spine_motion}, excluded {motions}"
        assert ex.position not in positions, f"{ex_id} is done {ex.position}"
        assert set(ex.equipment) <= have, f"{ex_id} needs {ex.equipment}, learner has {sorted(have)}"
        assert not ex.use_with_care
        # swimming is allowed from the start (water takes weight off the back)
        assert profile.phase in ex.phases or (ex.category == "aerobic" and "swim" in ex.id)
        if "seated" in positions:
            assert ex.position != "on-bike", "cycling counts as sitting"


@settings(max_examples=EXAMPLES, deadline=None)
@given(profiles, library_names, weeks)
def test_walking_never_jumps_by_more_than_the_step(profile, lib, n_weeks):
    plan = plan_for(profile, lib, n_weeks)
    bouts = []
    for week in plan.weeks:
        walks = [d.aerobic for d in week.days if d.aerobic]
        bouts.append((max((w.minutes for w in walks), default=0), len(walks)))
        assert len({w.minutes for w in walks}) <= 1
    assert all(days for _, days in bouts), "every plan has aerobic activity every week"
    first_minutes, first_days = bouts[0]
    assert first_minutes <= max(profile.aerobic_minutes_now, routine.MIN_WALK_MINUTES)
    assert first_days <= max(profile.aerobic_days_now, routine.MIN_WALK_DAYS)
    for (m0, d0), (m1, d1) in zip(bouts, bouts[1:]):
        assert 0 <= m1 - m0 <= routine.WALK_STEP_MINUTES
        assert 0 <= d1 - d0 <= routine.WALK_STEP_DAYS
    goal = max(routine.WALK_GOAL_MINUTES, profile.aerobic_minutes_now)
    assert all(m <= goal for m, _ in bouts)


@settings(max_examples=EXAMPLES, deadline=None)
@given(profiles, library_names, weeks)
def test_repetitions_start_low_and_rise_by_at_most_the_step(profile, lib, n_weeks):
    plan = plan_for(profile, lib, n_weeks)
    library = LIBRARIES[lib]
    by_exercise: dict[str, list[int]] = {}
    for week in plan.weeks:
        reps = {i.exercise_id: i.reps for s in week.sessions for i in s.items if i.reps is not None}
        # one dose per exercise per week
        assert all(len({i.reps for s in week.sessions for i in s.items if i.exercise_id == k}) == 1 for k in reps)
        for k, r in reps.items():
            by_exercise.setdefault(k, []).append(r)
    for k, seq in by_exercise.items():
        target = library.get(k).dose.reps
        assert seq[0] <= (routine.LOW_START_REPS if profile.low_dose else routine.START_REPS)
        assert all(r <= target for r in seq)
        assert all(0 <= b - a <= routine.REP_STEP for a, b in zip(seq, seq[1:]))


@settings(max_examples=EXAMPLES, deadline=None)
@given(profiles, library_names, weeks, starts)
def test_plan_shape_and_explanations(profile, lib, n_weeks, start):
    plan = plan_for(profile, lib, n_weeks, start)
    assert len(plan.weeks) == n_weeks
    assert [d.date for d in plan.days] == [start + timedelta(days=n) for n in range(7 * n_weeks)]
    assert all(len(w.sessions) == profile.sessions_per_week for w in plan.weeks)
    for _, item in items(plan):
        assert item.why.strip() and item.rules
        assert set(item.rules) <= set(routine.RULES)
    for day in plan.days:
        if day.aerobic:
            assert "walk-build" in day.aerobic.rules and day.aerobic.why.strip()


@settings(max_examples=60, deadline=None)
@given(profiles, library_names)
def test_same_profile_same_plan(profile, lib):
    assert plan_for(profile, lib) == plan_for(Profile(**vars(profile)), lib)


answers = st.fixed_dictionaries({q.id: st.sampled_from([True, False, None]) for q in safety.QUESTIONS})


@settings(max_examples=EXAMPLES, deadline=None)
@given(profiles, answers, st.booleans())
def test_red_flags_always_block(profile, given_answers, cleared):
    result = build_plan(profile, given_answers, cleared, start=START, library=FIXTURE)
    yes = {k for k, v in given_answers.items() if v is True}
    emergency = {q.id for q in safety.EMERGENCY_QUESTIONS} & yes
    see_soon = {q.id for q in safety.SEE_SOON_QUESTIONS} & yes
    if emergency:
        assert isinstance(result, Blocked) and result.status == safety.BLOCK_EMERGENCY
    elif see_soon and not cleared:
        assert isinstance(result, Blocked) and result.status == safety.BLOCK_CLEARANCE
    elif None in given_answers.values():
        assert isinstance(result, Blocked) and result.status == safety.BLOCK_UNANSWERED
    else:
        assert isinstance(result, Plan)


@settings(max_examples=EXAMPLES, deadline=None)
@given(profiles, library_names)
def test_sessions_hold_at_most_six_exercises_and_respect_days_per_week(profile, lib):
    plan = plan_for(profile, lib)
    library = LIBRARIES[lib]
    for week in plan.weeks:
        count: dict[str, int] = {}
        for session in week.sessions:
            assert len(session.items) <= routine.MAX_ITEMS
            for i in session.items:
                count[i.exercise_id] = count.get(i.exercise_id, 0) + 1
        for ex_id, n in count.items():
            assert n <= library.get(ex_id).dose.days_per_week, (ex_id, n)


@settings(max_examples=EXAMPLES, deadline=None)
@given(profiles.filter(lambda p: p.minutes_per_session >= 15), st.integers(8, 12))
def test_course_library_strength_work_progresses_every_week_until_full(profile, n_weeks):
    """Strength items never sit at one dose while below the full dose: each week one planned step."""
    plan = plan_for(profile, "course", n_weeks)
    seen: dict[str, tuple] = {}
    for week in plan.weeks:
        doses = {i.exercise_id: (i.reps, i.hold_seconds, i.sets) for s in week.sessions for i in s.items
                 if i.category == "strengthen"}
        for ex_id, dose in doses.items():
            if ex_id in seen and seen[ex_id][0] == week.number - 1:
                ex = REAL.get(ex_id)
                full = (ex.dose.reps, ex.dose.hold_seconds, max(ex.dose.sets, routine.STRENGTH_SETS))
                before = seen[ex_id][1]
                assert dose != before or before == full, (ex_id, before, dose)
            seen[ex_id] = (week.number, dose)


@settings(max_examples=EXAMPLES, deadline=None)
@given(profiles, library_names)
def test_the_session_size_note_matches_the_sessions(profile, lib):
    """Whatever the note about short sessions says about session size is true of the plan's first week."""
    plan = plan_for(profile, lib, n_weeks=1)
    sizes = [len(s.items) for s in plan.weeks[0].sessions]   # an empty session counts as 0
    for note in plan.notes:
        if "you have:" not in note:
            continue
        assert any(sizes)
        if "keeps sessions to" in note:   # the default size, claimed only when every session holds it
            assert all(routine.MIN_ITEMS <= n <= routine.MAX_ITEMS for n in sizes), (note, sizes)
            stated = note.split("yours have ")[1].split(")")[0]
            assert stated == (str(min(sizes)) if min(sizes) == max(sizes) else f"{min(sizes)} to {max(sizes)}")
        else:                             # a smaller plan says why
            assert min(sizes) < routine.MIN_ITEMS, (note, sizes)
            assert "fit your answers" in note or "fits your answers" in note
