"""The routine builder's engine: a learner's profile in, a multi-week exercise plan (or a safety block) out.

Why pure functions: the widget, the handout, the benchmark and the property tests all call the same
:func:`build_plan`; nothing here knows about widgets or files. The same profile always gives the same plan
(no randomness, no clock: the start date is an argument).

Every choice the engine makes comes from a rule in :data:`RULES`. Each rule has a stable id,
a one-line plain reason and its citation keys in ``book/references.bib``; chapter 3
(``book/phases.md``, section ``routine-rules``) explains the same rules in plain words. Every plan item
carries the ids of the rules that put it there and a "why this is here" sentence built from them.

How a plan is made (:func:`build_plan`):

1. ``safety-first``: the red-flag screen (:mod:`backcourse.safety`) runs first; any emergency sign, an
   uncleared see-soon sign or an unanswered question gives :class:`Blocked` and no plan.
2. The library is filtered: the phase's rule decides the kinds of exercise (``acute-gentle``,
   ``recovering-core``, ``maintenance-balance``); ``leave-out-aggravating`` drops movements and positions the
   learner said make pain worse; ``equipment-at-hand`` drops what needs missing equipment; exercises marked
   ``use_with_care`` (squat, deadlift, lunge) are never chosen. Every exercise left out is listed with the rule
   that left it out (:attr:`Plan.left_out`).
3. Each session is filled slot by slot following the phase's pattern (for example mobility, core, stretch),
   taking the next exercise from a list rotated per session (``variety``), only while the whole session still
   fits the learner's minutes (``fits-time``: dose time plus rest, plus :data:`TRANSITION_SECONDS` to get into
   position). A front-core (abdominal) exercise only goes in together with a back-extensor partner
   (``pair-front-back``).
4. Repetitions start at :data:`START_REPS` (or lower if the library's dose is lower) and rise by
   :data:`REP_STEP` a week up to the library's dose (``reps-by-pain``); the plan assumes next-day pain did not
   rise, and :func:`next_reps` is the rule for the weeks when it did.
5. The aerobic activity (walking by default) builds from what the learner does now by at most
   :data:`WALK_STEP_MINUTES` a bout and :data:`WALK_STEP_DAYS` a week toward about 30 minutes, 5 days a week
   (``walk-build``). Walks are planned on their own days and are extra to the session minutes.

Phase suggestion (:func:`suggest_phase`): the time since the pain started gives the phase (ACP 2017: acute
under 4 weeks, subacute 4 to 12, chronic over 12), then high pain today (:data:`HIGH_PAIN` or more) means the
acute (gentlest) plan, and pain that is not settling keeps the plan one phase gentler. The pain threshold is
a practical choice of the course, not a number from a study.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from backcourse import evidence, safety
from backcourse.library import plain

# --------------------------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One rule of the routine builder: stable id (chapter 3 uses the same ids), short title, plain reason, citation keys."""

    id: str
    title: str
    reason: str
    keys: tuple[str, ...] = ()

    @property
    def practical(self) -> bool:
        """True for rules that are practical choices with no source behind them."""
        return not self.keys


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        Rule("safety-first", "Safety first",
             "Warning signs come first: with an emergency sign there is no plan, and with a see-soon sign there "
             "is no plan until a clinician has cleared you.",
             ("nice2016ng59", "finucane2020")),
        Rule("acute-gentle", "Gentle while pain is new",
             "While pain is new, gentle stretches, easy movement and short walks keep you active without "
             "loading the back; staying active beats bed rest.",
             ("dahm2010", "qaseem2017")),
        Rule("recovering-core", "Add core work as pain settles",
             "As pain settles, core exercises that hold the back still are added; a practical step, since no "
             "type of exercise clearly beats another.",
             ("smith2014", "owen2020")),
        Rule("maintenance-balance", "Balance strength and stretching",
             "Once pain has settled, strengthening and stretching are mixed and built up slowly; stretching on "
             "its own helps least.",
             ("owen2020", "hayden2021")),
        Rule("pair-front-back", "Pair tummy and back exercises",
             "Every tummy (front core) exercise comes with a back exercise in the same session; a practical "
             "rule, not a proven one.",
             ("sandal2021",)),
        Rule("walk-build", "Build up walking",
             "Walking builds a little each week toward about 30 minutes, 5 times a week.",
             ("pocovi2024", "bull2020")),
        Rule("reps-by-pain", "Let next-day pain set the pace",
             "Repetitions start low, about 5, and go up by 1 or 2 only when your pain was no worse the next "
             "day; if it was worse, go back to the last dose.",
             ("nhsinform", "arcsheet")),
        Rule("leave-out-aggravating", "Leave out what makes it worse",
             "Movements you said make your pain worse are left out.",
             ("nhsinform",)),
        Rule("equipment-at-hand", "Only what you have",
             "Only exercises that need nothing, or only the equipment you have, are used.",
             ()),
        Rule("fits-time", "Fits your time",
             "Each session fits the minutes you have: the time for each exercise and its rests, plus a moment "
             "to get into position.",
             ()),
        Rule("variety", "Some variety",
             "Exercises rotate across the week, so you do not repeat the same list every time.",
             ()),
    )
}

#: Where chapter 3 explains the rules, and where the library shows each exercise (relative to notebooks/).
RULES_URL = "../book/phases.html#routine-rules"
LIBRARY_URL = "../book/exercise-library.html#ex-{id}"

# --------------------------------------------------------------------------------------------------------------
# Vocabulary and numbers
# --------------------------------------------------------------------------------------------------------------

#: The phases and the equipment words are the exercise library's own vocabulary (one source).
PHASES = plain.vocabulary("phases")
#: The names chapter 3 uses for the phases.
PHASE_LABELS = {"acute": "Gentle (acute)", "recovering": "Recovering (pain is settling)",
                "maintenance": "Keep strong (pain has settled)"}

#: What the learner can say makes their pain worse -> (spine motions left out, positions left out).
AGGRAVATORS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "bending-forward": (("flexion",), ()),
    "arching-back": (("extension",), ()),
    "sitting": ((), ("seated",)),
    "standing": ((), ("standing",)),
}
AGGRAVATOR_LABELS = {"bending-forward": "Bending forward", "arching-back": "Arching your back",
                     "sitting": "Sitting", "standing": "Standing"}

#: Equipment a learner may have ("none" is always available and need not be listed).
EQUIPMENT = tuple(e for e in plain.vocabulary("equipment") if e != "none")
EQUIPMENT_LABELS = {"mat": "Exercise mat", "foam-roller": "Foam roller", "strap": "Strap, belt or towel",
                    "wall": "A clear wall", "chair": "Sturdy chair", "weights": "Weights",
                    "pool": "Swimming pool", "bike": "Exercise bike or bicycle"}

#: Aerobic activities a learner may prefer, each with the words that find it in the library.
AEROBIC = ("walking", "swimming", "cycling")

#: Repetitions: start low and rise by a small step a week (NHS inform: start around 5, add 1-2).
START_REPS = 5
REP_STEP = 2
#: Aerobic build (WalkBack goal, evidence module): at most this much more per bout and days per week.
WALK_GOAL_MINUTES = evidence.WALKING_GOAL_MINUTES
WALK_GOAL_DAYS = evidence.WALKING_GOAL_DAYS
WALK_STEP_MINUTES = 5
WALK_STEP_DAYS = 1
#: The shortest walk planned, and the fewest walking days in the first week (practical choices).
MIN_WALK_MINUTES = 5
MIN_WALK_DAYS = 2
#: Seconds to get into position for each exercise, counted in the session time (practical choice).
TRANSITION_SECONDS = 15

#: Phase suggestion: ACP 2017 (qaseem2017) names pain under 4 weeks acute and over 12 weeks chronic.
ACUTE_WEEKS = 4
CHRONIC_WEEKS = 12
#: Pain today at or above this (0-10) suggests the gentlest plan. A practical threshold, not from a study.
HIGH_PAIN = 7

#: Limits of the profile's numbers (checked in :class:`Profile`).
MINUTES_RANGE = (5, 60)
SESSIONS_RANGE = (1, 7)
AEROBIC_MINUTES_RANGE = (0, 120)
WEEKS_RANGE = (1, 12)

#: Slot patterns per phase: which kind of exercise each next slot of a session takes, in order.
PATTERNS: dict[str, tuple[str, ...]] = {
    "acute": ("mobility", "stretch"),
    "recovering": ("mobility", "core", "stretch", "core", "stretch", "mobility", "self-massage"),
    "maintenance": ("mobility", "strengthen", "stretch", "strengthen", "stretch", "strengthen", "self-massage"),
}


class ProfileError(ValueError):
    """A profile field has a value the engine cannot use; the message names the field and the value."""


# --------------------------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------------------------


def _check_int(name: str, value: Any, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ProfileError(f"{name} must be a whole number from {low} to {high}, got {value!r}")


def _check_choices(name: str, values: Any, allowed: Iterable[str]) -> None:
    allowed = tuple(allowed)
    if isinstance(values, str) or not isinstance(values, (tuple, list, frozenset, set)):
        raise ProfileError(f"{name} must be a list of choices from {', '.join(allowed)}, got {values!r}")
    for value in values:
        if value not in allowed:
            raise ProfileError(f"{name}: {value!r} is not one of {', '.join(allowed)}")
    if len(set(values)) != len(values):
        raise ProfileError(f"{name} lists a choice twice: {values!r}")


@dataclass(frozen=True)
class Profile:
    """What the learner tells the routine builder. Checked on creation; errors name the field and value.

    ``aggravated_by`` is empty for "nothing in particular". ``equipment`` lists what the learner has beyond
    the floor ("none" is always available). ``aerobic_minutes_now`` and ``aerobic_days_now`` describe what
    the learner does now (minutes per bout, days a week); the build starts from there.
    """

    phase: str = "recovering"
    aggravated_by: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    minutes_per_session: int = 15
    sessions_per_week: int = 3
    aerobic: str = "walking"
    aerobic_minutes_now: int = 10
    aerobic_days_now: int = 2

    def __post_init__(self) -> None:
        if self.phase not in PHASES:
            raise ProfileError(f"phase must be one of {', '.join(PHASES)}, got {self.phase!r}")
        _check_choices("aggravated_by", self.aggravated_by, AGGRAVATORS)
        _check_choices("equipment", self.equipment, EQUIPMENT + ("none",))
        _check_int("minutes_per_session", self.minutes_per_session, *MINUTES_RANGE)
        _check_int("sessions_per_week", self.sessions_per_week, *SESSIONS_RANGE)
        if self.aerobic not in AEROBIC:
            raise ProfileError(f"aerobic must be one of {', '.join(AEROBIC)}, got {self.aerobic!r}")
        _check_int("aerobic_minutes_now", self.aerobic_minutes_now, *AEROBIC_MINUTES_RANGE)
        _check_int("aerobic_days_now", self.aerobic_days_now, 0, 7)
        # Tuples keep the profile hashable (and a list given by a caller is not silently shared).
        object.__setattr__(self, "aggravated_by", tuple(self.aggravated_by))
        object.__setattr__(self, "equipment", tuple(self.equipment))

    @property
    def excluded_motions(self) -> frozenset[str]:
        return frozenset(m for a in self.aggravated_by for m in AGGRAVATORS[a][0])

    @property
    def excluded_positions(self) -> frozenset[str]:
        return frozenset(p for a in self.aggravated_by for p in AGGRAVATORS[a][1])

    @property
    def equipment_available(self) -> frozenset[str]:
        return frozenset(self.equipment) | {"none"}


@dataclass(frozen=True)
class PhaseSuggestion:
    phase: str
    reason: str
    keys: tuple[str, ...] = ("qaseem2017",)


def suggest_phase(weeks_since_onset: float, pain_today: int, settling: bool) -> PhaseSuggestion:
    """Suggest a phase from how long the pain has lasted, how bad it is today and whether it is settling.

    Duration first (ACP 2017: acute under 4 weeks, subacute 4-12, chronic over 12 -> acute, recovering,
    maintenance); then pain of :data:`HIGH_PAIN` or more today suggests the gentlest (acute) plan, and pain
    that is not settling keeps the plan one phase gentler. Only a suggestion: the learner chooses.
    """
    if isinstance(weeks_since_onset, bool) or not isinstance(weeks_since_onset, (int, float)) \
            or not 0 <= weeks_since_onset <= 520:
        raise ProfileError(f"weeks_since_onset must be a number of weeks from 0 to 520, got {weeks_since_onset!r}")
    _check_int("pain_today", pain_today, 0, 10)
    if not isinstance(settling, bool):
        raise ProfileError(f"settling must be True or False, got {settling!r}")
    if weeks_since_onset < ACUTE_WEEKS:
        phase, why = "acute", f"the pain started less than {ACUTE_WEEKS} weeks ago"
    elif weeks_since_onset <= CHRONIC_WEEKS:
        phase, why = "recovering", f"the pain started {ACUTE_WEEKS} to {CHRONIC_WEEKS} weeks ago"
    else:
        phase, why = "maintenance", f"the pain started more than {CHRONIC_WEEKS} weeks ago"
    if pain_today >= HIGH_PAIN and phase != "acute":
        phase, why = "acute", f"{why}, but your pain today is high ({pain_today} out of 10), so start gently"
    elif not settling and phase != "acute":
        phase = PHASES[PHASES.index(phase) - 1]
        why = f"{why}, but it is not settling yet, so one step gentler"
    return PhaseSuggestion(phase, f"Suggested: {phase}, because {why}.")


# --------------------------------------------------------------------------------------------------------------
# Progressions
# --------------------------------------------------------------------------------------------------------------


def start_reps(target: int | None) -> int | None:
    """First week's repetitions: low (about 5), never above the library's dose."""
    if target is None:
        return None
    return min(START_REPS, target)


def next_reps(current: int, next_day_pain_rose: bool, target: int, step: int = REP_STEP) -> int:
    """The next repetitions of an exercise (rule ``reps-by-pain``).

    If pain was no worse the day after, add ``step`` (1-2) up to the library's dose ``target``; if it rose,
    go back to the last dose (``step`` fewer, at least 1). The plan applies this with ``False`` every week,
    and the handout tells the learner to apply it with what their own next day says.
    """
    if next_day_pain_rose:
        return max(1, current - step)
    return min(target, current + step) if current < target else current


@dataclass(frozen=True)
class AerobicWeek:
    minutes: int   # per bout
    days: int      # bouts this week


def aerobic_build(minutes_now: int, days_now: int, weeks: int) -> tuple[AerobicWeek, ...]:
    """Minutes per bout and days for each week (rule ``walk-build``).

    Week 1 starts from what the learner does now (at least :data:`MIN_WALK_MINUTES` minutes and
    :data:`MIN_WALK_DAYS` days). Each week adds at most :data:`WALK_STEP_MINUTES` a bout and
    :data:`WALK_STEP_DAYS` day until about 30 minutes on 5 days; someone already doing more keeps their level.
    """
    minutes = max(minutes_now, MIN_WALK_MINUTES)
    days = max(days_now, MIN_WALK_DAYS)
    goal_minutes = max(WALK_GOAL_MINUTES, minutes)
    goal_days = max(WALK_GOAL_DAYS, days)
    out = []
    for _ in range(weeks):
        out.append(AerobicWeek(minutes, days))
        minutes = min(goal_minutes, minutes + WALK_STEP_MINUTES)
        days = min(goal_days, days + WALK_STEP_DAYS)
    return tuple(out)


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def spread_days(count: int, days_in_week: int = 7) -> tuple[int, ...]:
    """``count`` distinct weekdays (0 = the plan's first day) spread evenly through the week."""
    return tuple(sorted({(i * days_in_week) // count for i in range(count)})) if count else ()


# --------------------------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanItem:
    """One exercise in one session, with its dose for that week and why it is there."""

    exercise_id: str
    name: str
    category: str
    core_role: str
    sets: int
    reps: int | None
    hold_seconds: int | None
    per_side: bool
    seconds: int                 # time to do the dose once, rests included
    rules: tuple[str, ...]
    reasons: tuple[tuple[str, str], ...]   # (rule id, plain sentence) for each rule that put it here
    paired_with: str | None = None
    target_reps: int | None = None

    @property
    def why(self) -> str:
        """The "why this is here" line."""
        return " ".join(sentence for _, sentence in self.reasons)

    @property
    def dose_text(self) -> str:
        """The dose in words, for example "2 sets of 5, hold 5 s, each side"."""
        parts = []
        count = self.reps if self.reps is not None else 1
        if self.sets > 1:
            parts.append(f"{self.sets} sets of {count}" if self.reps is not None else f"{self.sets} times")
        elif self.reps is not None:
            parts.append(f"{count} times")
        if self.hold_seconds:
            parts.append(f"hold {self.hold_seconds} s")
        if self.per_side:
            parts.append("each side")
        if not parts:
            parts.append(f"about {max(1, round(self.seconds / 60))} min")
        return ", ".join(parts)

    @property
    def library_url(self) -> str:
        return LIBRARY_URL.format(id=self.exercise_id)


@dataclass(frozen=True)
class Session:
    """One exercise session: its items in order and the learner's time budget."""

    week: int
    number: int                   # 1-based within the week
    items: tuple[PlanItem, ...]
    budget_seconds: int

    @property
    def seconds(self) -> int:
        """Time the session takes: every dose plus getting into position for each exercise."""
        return sum(i.seconds + TRANSITION_SECONDS for i in self.items)

    @property
    def minutes(self) -> float:
        return self.seconds / 60


@dataclass(frozen=True)
class AerobicItem:
    """A walk (or swim, or ride) on one day."""

    exercise_id: str
    name: str
    activity: str
    minutes: int
    rules: tuple[str, ...]
    why: str

    @property
    def library_url(self) -> str:
        return LIBRARY_URL.format(id=self.exercise_id)


@dataclass(frozen=True)
class Day:
    week: int
    index: int                    # 0-6 within the week
    date: date
    session: Session | None
    aerobic: AerobicItem | None

    @property
    def label(self) -> str:
        return f"{self.date:%a} {self.date.day} {self.date:%b}"


@dataclass(frozen=True)
class Week:
    number: int
    days: tuple[Day, ...]
    aerobic: AerobicWeek | None

    @property
    def sessions(self) -> tuple[Session, ...]:
        return tuple(d.session for d in self.days if d.session is not None)

    def minutes_by_category(self) -> dict[str, float]:
        """Planned minutes this week by kind of exercise (aerobic included), for the weekly chart."""
        out: dict[str, float] = {}
        for day in self.days:
            if day.session:
                for item in day.session.items:
                    out[item.category] = out.get(item.category, 0.0) + item.seconds / 60
            if day.aerobic:
                out["aerobic"] = out.get("aerobic", 0.0) + day.aerobic.minutes
        return out


@dataclass(frozen=True)
class LeftOut:
    """An exercise of the library that the plan does not use, and the rule that left it out."""

    exercise_id: str
    name: str
    rule: str | None      # None: marked "use with care" in the library, never picked automatically
    detail: str


@dataclass(frozen=True)
class Plan:
    """A multi-week plan: weeks of days; notes the learner should read; what was left out and why."""

    profile: Profile
    start: date
    weeks: tuple[Week, ...]
    notes: tuple[str, ...] = ()
    left_out: tuple[LeftOut, ...] = ()
    blocked: bool = field(default=False, init=False)

    @property
    def sessions(self) -> tuple[Session, ...]:
        return tuple(s for w in self.weeks for s in w.sessions)

    @property
    def days(self) -> tuple[Day, ...]:
        return tuple(d for w in self.weeks for d in w.days)

    def exercise_ids(self) -> tuple[str, ...]:
        """Every exercise used, in order of first appearance."""
        seen: dict[str, None] = {}
        for session in self.sessions:
            for item in session.items:
                seen.setdefault(item.exercise_id, None)
        for day in self.days:
            if day.aerobic:
                seen.setdefault(day.aerobic.exercise_id, None)
        return tuple(seen)

    def rules_used(self) -> tuple[str, ...]:
        used = {"safety-first"}
        for session in self.sessions:
            for item in session.items:
                used.update(item.rules)
        for day in self.days:
            if day.aerobic:
                used.update(day.aerobic.rules)
        used.update(lo.rule for lo in self.left_out if lo.rule)
        return tuple(r for r in RULES if r in used)


@dataclass(frozen=True)
class Blocked:
    """No plan: the safety screen found a reason. ``message`` is what the learner must read."""

    screen: safety.ScreenResult
    rule: str = "safety-first"
    blocked: bool = field(default=True, init=False)

    @property
    def status(self) -> str:
        return self.screen.status

    @property
    def message(self) -> str:
        return self.screen.message


# --------------------------------------------------------------------------------------------------------------
# Building a plan
# --------------------------------------------------------------------------------------------------------------


def default_library():
    """The course's exercise library, as the checked plain export (data/exercises.json), read once per process."""
    return plain.default_library()


def _needs(ex) -> frozenset[str]:
    return frozenset(ex.equipment) - {"none"}


def _kind(ex, phase: str) -> str | None:
    """The slot kind an exercise fills in ``phase`` (None: the phase's rule does not use it)."""
    category = ex.category
    if category == "aerobic":
        return None
    if phase == "acute":
        return category if category in ("stretch", "mobility") and not ex.loaded else None
    if phase == "recovering":
        if category == "strengthen":
            core = ex.core_role in ("front", "back", "side")
            return "core" if core and ex.isometric and set(ex.spine_motion) <= {"neutral"} else None
        return category
    return category


PHASE_RULE = {"acute": "acute-gentle", "recovering": "recovering-core", "maintenance": "maintenance-balance"}
_WHY_PHASE = {
    ("acute", "stretch"): "A gentle stretch: while pain is new, keep moving without loading your back.",
    ("acute", "mobility"): "Easy movement: while pain is new, keep moving without loading your back.",
    ("recovering", "core"): "Core work that holds your back still, added now that your pain is settling.",
    ("recovering", "stretch"): "Stretching stays in the plan next to the new core work.",
    ("recovering", "mobility"): "Easy movement stays in the plan next to the new core work.",
    ("recovering", "self-massage"): "Self-massage for comfort next to the new core work.",
    ("maintenance", "strengthen"): "Strength work, balanced with stretching and built up slowly.",
    ("maintenance", "stretch"): "Stretching balances the strength work (on its own it helps least).",
    ("maintenance", "mobility"): "Easy movement to warm up and balance the strength work.",
    ("maintenance", "self-massage"): "Self-massage for comfort next to the strength work.",
}


def _classify(library, profile: Profile) -> tuple[dict[str, list], list, list[LeftOut]]:
    """Split the library into slot pools for the phase, aerobic exercises, and what is left out (with why)."""
    pools: dict[str, list] = {}
    aerobic: list = []
    left_out: list[LeftOut] = []
    motions, positions = profile.excluded_motions, profile.excluded_positions
    have = profile.equipment_available
    for ex in library.exercises.values():
        bad_motion = sorted(set(ex.spine_motion) & motions)
        missing = sorted(_needs(ex) - have)
        if ex.use_with_care:
            left_out.append(LeftOut(ex.id, ex.name, None,
                                    "needs care and coaching, so the plan never picks it for you"))
            continue
        if ex.category == "aerobic":
            aerobic.append(ex)
            continue
        if getattr(ex, "kind", "exercise") == "class":
            left_out.append(LeftOut(ex.id, ex.name, None,
                                    "a class you can join if you like; the plan schedules single exercises"))
            continue
        kind = _kind(ex, profile.phase) if profile.phase in ex.phases else None
        if kind is None:
            left_out.append(LeftOut(ex.id, ex.name, PHASE_RULE[profile.phase],
                                    f"not part of the {profile.phase} plan"))
        elif bad_motion or ex.position in positions:
            what = ", ".join(bad_motion) if bad_motion else f"{ex.position} position"
            left_out.append(LeftOut(ex.id, ex.name, "leave-out-aggravating", f"uses {what}, which you said hurts"))
        elif missing:
            left_out.append(LeftOut(ex.id, ex.name, "equipment-at-hand", f"needs {', '.join(missing)}"))
        else:
            pools.setdefault(kind, []).append(ex)
    return pools, aerobic, left_out


def _find_aerobic(aerobic: Sequence, activity: str):
    """The library's exercise for an aerobic activity: by id, then by name or alias containing the word."""
    stem = {"walking": "walk", "swimming": "swim", "cycling": "cycl"}[activity]
    for ex in aerobic:
        if ex.id == activity:
            return ex
    for ex in aerobic:
        words = " ".join([ex.id, ex.name, *ex.aliases]).lower()
        if stem in words:
            return ex
    return None


def _item(ex, profile: Profile, reps: int | None, paired_with: str | None, partner_name: str | None,
          front: bool) -> PlanItem:
    dose = ex.dose
    kind = _kind(ex, profile.phase)
    rules = [PHASE_RULE[profile.phase]]
    why = [(PHASE_RULE[profile.phase], _WHY_PHASE[(profile.phase, kind)])]
    if paired_with:
        rules.append("pair-front-back")
        why.append(("pair-front-back", f"Paired with {partner_name}: " + (
            "each tummy exercise comes with a back exercise." if front else "the back exercise that balances it.")))
    if reps is not None:
        rules.append("reps-by-pain")
        if dose.reps is not None and reps < dose.reps:
            why.append(("reps-by-pain", f"{reps} times for now: add 1 or 2 only if your pain is no worse the next day."))
        else:
            why.append(("reps-by-pain", f"{reps} times is the full dose: keep it while your pain stays settled."))
    if profile.aggravated_by:
        rules.append("leave-out-aggravating")
    if _needs(ex):
        rules.append("equipment-at-hand")
    rules += ["fits-time", "variety"]
    return PlanItem(
        exercise_id=ex.id, name=ex.name, category=ex.category, core_role=ex.core_role, sets=dose.sets, reps=reps,
        hold_seconds=dose.hold_seconds, per_side=dose.per_side, seconds=int(dose.session_seconds(reps)),
        rules=tuple(rules), reasons=tuple(why), paired_with=paired_with, target_reps=dose.reps,
    )


def _rotated(pool: Sequence, session_index: int, sessions: int) -> list:
    """The pool starting at a different place for each session of the week (rule ``variety``)."""
    if not pool:
        return []
    start = (session_index * len(pool)) // sessions
    return list(pool[start:]) + list(pool[:start])


def _fill_session(pools: dict[str, list], profile: Profile, reps_now: Mapping[str, int | None],
                  session_index: int) -> list[tuple[Any, int | None, str | None, str | None, bool]]:
    """Choose a session's exercises slot by slot while the session fits the time (greedy, deterministic)."""
    budget = profile.minutes_per_session * 60
    used = 0
    chosen: list[tuple[Any, int | None, str | None, str | None, bool]] = []
    taken: set[str] = set()
    rotated = {kind: _rotated(pool, session_index, profile.sessions_per_week) for kind, pool in pools.items()}
    # Back-extensor partners may come from any pool of the phase, strengthening first.
    order = ("core", "strengthen", "mobility", "stretch", "self-massage")
    backs = [ex for kind in order for ex in rotated.get(kind, []) if ex.core_role == "back"]

    seconds = {ex.id: int(ex.dose.session_seconds(reps_now[ex.id])) + TRANSITION_SECONDS
               for pool in pools.values() for ex in pool}

    def cost(ex) -> int:
        return seconds[ex.id]

    fronts = [ex for kind in order for ex in rotated.get(kind, []) if ex.core_role == "front"]

    def reserved(ex) -> bool:
        """A back exercise is kept free while a front exercise that fits still needs it as a partner."""
        if ex.core_role != "back":
            return False
        return any(f.id not in taken and used + seconds[f.id] + seconds[ex.id] <= budget for f in fronts)

    pattern = PATTERNS[profile.phase]
    while True:
        added = False
        for kind in pattern:
            for ex in rotated.get(kind, []):
                if ex.id in taken or used + cost(ex) > budget or reserved(ex):
                    continue
                if ex.core_role == "front":
                    partner = next((b for b in backs if b.id not in taken and b.id != ex.id
                                    and used + cost(ex) + cost(b) <= budget), None)
                    if partner is None:
                        continue
                    chosen.append((ex, reps_now[ex.id], partner.id, partner.name, True))
                    chosen.append((partner, reps_now[partner.id], ex.id, ex.name, False))
                    taken.update((ex.id, partner.id))
                    used += cost(ex) + cost(partner)
                else:
                    chosen.append((ex, reps_now[ex.id], None, None, False))
                    taken.add(ex.id)
                    used += cost(ex)
                added = True
                break
        if not added:
            return chosen


def build_plan(profile: Profile, answers: Mapping[str, bool | None], clinician_cleared: bool = False, *,
               start: date, weeks: int = 6, library=None) -> Plan | Blocked:
    """Build the plan for ``profile``, or return :class:`Blocked` when the safety screen says no plan.

    ``answers`` are the learner's answers to :data:`backcourse.safety.QUESTIONS` (True = yes, False = no,
    None = not answered). ``start`` is the plan's first day (never "today" implicitly: the caller decides).
    ``library`` defaults to the course's library.
    """
    screen = safety.check(answers, clinician_cleared)
    if not screen.clear:
        return Blocked(screen)
    if not isinstance(profile, Profile):
        raise ProfileError(f"profile must be a Profile, got {type(profile).__name__}")
    _check_int("weeks", weeks, *WEEKS_RANGE)
    if not isinstance(start, date):
        raise ProfileError(f"start must be a date, got {start!r}")
    library = default_library() if library is None else library

    pools, aerobic_pool, left_out = _classify(library, profile)
    notes: list[str] = []
    aerobic_ex = _find_aerobic(aerobic_pool, profile.aerobic)
    aerobic_problem = None
    if aerobic_ex is None:
        aerobic_problem = f"The exercise library has no {profile.aerobic} entry, so your plan has no {profile.aerobic}."
    else:
        missing = sorted(_needs(aerobic_ex) - profile.equipment_available)
        motion = sorted(set(aerobic_ex.spine_motion) & profile.excluded_motions)
        if profile.phase not in aerobic_ex.phases:
            aerobic_problem = (f"{aerobic_ex.name} is not in the library's {profile.phase} plan, so your plan has "
                               f"no {profile.aerobic}. Choose walking instead.")
            left_out.append(LeftOut(aerobic_ex.id, aerobic_ex.name, PHASE_RULE[profile.phase],
                                    f"not part of the {profile.phase} plan"))
        elif aerobic_ex.position in profile.excluded_positions or motion:
            aerobic_problem = (f"{aerobic_ex.name} uses a position or movement you said makes your pain worse, so "
                               "your plan has none. Choose another activity.")
            left_out.append(LeftOut(aerobic_ex.id, aerobic_ex.name, "leave-out-aggravating",
                                    "uses a position or movement you said hurts"))
        elif missing:
            aerobic_problem = (f"{aerobic_ex.name} needs {', '.join(missing)}, which you did not tick, so your plan "
                               f"has no {profile.aerobic}. Tick it under equipment, or choose walking.")
            left_out.append(LeftOut(aerobic_ex.id, aerobic_ex.name, "equipment-at-hand",
                                    f"needs {', '.join(missing)}"))
    if aerobic_problem:
        notes.append(aerobic_problem)
        aerobic_ex = None
    for ex in aerobic_pool:
        if ex is not aerobic_ex and all(lo.exercise_id != ex.id for lo in left_out):
            left_out.append(LeftOut(ex.id, ex.name, "walk-build", f"you chose {profile.aerobic}"))

    if not any(pools.values()):
        notes.append("No exercise in the library fits your answers (phase, movements that hurt, equipment). "
                     "Your plan has only the aerobic part.")
    fronts = [ex for pool in pools.values() for ex in pool if ex.core_role == "front"]
    if fronts and not any(ex.core_role == "back" for pool in pools.values() for ex in pool):
        notes.append("Tummy (front core) exercises are left out: no back exercise fits your answers to pair them "
                     "with.")

    targets = {ex.id: ex.dose.reps for pool in pools.values() for ex in pool}
    reps_now: dict[str, int | None] = {i: start_reps(t) for i, t in targets.items()}
    session_days = spread_days(profile.sessions_per_week)
    build = aerobic_build(profile.aerobic_minutes_now, profile.aerobic_days_now, weeks) if aerobic_ex else ()

    out_weeks = []
    made: dict[tuple, PlanItem] = {}   # the same exercise, dose and partner gives the same (frozen) item
    for w in range(weeks):
        week_no = w + 1
        sessions: dict[int, Session] = {}
        for s, day_index in enumerate(session_days):
            chosen = _fill_session(pools, profile, reps_now, s)
            items = []
            for ex, reps, pid, pname, front in chosen:
                key = (ex.id, reps, pid, front)
                if key not in made:
                    made[key] = _item(ex, profile, reps, pid, pname, front)
                items.append(made[key])
            items = tuple(items)
            sessions[day_index] = Session(week_no, s + 1, items, profile.minutes_per_session * 60)
        walks: dict[int, AerobicItem] = {}
        aw = build[w] if build else None
        if aw is not None:
            why = (f"Week {week_no}: {aw.minutes} minutes on {_days(aw.days)}. It grows by up to "
                   f"{WALK_STEP_MINUTES} minutes and {WALK_STEP_DAYS} day a week, toward about "
                   f"{WALK_GOAL_MINUTES} minutes, {WALK_GOAL_DAYS} times a week.")
            if profile.aerobic != "walking":
                why += f" {aerobic_ex.name} follows the same build as walking."
            for day_index in spread_days(aw.days):
                walks[day_index] = AerobicItem(aerobic_ex.id, aerobic_ex.name, profile.aerobic, aw.minutes,
                                               ("walk-build",), why)
        days = tuple(
            Day(week_no, d, start + timedelta(days=7 * w + d), sessions.get(d), walks.get(d)) for d in range(7)
        )
        out_weeks.append(Week(week_no, days, aw))
        # reps-by-pain: exercises done this week go up next week (assuming next-day pain did not rise).
        done = {item.exercise_id for sess in sessions.values() for item in sess.items}
        for ex_id in done:
            if reps_now[ex_id] is not None:
                reps_now[ex_id] = next_reps(reps_now[ex_id], False, targets[ex_id])

    position = {ex_id: n for n, ex_id in enumerate(library.exercises)}
    left_out.sort(key=lambda lo: position[lo.exercise_id])
    return Plan(profile, start, tuple(out_weeks), tuple(notes), tuple(left_out))
