"""The weekly check-in: the diary of one plan week decides next week's plan, with a reason for every change.

Why a pure function: the notebook, the tests and a browser all call :func:`check_in` with the same plan and
diary entries and get the same decisions; nothing here reads the clock, the screen or a file. Saving and
loading the plan (:func:`save_plan`, :func:`load_plan`) are separate and go through :mod:`backcourse.files`,
with the diary's guarantees: atomic, one writer at a time (a lock file beside the plan), and a plan file that
does not parse is never replaced.

The diary is read through its entries' attributes only (``date``, ``pain``, ``minutes_walked``,
``exercises``, ``tags``, ``flare_up``: :class:`backcourse.diary.store.Entry`), so this module imports nothing
from the diary and stays standard-library only.

How one week is read (all rules are in :data:`backcourse.routine.engine.RULES`):

* **Usual pain**: the median pain of the entries in the 14 days before the week (or, with none, of the week's
  own days without a session).
* **Next-day pain rose**: pain on the day after a session is at least :data:`PAIN_RISE` points above the
  usual level (the course's pain rule: "still clearly worse the next morning").
* **Flare-up**: an entry marked as a flare-up, or :data:`FLARE_DAYS` days at least :data:`FLARE_POINTS`
  above the usual level (the diary's flare-up day rule, on several days). A flare-up steps every dose back one level and repeats the warning-sign
  reminder (rule ``flare-up``); nothing progresses.
* **The week is judged as a whole** (the issue's rule: "never raises a dose after a week whose next-day pain
  rose past the rule"): if pain rose the day after *any* session done that week, nothing steps up, neither an
  exercise nor walking.
* **Per exercise**: a next-day rise after a session that included it -> one step back; a rise after another
  session of the week -> hold; otherwise done on at least half of its planned days -> one planned step up,
  else hold. At most one step a week.
* **Walking** (and the learner's other planned aerobic activity): a day counts when the diary shows the planned
  minutes walked, or the planned swim or ride ticked (the diary keeps no minutes for those), on *any* day of
  the week, planned or not. As many such days as planned -> the next step of the walking build; fewer -> hold;
  a rise after one of them or a flare-up -> one step back.
* **No entries** that week -> everything holds, and the check-in says so.
* **A warning sign** recorded in the diary (tag ``red-flag``) blocks the next plan.
* **Re-assess** every 2 weeks when pain has settled, and every 4 weeks in any case.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from backcourse import files, safety
from backcourse.words import counted
from backcourse.routine import engine
from backcourse.routine.engine import AerobicWeek, Blocked, DoseNow, Plan, Profile

#: Next-day pain this many points above usual counts as "clearly worse the next morning" (practical).
PAIN_RISE = 2
#: The diary's flare-up rule: a day this many points above usual (backcourse.diary.analysis.FLARE_POINTS).
FLARE_POINTS = 2
#: ... on at least this many days of the week (one bad day after a session is a step back, not a flare-up).
FLARE_DAYS = 3
#: A diary tag that records a warning sign.
RED_FLAG_TAG = "red-flag"
#: Pain at or below this, with no flare-up for two weeks, counts as settled (practical).
SETTLED_PAIN = 3
#: An activity-goal score falling by this much (0-10 scale) holds progress (about 2 points matters, brief 13).
GOAL_DROP = 2
#: File name of the saved plan, next to the diary.
PLAN_FILE = "routine-plan.json"
#: How long a save waits for another writer of the plan file (the diary's limit).
LOCK_TIMEOUT_SECONDS = 30

PROGRESS, HOLD, STEP_BACK = "progress", "hold", "step back"


class CheckInError(ValueError):
    """A check-in input is not usable; the message names the argument and the value."""


@dataclass(frozen=True)
class Decision:
    """What changes for one exercise (or for walking) next week, and why."""

    exercise_id: str
    name: str
    action: str              # PROGRESS, HOLD or STEP_BACK
    before: str              # this week's dose in words
    after: str               # next week's dose in words
    rule: str
    reason: str

    @property
    def line(self) -> str:
        rule = engine.RULES[self.rule]
        change = f"from {self.before} to {self.after}" if self.before != self.after else f"stays at {self.after}"
        return f"{self.name}: {self.action}, {change}. Why: {self.reason} Rule: {rule.title}."


@dataclass(frozen=True)
class CheckIn:
    """The result of one week's check-in."""

    week: int
    decisions: tuple[Decision, ...]
    notes: tuple[str, ...]
    doses: Mapping[str, DoseNow]       # next week's dose of each exercise of this week
    walking: AerobicWeek | None        # next week's walking
    flare_up: bool = False
    blocked: bool = False
    reassess: str | None = None

    @property
    def lines(self) -> tuple[str, ...]:
        out = list(self.notes)
        out += [d.line for d in self.decisions]
        if self.reassess:
            out.append(self.reassess)
        return tuple(out)


def _week_days(plan: Plan, week: int) -> tuple[date, date]:
    first = plan.weeks[week - 1].days[0].date
    return first, first + timedelta(days=6)


def _by_day(entries: Iterable[Any]) -> dict[date, list[Any]]:
    out: dict[date, list[Any]] = {}
    for e in entries:
        out.setdefault(e.date, []).append(e)
    return out


def _max_pain(day_entries: Sequence[Any]) -> int:
    return max(e.pain for e in day_entries)


def check_in(plan: Plan, diary: Iterable[Any], week: int,
             goals: Iterable[tuple[date, str, int]] | None = None) -> CheckIn:
    """Decide next week from the diary's entries of plan week ``week`` (1-based). Pure and deterministic.

    ``goals`` are optional activity-goal ratings ``(date, activity, score 0-10)``.
    """
    if not isinstance(plan, Plan):
        raise CheckInError(f"plan must be a Plan, got {type(plan).__name__}")
    if plan.screen is None or not plan.screen.clear:
        raise CheckInError("plan has no passed safety screen; build it again with build_plan")
    if isinstance(week, bool) or not isinstance(week, int) or not 1 <= week <= len(plan.weeks):
        raise CheckInError(f"week must be a plan week from 1 to {len(plan.weeks)}, got {week!r}")
    entries = sorted(diary, key=lambda e: (e.date, str(getattr(e, "time", "") or "")))
    first, last = _week_days(plan, week)
    days = _by_day(e for e in entries if first <= e.date <= last + timedelta(days=1))
    this_week = [e for e in entries if first <= e.date <= last]
    w = plan.weeks[week - 1]
    library = engine.default_library()
    low = plan.profile.low_dose

    # this week's dose of each exercise, and on which days it was planned
    planned: dict[str, list[date]] = {}
    now: dict[str, DoseNow] = {}
    names: dict[str, tuple[str, bool]] = {}
    for day in w.days:
        if day.session:
            for item in day.session.items:
                planned.setdefault(item.exercise_id, []).append(day.date)
                now[item.exercise_id] = DoseNow(item.reps, item.hold_seconds, item.sets)
                names[item.exercise_id] = (item.name, item.per_side)

    def words(ex_id: str, d: DoseNow) -> str:
        return engine.dose_words(d, names[ex_id][1]) or "as planned"

    walking = w.aerobic
    red = [e for e in this_week if RED_FLAG_TAG in tuple(getattr(e, "tags", ()) or ())]
    if red:
        note = (f"On {red[0].date:%a %d %b} your diary records a warning sign. There is no new plan: "
                f"{safety.CLEARANCE_MESSAGE}")
        return CheckIn(week, (), (note,), dict(now), walking, blocked=True)
    if not this_week:
        decisions = tuple(Decision(i, names[i][0], HOLD, words(i, d), words(i, d), "check-in",
                                   "no diary entries this week, so there is nothing to go on.")
                          for i, d in now.items())
        note = f"No diary entries for week {week}, so nothing changes: keep this week's plan."
        return CheckIn(week, decisions, (note,), dict(now), walking)

    before = [e.pain for e in entries if first - timedelta(days=14) <= e.date < first]
    session_dates = {d.date for d in w.days if d.session}
    if not before:
        before = [e.pain for e in this_week if e.date not in session_dates] or [e.pain for e in this_week]
    usual = statistics.median(before)
    high_days = {e.date for e in this_week if e.pain >= usual + FLARE_POINTS}
    flare = any(e.flare_up for e in this_week) or len(high_days) >= FLARE_DAYS

    def rose_after(d: date) -> bool:
        nxt = days.get(d + timedelta(days=1))
        return bool(nxt) and _max_pain(nxt) >= usual + PAIN_RISE

    # Days with a session the diary shows was done (any of its exercises ticked), and those followed by a rise.
    sessions_done = [d.date for d in w.days if d.session and any(
        i.exercise_id in tuple(e.exercises) for e in days.get(d.date, ()) for i in d.session.items)]
    rose_days = [d for d in sessions_done if rose_after(d)]
    week_rose = (f"your pain the day after the session on {rose_days[0]:%a %d %b} was clearly worse than your "
                 f"usual {usual:g}, so nothing steps up this week.") if rose_days else None

    goal_drop = False
    notes: list[str] = []
    if goals:
        scores = sorted((g for g in goals if g[0] <= last), key=lambda g: (g[0], g[1]))
        latest: dict[str, list[int]] = {}
        for g_date, activity, score in scores:
            latest.setdefault(activity, []).append(score)
        for activity, seq in sorted(latest.items()):
            if len(seq) >= 2 and seq[-1] <= seq[-2] - GOAL_DROP:
                goal_drop = True
                notes.append(f"Your score for '{activity}' fell from {seq[-2]} to {seq[-1]}, so nothing steps up.")
            elif len(seq) >= 2 and seq[-1] >= seq[-2] + GOAL_DROP:
                notes.append(f"Your score for '{activity}' rose from {seq[-2]} to {seq[-1]}: well done.")

    decisions: list[Decision] = []
    nxt: dict[str, DoseNow] = {}
    if flare:
        notes.insert(0, "Flare-up this week: for the next few days keep moving at a lower dose, use heat and "
                        "short walks, then build back up. " + safety.reminder_text())
    for ex_id, dose in now.items():
        ex = library.get(ex_id) if ex_id in library.exercises else None
        name = names[ex_id][0]
        done_days = [d for d in planned[ex_id] if any(ex_id in tuple(e.exercises) for e in days.get(d, ()))]
        rose = any(rose_after(d) for d in done_days)
        if flare:
            new = engine.previous_dose(ex, dose, low) if ex else dose
            decisions.append(Decision(ex_id, name, STEP_BACK if new != dose else HOLD, words(ex_id, dose),
                                      words(ex_id, new), "flare-up",
                                      "a flare-up this week: a lower dose for a few days, then rebuild."))
        elif rose:
            new = engine.previous_dose(ex, dose, low) if ex else dose
            decisions.append(Decision(ex_id, name, STEP_BACK if new != dose else HOLD, words(ex_id, dose),
                                      words(ex_id, new), "reps-by-pain",
                                      f"your pain the day after was clearly worse than your usual {usual:g}."))
        elif week_rose:
            new = dose
            decisions.append(Decision(ex_id, name, HOLD, words(ex_id, dose), words(ex_id, new), "reps-by-pain",
                                      week_rose))
        elif 2 * len(done_days) >= len(planned[ex_id]) and not goal_drop:
            step = engine.next_dose(ex, dose, low) if ex else None
            if step is None:
                new = dose
                decisions.append(Decision(ex_id, name, HOLD, words(ex_id, dose), words(ex_id, new), "check-in",
                                          "this is the full dose: keep it while your pain stays settled."))
            else:
                new = step
                decisions.append(Decision(
                    ex_id, name, PROGRESS, words(ex_id, dose), words(ex_id, new), "check-in",
                    f"you did it on {len(done_days)} of {counted(len(planned[ex_id]), 'planned day')} and your pain the next "
                    "day was no worse."))
        else:
            new = dose
            why = ("an activity score fell this week." if goal_drop else
                   f"you did it on {len(done_days)} of {counted(len(planned[ex_id]), 'planned day')}; step up after a "
                   "fuller week.")
            decisions.append(Decision(ex_id, name, HOLD, words(ex_id, dose), words(ex_id, new), "check-in", why))
        nxt[ex_id] = new

    walk_next = walking
    if walking is not None:
        planned_ids = {d.aerobic.exercise_id: d.aerobic for d in w.days if d.aerobic}
        other_ids = {i for i, a in planned_ids.items() if a.activity != "walking"}
        walk_ids = {i for i, a in planned_ids.items() if a.activity == "walking"} | {"walking"}

        def active(d: date) -> bool:
            """A day of the week (planned or not) with the planned aerobic dose done."""
            day_entries = days.get(d, ())
            if sum(e.minutes_walked or 0 for e in day_entries) >= walking.minutes:
                return True
            ticked = {x for e in day_entries for x in tuple(e.exercises)}
            if ticked & other_ids:      # the diary records no minutes for a swim or a ride: ticked = done
                return True
            return bool(ticked & walk_ids) and all(e.minutes_walked is None for e in day_entries)

        walked = [first + timedelta(days=i) for i in range(7) if active(first + timedelta(days=i))]
        rose = any(rose_after(d) for d in walked)
        names = sorted({a.name for a in planned_ids.values()}, key=lambda n: (n == "Walking", n))
        label = " and ".join([names[0], *(n.lower() for n in names[1:])]) if names else "Walking"
        verbs = {"swimming": "swam", "cycling": "cycled"}
        others = sorted({planned_ids[i].activity for i in other_ids})
        did = " or ".join(["walked", *(verbs.get(a, f"did your {a}") for a in others)])
        plan_words = f"{walking.minutes} min on {engine._days(walking.days)}"
        if flare or rose:
            walk_next = AerobicWeek(max(engine.MIN_WALK_MINUTES, walking.minutes - engine.WALK_STEP_MINUTES),
                                    max(1, walking.days - engine.WALK_STEP_DAYS))
            action, rule = STEP_BACK, "flare-up" if flare else "walk-build"
            why = ("a flare-up this week." if flare else
                   f"your pain was clearly worse the day after you {did} on {_rose_day(walked, rose_after)}.")
        elif week_rose:
            action, rule, why = HOLD, "reps-by-pain", week_rose
        elif len(walked) >= walking.days and not goal_drop:
            build = engine.aerobic_build(walking.minutes, walking.days, 2)[1]
            walk_next, action, rule = build, PROGRESS if build != walking else HOLD, "walk-build"
            why = f"you {did} as planned on {engine._days(len(walked))}."
        else:
            action, rule = HOLD, "walk-build"
            why = (f"you {did} as planned on {len(walked)} of {engine._days(walking.days)}; step up after a "
                   "fuller week.")
        decisions.append(Decision("walking", label, action, plan_words,
                                  f"{walk_next.minutes} min on {engine._days(walk_next.days)}", rule, why))

    reassess = _reassess(plan, entries, week, flare)
    return CheckIn(week, tuple(decisions), tuple(notes), nxt, walk_next, flare_up=flare, reassess=reassess)


def _rose_day(active_days: Sequence[date], rose_after) -> str:
    """The first active day followed by a rise, in words."""
    return f"{next(d for d in active_days if rose_after(d)):%a %d %b}"


def _reassess(plan: Plan, entries: Sequence[Any], week: int, flare: bool) -> str | None:
    """Every 2 weeks when pain has settled, and every 4 weeks in any case, suggest checking the phase again."""
    phase = plan.profile.phase
    if week < 2 or flare:
        return None
    last = _week_days(plan, week)[1]
    recent = [e for e in entries if last - timedelta(days=13) <= e.date <= last]
    settled = bool(recent) and max(e.pain for e in recent) <= SETTLED_PAIN and not any(e.flare_up for e in recent)
    later = engine.PHASES.index(phase) + 1 < len(engine.PHASES)
    if week % 2 == 0 and settled and later:
        nxt = engine.PHASES[engine.PHASES.index(phase) + 1]
        return (f"Your pain has settled for two weeks: ready for the {nxt} phase? Answer the phase questions "
                "again in the builder.")
    if week % 4 == 0:
        return f"Four weeks on: answer the phase questions again to check that the {phase} plan still fits."
    return None


def next_plan(plan: Plan, result: CheckIn, answers: Mapping[str, bool | None] | None = None,
              clinician_cleared: bool = False) -> Plan | Blocked:
    """The plan from the week after the check-in, with its decided doses and walking."""
    if result.blocked:
        return Blocked(safety.check(answers if answers is not None else _answers(plan.screen), clinician_cleared))
    weeks_left = len(plan.weeks) - result.week
    if weeks_left < 1:
        weeks_left = 1
    profile = plan.profile
    if result.walking is not None:
        profile = replace(profile, aerobic_minutes_now=min(result.walking.minutes, engine.AEROBIC_MINUTES_RANGE[1]),
                          aerobic_days_now=result.walking.days)
    start = plan.start + timedelta(days=7 * result.week)
    cleared = clinician_cleared or bool(plan.screen and plan.screen.flagged)
    return engine.build_plan(profile, answers if answers is not None else _answers(plan.screen), cleared,
                             start=start, weeks=weeks_left, doses=dict(result.doses))


def _answers(screen) -> dict[str, bool]:
    flagged = set(screen.flagged) if screen else set()
    return {q.id: q.id in flagged for q in safety.QUESTIONS}


# --- Saving the plan next to the diary ----------------------------------------------------------------------


def plan_path(diary_path: Path | str) -> Path:
    """Where the plan is saved: beside the diary file."""
    return Path(diary_path).expanduser().with_name(PLAN_FILE)


def plan_to_json(plan: Plan) -> str:
    """The plan as JSON: profile, start, the screen result it came from, and each week's doses."""
    if not isinstance(plan, Plan) or plan.screen is None:
        raise CheckInError("only a plan made after a passed safety screen can be saved")
    weeks = []
    for w in plan.weeks:
        doses = {}
        for s in w.sessions:
            for i in s.items:
                doses[i.exercise_id] = [i.reps, i.hold_seconds, i.sets]
        weeks.append({"week": w.number, "doses": doses,
                      "walking": None if w.aerobic is None else [w.aerobic.minutes, w.aerobic.days]})
    data = {
        "kind": "backcourse routine plan", "version": 1,
        "profile": {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(plan.profile).items()},
        "start": plan.start.isoformat(), "weeks": weeks,
        "screen": {"status": plan.screen.status, "flagged": list(plan.screen.flagged)},
    }
    return json.dumps(data, indent=1) + "\n"


class PlanBusyError(CheckInError):
    """Another notebook or program held the plan file's lock for too long; nothing was saved."""


@contextmanager
def _locked(path: Path):
    """The diary's lock discipline for the plan file: one writer at a time (``routine-plan.json.lock``).

    ``filelock`` is imported here, not at the top, so the check-in itself stays standard-library only (it
    also runs in the browser, where nothing is saved).
    """
    from filelock import FileLock, Timeout  # noqa: PLC0415

    target = files.target_of(path)   # one lock per real file, whichever link it is reached through
    target.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(target.with_name(target.name + ".lock")), timeout=LOCK_TIMEOUT_SECONDS,
                    poll_interval=0.01)
    try:
        lock.acquire()
    except Timeout:
        raise PlanBusyError(f"another notebook or program is writing {path} (its lock is held for over "
                            f"{LOCK_TIMEOUT_SECONDS} s); nothing was saved, try again") from None
    try:
        for stale in files.temp_files_of(target):   # left by a writer that was killed; ours to remove now
            stale.unlink(missing_ok=True)
        yield
    finally:
        lock.release()


def _read_saved(path: Path) -> dict:
    """The saved plan's data, or CheckInError naming the file, the problem and what to do."""
    fix = ("The file was not changed. Move it away (or fix it in a text editor) and save the plan again from "
           "the builder.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CheckInError(f"{path} is not a saved plan that can be read ({exc}). {fix}") from exc
    if not isinstance(data, dict) or data.get("kind") != "backcourse routine plan":
        raise CheckInError(f"{path} is not a saved routine plan. {fix}")
    missing = [k for k in ("profile", "start", "weeks", "screen") if k not in data]
    if missing or not isinstance(data["weeks"], list) or not data["weeks"]:
        raise CheckInError(f"{path}: the saved plan has no {', '.join(missing) or 'weeks'}. {fix}")
    return data


def save_plan(plan: Plan, path: Path | str, overwrite: bool = False) -> Path:
    """Write the plan atomically, under a lock beside it; an existing file is replaced only with
    ``overwrite=True``, and never when it is not a plan this module can read (it may be someone's only copy)."""
    text = plan_to_json(plan)
    path = Path(path).expanduser()
    files.refuse_existing(path, overwrite)
    with _locked(path):
        if path.exists():
            files.refuse_existing(path, overwrite)   # made by another writer while we waited for the lock
            files.check_writable(files.target_of(path))
            _read_saved(files.target_of(path))
        return files.write_new(path, text, overwrite=overwrite)


def load_plan(path: Path | str) -> Plan:
    """Read a saved plan and rebuild it; the first week's doses are the saved ones."""
    path = Path(path).expanduser()
    data = _read_saved(path)
    screen = data.get("screen") or {}
    if screen.get("status") != safety.CLEAR:
        raise CheckInError(f"{path}: screen {screen.get('status')!r}: a plan needs a passed safety screen")
    profile = Profile(**{k: tuple(v) if isinstance(v, list) else v for k, v in data["profile"].items()})
    flagged = set(screen.get("flagged", ()))
    answers = {q.id: q.id in flagged for q in safety.QUESTIONS}
    first = data["weeks"][0]
    doses = {k: DoseNow(*v) for k, v in first["doses"].items()}
    if first.get("walking"):
        profile = replace(profile, aerobic_minutes_now=first["walking"][0], aerobic_days_now=first["walking"][1])
    plan = engine.build_plan(profile, answers, bool(flagged), start=date.fromisoformat(data["start"]),
                             weeks=len(data["weeks"]), doses=doses)
    if not isinstance(plan, Plan):
        raise CheckInError(f"{path}: the saved answers no longer give a plan: {plan.message}")
    return plan
