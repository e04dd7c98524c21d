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

Phase suggestion (:func:`suggest_phase`): how long the pain has lasted gives the phase (ACP 2017: acute
under 4 weeks -> acute, subacute 4 to 12 -> recovering, chronic over 12 -> maintenance). How irritable it is
today sets the dose, not the kind of plan: after 4 weeks, high pain today (:data:`HIGH_PAIN` or more) or pain
that is not settling gives the recovering plan *at a low dose* (``low_dose``, rule ``low-dose-start``):
strength work and walking stay, rising by a planned step each week (graded activity). Pain under 4 weeks old
stays acute whatever its level. The pain threshold is a practical choice of the course, not a number from a
study.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from backcourse import evidence, safety
from backcourse.words import counted
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
        Rule("maintenance-balance", "Build strength, keep moving",
             "Once pain has settled, strength work is built up slowly, with gentle stretches kept for comfort; "
             "stretching on its own did no better than no exercise in a large review.",
             ("owen2020",)),
        Rule("pair-front-back", "Pair tummy and back exercises",
             "Every tummy (front core) exercise comes with a back exercise in the same session; a practical "
             "rule, not a proven one.",
             ("sandal2021",)),
        Rule("walk-build", "Build up walking",
             "Walking builds a little each week toward about 150 minutes a week, such as 30 minutes on 5 days.",
             ("bull2020",)),
        Rule("reps-by-pain", "Let next-day pain set the pace",
             "Repetitions start low, about 5, and go up by 1 or 2 only when your pain was no worse the next "
             "day; if it was worse, go back to the last dose.",
             ("nhsinform", "arcsheet")),
        Rule("leave-out-aggravating", "Leave out what makes it worse",
             "Movements you said make your pain worse are left out for now.",
             ()),
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
        Rule("floor-space", "Floor space, not a mat",
             "Floor exercises need only some floor space; a mat or a carpet just makes them more comfortable.",
             ()),
        Rule("session-size", "A short session you keep doing",
             "Each session has 3 to 6 exercises: easy movement, a tummy and back pair, side or leg strength, "
             "and a stretch or two.",
             ("sandal2021",)),
        Rule("low-dose-start", "Low dose, planned steps",
             "Long-lasting pain that is high today still gets strength work and walking, at a low dose that "
             "rises by a planned step each week; pain is a guard, not the driver.",
             ("macedo2010",)),
        Rule("progress-harder", "Step up to a harder version",
             "Repetitions, then holds, then sets rise on a planned schedule; at the full dose the plan moves to "
             "the exercise's harder version instead of adding more exercises.",
             ("macedo2010", "nhsinform")),
        Rule("aerobic-every-plan", "Aerobic activity in every plan",
             "Every plan has walking or another aerobic activity; while pain is new, walking is always offered, "
             "in short bouts if standing hurts.",
             ("dahm2010", "bull2020")),
        Rule("check-in", "Your diary sets next week",
             "Each week your diary decides each exercise: step up, stay or step back; pain is a guard, so a "
             "week with worse next-day pain never steps up.",
             ("macedo2010", "nhsinform")),
        Rule("flare-up", "Flare-up plan",
             "In a flare-up, keep moving at a lower dose for a few days, then build back up; warning signs "
             "always come first.",
             ("costa2019",)),
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
PHASE_LABELS = {phase: f"{name} ({evidence.PHASE_AIMS[phase]})" for phase, name in evidence.PHASE_NAMES.items()}

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
#: (The library keeps a mat as comfort, never a need; a learner may still tick it.)
EQUIPMENT = tuple(e for e in plain.vocabulary("equipment") + plain.vocabulary("comfort") if e != "none")
EQUIPMENT_LABELS = {"mat": "Exercise mat", "foam-roller": "Foam roller", "strap": "Strap, belt or towel",
                    "wall": "A clear wall", "chair": "Sturdy chair", "bench": "Sofa or bench against a wall", "weights": "Weights",
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
#: Session size: a short list a person keeps doing (selfBACK's default is 3 exercises).
MIN_ITEMS = 3
MAX_ITEMS = 6
#: Equipment that is comfort, not a need: floor exercises need floor space, a mat only cushions.
COMFORT_EQUIPMENT = frozenset({"mat"})
#: Low-dose start (rule low-dose-start): fewer repetitions, one more each week.
LOW_START_REPS = 3
LOW_REP_STEP = 1
#: Holds of strength exercises start shorter and grow by this much a week up to the library's hold.
HOLD_STEP = 2
#: Strength exercises build to this many sets before moving to their harder version.
STRENGTH_SETS = 2
#: The longest walk in one go when standing hurts (split bouts).
SPLIT_BOUT_MINUTES = 5
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
#: Roles: ``movement`` (easy mobility), ``core`` (a front exercise with its back partner, or a back exercise),
#: ``strength`` (side or leg strength), ``stretch``. The second line of roles is only used when time allows.
PATTERNS: dict[str, tuple[str, ...]] = {
    "acute": ("movement", "stretch", "movement", "stretch", "stretch", "movement"),
    "recovering": ("movement", "core", "strength", "stretch", "stretch"),
    "maintenance": ("movement", "core", "strength", "stretch", "strength", "stretch"),
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
    low_dose: bool = False

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
        if not isinstance(self.low_dose, bool):
            raise ProfileError(f"low_dose must be True or False, got {self.low_dose!r}")
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
    low_dose: bool = False


def suggest_phase(weeks_since_onset: float, pain_today: int, settling: bool) -> PhaseSuggestion:
    """Suggest a phase from how long the pain has lasted, how bad it is today and whether it is settling.

    Duration first (ACP 2017: acute under 4 weeks, subacute 4-12, chronic over 12 -> acute, recovering,
    maintenance); then, after 4 weeks, pain of :data:`HIGH_PAIN` or more today or pain that is not settling
    gives the recovering plan at a low dose (``low_dose=True``). Only a suggestion: the learner chooses.
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
    irritable = pain_today >= HIGH_PAIN or not settling
    if irritable and phase != "acute":
        # How long the pain has lasted sets the kind of plan; how irritable it is today sets the dose
        # (graded activity, evidence brief 13): strength work and walking stay, at a low dose.
        phase = "recovering"
        today = f"your pain today is high ({pain_today} out of 10)" if pain_today >= HIGH_PAIN \
            else "it is not settling yet"
        why = (f"{why}, and {today}, so strength work and walking start at a low dose and rise by a "
               "planned step each week")
        return PhaseSuggestion(phase, f"Suggested: {phase} at a low dose, because {why}.",
                               ("qaseem2017", "macedo2010"), True)
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
    return counted(n, "day")


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
    replaces: str | None = None        # the easier exercise this one took over from (rule progress-harder)

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
            parts.append({1: "once", 2: "twice"}.get(count, f"{count} times"))
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
    bouts: int = 1                     # the minutes split into this many short walks (standing hurts)

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
    screen: safety.ScreenResult | None = None   # the passed screen this plan came from
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
    """Equipment an exercise really needs: a mat is comfort (rule ``floor-space``), floor space is enough."""
    return frozenset(ex.equipment) - {"none"} - COMFORT_EQUIPMENT


def _kind(ex, phase: str) -> str | None:
    """The role an exercise fills in ``phase`` (None: the phase's rule does not use it)."""
    category = ex.category
    if category in ("aerobic", "self-massage"):
        return None
    if category == "mobility":
        return "movement" if not (phase == "acute" and ex.loaded) else None
    if category == "stretch":
        return "stretch" if not (phase == "acute" and ex.loaded) else None
    # strengthen
    if phase == "acute":
        return None
    if ex.core_role in ("front", "back"):
        if phase == "recovering" and not (ex.isometric and set(ex.spine_motion) <= {"neutral"}):
            return None
        return "core"
    return "strength"


PHASE_RULE = {"acute": "acute-gentle", "recovering": "recovering-core", "maintenance": "maintenance-balance"}
_WHY_PHASE = {
    ("acute", "stretch"): "A gentle stretch: while pain is new, keep moving without loading your back.",
    ("acute", "movement"): "Easy movement: while pain is new, keep moving without loading your back.",
    ("recovering", "core"): "Core work that holds your back still, added now that your pain is settling.",
    ("recovering", "strength"): "Side or leg strength, started small now that your pain is settling.",
    ("recovering", "stretch"): "A stretch for comfort as your pain settles.",
    ("recovering", "movement"): "Easy movement to warm up as your pain settles.",
    ("maintenance", "core"): "Core strength, built up slowly.",
    ("maintenance", "strength"): "Strength work for your legs and hips, built up slowly.",
    ("maintenance", "stretch"): "A stretch for comfort, next to the strength work (stretching on its own did no better than no exercise).",
    ("maintenance", "movement"): "Easy movement to warm up before the strength work.",
}


def _eligible(ex, profile: Profile) -> tuple[str | None, LeftOut | None]:
    """(role, None) when the plan may use ``ex``; (None, why not) otherwise."""
    if ex.use_with_care:
        return None, LeftOut(ex.id, ex.name, None, "needs care and coaching, so the plan never picks it for you")
    if getattr(ex, "kind", "exercise") == "class":
        return None, LeftOut(ex.id, ex.name, None,
                             "a class you can join if you like; the plan schedules single exercises")
    kind = _kind(ex, profile.phase) if profile.phase in ex.phases else None
    bad_motion = sorted(set(ex.spine_motion) & profile.excluded_motions)
    missing = sorted(_needs(ex) - profile.equipment_available)
    if kind is None:
        return None, LeftOut(ex.id, ex.name, PHASE_RULE[profile.phase], f"not part of the {profile.phase} plan")
    if bad_motion or ex.position in profile.excluded_positions:
        what = ", ".join(bad_motion) if bad_motion else f"{ex.position} position"
        return None, LeftOut(ex.id, ex.name, "leave-out-aggravating", f"uses {what}, which you said hurts")
    if missing:
        return None, LeftOut(ex.id, ex.name, "equipment-at-hand", f"needs {', '.join(missing)}")
    return kind, None


def _classify(library, profile: Profile) -> tuple[dict[str, list], list, list[LeftOut]]:
    """Split the library into role pools for the phase, aerobic exercises, and what is left out (with why).

    An exercise that is the harder version of another eligible exercise of the same role waits for it
    (rule ``progress-harder``): it enters the plan when the easier one reaches its full dose.
    """
    pools: dict[str, list] = {}
    aerobic: list = []
    left_out: list[LeftOut] = []
    roles: dict[str, str] = {}
    for ex in library.exercises.values():
        if ex.category == "aerobic":
            aerobic.append(ex)
            continue
        kind, why_not = _eligible(ex, profile)
        if why_not is not None:
            left_out.append(why_not)
        else:
            roles[ex.id] = kind
    waiting = {h for ex_id in roles for h in _harder_of(library, ex_id, roles)}
    for ex_id, kind in roles.items():
        if ex_id not in waiting:
            pools.setdefault(kind, []).append(library.exercises[ex_id])
    return pools, aerobic, left_out


def _harder_of(library, ex_id: str, roles: Mapping[str, str]) -> list[str]:
    """The eligible harder versions of an exercise that keep its role (and its core role, for pairing)."""
    ex = library.exercises[ex_id]
    return [h for h in getattr(ex, "harder", ()) if h in roles and roles[h] == roles[ex_id]
            and library.exercises[h].core_role == ex.core_role]


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


# --- Doses ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DoseNow:
    """This week's dose of one exercise: repetitions, hold (seconds, if it has one) and sets."""

    reps: int | None
    hold: int | None
    sets: int


def dose_seconds(ex, dose: DoseNow) -> int:
    """Seconds to do ``dose`` of ``ex`` once: a shorter hold makes each repetition shorter by the same time."""
    d = ex.dose
    per_rep = d.seconds_per_rep - ((d.hold_seconds or 0) - (dose.hold or 0)) if d.hold_seconds else d.seconds_per_rep
    return plain.dose_seconds(d.minutes, dose.reps, dose.sets, per_rep, d.per_side, d.rest_seconds)


def full_dose(ex) -> DoseNow:
    """The dose an exercise builds to: the library's, and for strength work at least :data:`STRENGTH_SETS` sets."""
    d = ex.dose
    sets = max(d.sets, STRENGTH_SETS) if ex.category == "strengthen" else d.sets
    return DoseNow(d.reps, d.hold_seconds, sets)


def first_dose(ex, low: bool = False) -> DoseNow:
    """Week 1: few repetitions (fewer at a low-dose start), shorter holds for strength work, one set."""
    d = ex.dose
    reps = None if d.reps is None else min(LOW_START_REPS if low else START_REPS, d.reps)
    hold = d.hold_seconds
    if hold and ex.category == "strengthen":
        hold = max(-(-hold // 2), hold - 2 * HOLD_STEP)
    return DoseNow(reps, hold, 1)


def next_dose(ex, now: DoseNow, low: bool = False) -> DoseNow | None:
    """One planned step up: repetitions first, then the hold, then sets; None when the full dose is reached."""
    top = full_dose(ex)
    if now.reps is not None and top.reps is not None and now.reps < top.reps:
        return DoseNow(min(top.reps, now.reps + (LOW_REP_STEP if low else REP_STEP)), now.hold, now.sets)
    if now.hold is not None and top.hold is not None and now.hold < top.hold:
        return DoseNow(now.reps, min(top.hold, now.hold + HOLD_STEP), now.sets)
    if now.sets < top.sets:
        return DoseNow(now.reps, now.hold, now.sets + 1)
    return None


def previous_dose(ex, now: DoseNow, low: bool = False) -> DoseNow:
    """One step down (a flare-up, or worse pain the next day): sets first, then the hold, then repetitions."""
    first = first_dose(ex, low)
    if now.sets > 1:
        return DoseNow(now.reps, now.hold, now.sets - 1)
    if now.hold is not None and first.hold is not None and now.hold > first.hold:
        return DoseNow(now.reps, max(first.hold, now.hold - HOLD_STEP), now.sets)
    if now.reps is not None and now.reps > 1:
        return DoseNow(max(1, now.reps - (LOW_REP_STEP if low else REP_STEP)), now.hold, now.sets)
    return now


def dose_words(dose: DoseNow, per_side: bool = False) -> str:
    """A dose in words: "2 sets of 5, hold 6 s, each side"."""
    parts = []
    if dose.reps is not None:
        count = {1: "once", 2: "twice"}.get(dose.reps, f"{dose.reps} times")
        parts.append(f"{dose.sets} sets of {dose.reps}" if dose.sets > 1 else count)
    if dose.hold:
        parts.append(f"hold {dose.hold} s")
    if per_side:
        parts.append("each side")
    return ", ".join(parts)


def _item(ex, profile: Profile, dose: DoseNow, kind: str, paired_with: str | None, partner_name: str | None,
          front: bool, replaces: tuple[str, str] | None) -> PlanItem:
    phase_rule = PHASE_RULE[profile.phase]
    rules = [phase_rule, "session-size"]
    why = [(phase_rule, _WHY_PHASE[(profile.phase, kind)])]
    if replaces:
        rules.append("progress-harder")
        why.append(("progress-harder", f"Moved on from {replaces[1]}: you reached its full dose."))
    if paired_with:
        rules.append("pair-front-back")
        why.append(("pair-front-back", f"Paired with {partner_name}: " + (
            "each tummy exercise comes with a back exercise." if front else "the back exercise that balances it.")))
    top = full_dose(ex)
    if dose.reps is not None:
        rules.append("reps-by-pain")
        if profile.low_dose:
            rules.append("low-dose-start")
        if dose != top:
            why.append(("reps-by-pain", f"{dose_words(dose, ex.dose.per_side).capitalize()} for now, building "
                                        f"to {dose_words(top, ex.dose.per_side)} on a planned schedule."))
        else:
            why.append(("reps-by-pain", "This is the full dose: keep it while your pain stays settled."))
    if profile.aggravated_by:
        rules.append("leave-out-aggravating")
    if _needs(ex):
        rules.append("equipment-at-hand")
    if "mat" in ex.equipment or "mat" in getattr(ex, "comfort", ()):
        rules.append("floor-space")
    rules += ["fits-time", "variety"]
    return PlanItem(
        exercise_id=ex.id, name=ex.name, category=ex.category, core_role=ex.core_role, sets=dose.sets,
        reps=dose.reps, hold_seconds=dose.hold, per_side=ex.dose.per_side, seconds=dose_seconds(ex, dose),
        rules=tuple(rules), reasons=tuple(why), paired_with=paired_with, target_reps=top.reps,
        replaces=replaces[0] if replaces else None,
    )


def _rotated(pool: Sequence, session_index: int, sessions: int) -> list:
    """The pool starting at a different place for each session of the week (rule ``variety``)."""
    if not pool:
        return []
    start = (session_index * len(pool)) // sessions
    return list(pool[start:]) + list(pool[:start])


def _fill_session(pools: Mapping[str, list], profile: Profile, seconds: Mapping[str, int], session_index: int,
                  used_days: Mapping[str, int]) -> list[tuple[Any, str, str | None, str | None, bool]]:
    """Choose a session's exercises role by role while it fits the time and stays 3 to 6 exercises.

    Deterministic and greedy. An exercise is used on at most its library's days a week; a front-core
    exercise only comes with a back partner (``pair-front-back``).
    """
    budget = profile.minutes_per_session * 60
    used = 0
    chosen: list[tuple[Any, str, str | None, str | None, bool]] = []
    taken: set[str] = set()
    rotated = {kind: _rotated(pool, session_index, profile.sessions_per_week) for kind, pool in pools.items()}

    def free(ex) -> bool:
        return ex.id not in taken and used_days.get(ex.id, 0) < ex.dose.days_per_week

    def cost(ex) -> int:
        return seconds[ex.id] + TRANSITION_SECONDS

    for kind in PATTERNS[profile.phase]:
        if len(chosen) >= MAX_ITEMS:
            break
        if kind == "core":
            pool = rotated.get("core", [])
            backs = [b for b in pool if b.core_role == "back"]
            placed = False
            for ex in pool:
                if ex.core_role != "front" or not free(ex) or len(chosen) + 2 > MAX_ITEMS:
                    continue
                partner = next((b for b in backs if free(b) and used + cost(ex) + cost(b) <= budget), None)
                if partner is not None:
                    chosen += [(ex, kind, partner.id, partner.name, True), (partner, kind, ex.id, ex.name, False)]
                    taken.update((ex.id, partner.id))
                    used += cost(ex) + cost(partner)
                    placed = True
                    break
            if placed:
                continue
            pool = backs   # no pair fits: a back exercise alone
        else:
            pool = rotated.get(kind, [])
        for ex in pool:
            if free(ex) and ex.core_role != "front" and used + cost(ex) <= budget:
                chosen.append((ex, kind, None, None, False))
                taken.add(ex.id)
                used += cost(ex)
                break
    return chosen


# --- Aerobic --------------------------------------------------------------------------------------------------


def _aerobic_choice(aerobic_pool: Sequence, profile: Profile, left_out: list[LeftOut]) -> tuple[Any, Any, list[str]]:
    """(preferred activity or None, walking, notes): every plan has aerobic activity (``aerobic-every-plan``).

    Swimming is allowed from the start (water takes weight off the back); cycling counts as sitting.
    Walking is always there: it takes the days the preferred activity cannot have.
    """
    notes: list[str] = []
    walking = _find_aerobic(aerobic_pool, "walking")
    preferred = None if profile.aerobic == "walking" else _find_aerobic(aerobic_pool, profile.aerobic)
    if profile.aerobic != "walking":
        problem = None
        if preferred is None:
            problem = f"The exercise library has no {profile.aerobic} entry"
        else:
            missing = sorted(_needs(preferred) - profile.equipment_available)
            motion = sorted(set(preferred.spine_motion) & profile.excluded_motions)
            position = "seated" if preferred.position == "on-bike" else preferred.position
            early_ok = profile.aerobic == "swimming"
            if profile.phase not in preferred.phases and not early_ok:
                problem = f"{preferred.name} is not in the library's {profile.phase} plan"
                left_out.append(LeftOut(preferred.id, preferred.name, PHASE_RULE[profile.phase],
                                        f"not part of the {profile.phase} plan"))
            elif position in profile.excluded_positions or motion:
                what = "sitting" if position == "seated" else "a position or movement"
                problem = f"{preferred.name} uses {what} you said makes your pain worse"
                left_out.append(LeftOut(preferred.id, preferred.name, "leave-out-aggravating",
                                        f"uses {what} you said hurts"))
            elif missing:
                problem = f"{preferred.name} needs {', '.join(missing)}, which you did not tick"
                left_out.append(LeftOut(preferred.id, preferred.name, "equipment-at-hand",
                                        f"needs {', '.join(missing)}"))
        if problem:
            notes.append(f"{problem}, so your plan has walking instead.")
            preferred = None
    for ex in aerobic_pool:
        if ex is not preferred and ex is not walking and all(lo.exercise_id != ex.id for lo in left_out):
            left_out.append(LeftOut(ex.id, ex.name, "walk-build", f"you chose {profile.aerobic}"))
    return preferred, walking, notes


def _aerobic_days(aw: AerobicWeek, profile: Profile, preferred, walking, week_no: int) -> dict[int, AerobicItem]:
    """This week's aerobic days: the preferred activity, with walking always offered while pain is new."""
    days = spread_days(aw.days)
    split = "standing" in profile.excluded_positions
    out: dict[int, AerobicItem] = {}
    base = (f"Week {week_no}: {aw.minutes} minutes on {_days(aw.days)}. It grows by up to "
            f"{WALK_STEP_MINUTES} minutes and {WALK_STEP_DAYS} day a week, toward about "
            f"{WALK_GOAL_MINUTES} minutes, {WALK_GOAL_DAYS} times a week.")
    # In the acute phase walking keeps at least half the days even when another activity is preferred.
    preferred_days = set()
    if preferred is not None:
        n = aw.days // 2 if profile.phase == "acute" else aw.days
        preferred_days = set(days[:n]) if profile.phase != "acute" else set(days[1::2][:n])
    for d in days:
        ex = preferred if d in preferred_days else walking
        if ex is None:
            continue
        bouts = 1
        why = base
        if ex is walking and split:
            bouts = -(-aw.minutes // SPLIT_BOUT_MINUTES)
            why += (f" Standing hurts, so split it into {bouts} short walks of up to {SPLIT_BOUT_MINUTES} "
                    "minutes, with rests.") if bouts > 1 else ""
        if ex is not walking:
            why += f" {ex.name} follows the same build as walking."
        elif profile.aerobic != "walking" and profile.phase == "acute" and preferred is not None:
            why += " While pain is new, walking stays in the plan next to your chosen activity."
        activity = "walking" if ex is walking else profile.aerobic
        out[d] = AerobicItem(ex.id, ex.name, activity, aw.minutes, ("walk-build", "aerobic-every-plan"), why, bouts)
    return out


# --- The plan -------------------------------------------------------------------------------------------------


def _short_session_note(session: Session, week_sessions: Sequence[Session], profile: Profile, fitting: int) -> str:
    """Why a session is shorter than the minutes given, true for what the plan holds (rule ``session-size``).

    ``fitting`` is how many exercises of the library fit the learner's answers. Three reasons, in order: the
    library has fewer than :data:`MIN_ITEMS` that fit; the week's sessions share those few, each done on at
    most its library days a week; or the plan keeps to a short list (:data:`MIN_ITEMS` to :data:`MAX_ITEMS`).
    """
    size = len(session.items)
    head = (f"Your sessions take about {round(session.minutes)} minutes, less than the "
            f"{profile.minutes_per_session} you have")
    walk = "Use the spare time for a longer walk."
    if size < MIN_ITEMS and fitting < MIN_ITEMS:
        return (f"{head}: only {counted(fitting, 'exercise')} in the library {'fits' if fitting == 1 else 'fit'} your "
                f"answers (your phase, the movements you said make pain worse, your equipment), so a session "
                f"has {counted(size, 'exercise')}, fewer than the usual {MIN_ITEMS} to {MAX_ITEMS}. {walk}")
    if size < MIN_ITEMS or any(len(x.items) < MIN_ITEMS for x in week_sessions):
        return (f"{head}: {counted(fitting, 'exercise')} in the library fit your answers, and each is done on at most the "
                f"days a week the library advises, so some sessions have fewer than the usual {MIN_ITEMS} to "
                f"{MAX_ITEMS} exercises. {walk}")
    sizes = sorted({len(x.items) for x in week_sessions if x.items})
    have = str(sizes[0]) if len(sizes) == 1 else f"{sizes[0]} to {sizes[-1]}"
    return (f"{head}: the plan keeps sessions to a short list you can keep doing ({MIN_ITEMS} to {MAX_ITEMS} "
            f"exercises; yours have {have}). {walk}")



def build_plan(profile: Profile, answers: Mapping[str, bool | None], clinician_cleared: bool = False, *,
               start: date, weeks: int = 6, library=None,
               doses: Mapping[str, DoseNow] | None = None) -> Plan | Blocked:
    """Build the plan for ``profile``, or return :class:`Blocked` when the safety screen says no plan.

    ``answers`` are the learner's answers to :data:`backcourse.safety.QUESTIONS` (True = yes, False = no,
    None = not answered). ``start`` is the plan's first day (never "today" implicitly: the caller decides).
    ``library`` defaults to the course's library. The plan records the screen it came from. ``doses``
    gives the first week's dose of some exercises (the weekly check-in's decisions); others start low.
    """
    screen = safety.check(answers, clinician_cleared)
    if not screen.clear:
        return Blocked(screen)
    if doses is not None and not all(isinstance(d, DoseNow) for d in doses.values()):
        raise ProfileError(f"doses must map exercise ids to DoseNow, got {doses!r}")
    if not isinstance(profile, Profile):
        raise ProfileError(f"profile must be a Profile, got {type(profile).__name__}")
    _check_int("weeks", weeks, *WEEKS_RANGE)
    if not isinstance(start, date):
        raise ProfileError(f"start must be a date, got {start!r}")
    library = default_library() if library is None else library

    pools, aerobic_pool, left_out = _classify(library, profile)
    preferred, walking, notes = _aerobic_choice(aerobic_pool, profile, left_out)
    if not any(pools.values()):
        notes.append("No exercise in the library fits your answers (phase, movements that hurt, equipment). "
                     "Your plan has only the aerobic part.")
    roles = {ex.id: kind for kind, pool in pools.items() for ex in pool}
    core = pools.get("core", [])
    if any(ex.core_role == "front" for ex in core) and not any(ex.core_role == "back" for ex in core):
        notes.append("Tummy (front core) exercises are left out: no back exercise fits your answers to pair them "
                     "with.")
    # Eligible harder versions (waiting in no pool yet): their role is their easier version's.
    eligible: dict[str, str] = {}
    for ex in library.exercises.values():
        if ex.category != "aerobic":
            kind, why_not = _eligible(ex, profile)
            if why_not is None:
                eligible[ex.id] = kind

    low = profile.low_dose
    dose: dict[str, DoseNow] = {ex.id: first_dose(library.exercises[ex.id], low)
                                for pool in pools.values() for ex in pool}
    for ex_id, given in (doses or {}).items():
        if ex_id in dose:
            dose[ex_id] = given
    replaced: dict[str, tuple[str, str]] = {}   # harder id -> (easier id, easier name)
    session_days = spread_days(profile.sessions_per_week)
    build = aerobic_build(profile.aerobic_minutes_now, profile.aerobic_days_now, weeks) \
        if (preferred or walking) else ()

    out_weeks = []
    made: dict[tuple, PlanItem] = {}   # the same exercise, dose and partner gives the same (frozen) item
    for w in range(weeks):
        week_no = w + 1
        seconds = {i: dose_seconds(library.exercises[i], d) for i, d in dose.items()}
        sessions: dict[int, Session] = {}
        used_days: dict[str, int] = {}
        for s, day_index in enumerate(session_days):
            chosen = _fill_session(pools, profile, seconds, s, used_days)
            items = []
            for ex, kind, pid, pname, front in chosen:
                used_days[ex.id] = used_days.get(ex.id, 0) + 1
                key = (ex.id, dose[ex.id], pid, front, kind)
                if key not in made:
                    made[key] = _item(ex, profile, dose[ex.id], kind, pid, pname, front, replaced.get(ex.id))
                items.append(made[key])
            sessions[day_index] = Session(week_no, s + 1, tuple(items), profile.minutes_per_session * 60)
        if w == 0:
            for sess in sessions.values():
                spare = profile.minutes_per_session * 60 - sess.seconds
                if sess.items and (spare >= 5 * 60 and len(sess.items) >= MAX_ITEMS - 1 or spare >= 10 * 60):
                    notes.append(_short_session_note(sess, list(sessions.values()), profile, len(roles)))
                    break
        aw = build[w] if build else None
        walks = _aerobic_days(aw, profile, preferred, walking, week_no) if aw is not None else {}
        days = tuple(
            Day(week_no, d, start + timedelta(days=7 * w + d), sessions.get(d), walks.get(d)) for d in range(7)
        )
        out_weeks.append(Week(week_no, days, aw))
        # Planned progression (reps-by-pain, progress-harder): exercises done this week step up next week;
        # at the full dose an exercise hands over to its eligible harder version.
        done = [item.exercise_id for sess in sessions.values() for item in sess.items]
        for ex_id in dict.fromkeys(done):
            ex = library.exercises[ex_id]
            step = next_dose(ex, dose[ex_id], low)
            if step is not None:
                dose[ex_id] = step
                continue
            harder = [h for h in getattr(ex, "harder", ()) if eligible.get(h) == roles.get(ex_id)
                      and library.exercises[h].core_role == ex.core_role and h not in roles]
            if harder:
                h = library.exercises[harder[0]]
                kind = roles.pop(ex_id)
                pool = pools[kind]
                pool[pool.index(ex)] = h
                roles[h.id] = kind
                dose[h.id] = first_dose(h, low)
                replaced[h.id] = (ex.id, ex.name)

    position = {ex_id: n for n, ex_id in enumerate(library.exercises)}
    left_out.sort(key=lambda lo: position[lo.exercise_id])
    return Plan(profile, start, tuple(out_weeks), tuple(notes), tuple(left_out), screen)
