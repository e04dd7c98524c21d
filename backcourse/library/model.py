"""The exercise library: every exercise the course mentions, read from ``data/exercises.yaml`` and checked.

Why one validated file: the library chapter, the routine builder, the pain diary and the explorer notebook
all show the same exercises, so each fact about an exercise (its steps, dose, cautions, drawing) is written
once. Loading checks the file with pydantic and stops with a message that names the exercise, the field and
the bad value, so a typo never reaches a learner as a silently wrong plan.

The drawing of each exercise is kept with it as *pose data*: joint angles of a simple stick figure at the
start and at the end of the movement (see :class:`BodyPose`). :mod:`backcourse.library.drawings` turns them into
figures; the geometry (key points, in-between poses) lives here because it is part of the data's meaning.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from backcourse import DATA_DIR, REPO_ROOT, evidence
from backcourse.library.plain import dose_seconds

# --- The vocabularies --------------------------------------------------------------------------------------

Category = Literal["stretch", "strengthen", "aerobic", "mobility", "self-massage"]
CoreRole = Literal["front", "back", "side", "hips", "none"]
SpineMotion = Literal["flexion", "extension", "rotation", "side-bend", "neutral"]
Position = Literal["on-back", "on-front", "side-lying", "hands-and-knees", "seated", "standing", "in-water", "on-bike"]
#: What an exercise *needs*. Floor space is not equipment, and a mat is not needed (see Comfort).
Equipment = Literal["none", "foam-roller", "strap", "wall", "chair", "bench", "weights", "pool", "bike"]
#: What makes an exercise more comfortable but is never needed: a floor exercise works on a carpet or a folded
#: blanket, so "a learner with no equipment" still gets every floor exercise.
Comfort = Literal["mat"]
Phase = Literal["acute", "recovering", "maintenance"]
Kind = Literal["exercise", "activity", "class"]

CATEGORIES: tuple[str, ...] = get_args(Category)
CORE_ROLES: tuple[str, ...] = get_args(CoreRole)
SPINE_MOTIONS: tuple[str, ...] = get_args(SpineMotion)
POSITIONS: tuple[str, ...] = get_args(Position)
EQUIPMENT: tuple[str, ...] = get_args(Equipment)
COMFORT: tuple[str, ...] = get_args(Comfort)
#: Words a learner may tick as "what I have": needs and comfort items (having a mat never limits a plan).
HAVE: tuple[str, ...] = EQUIPMENT + COMFORT
PHASES: tuple[str, ...] = get_args(Phase)

#: Words a learner reads for each value (the data keeps short slugs).
LABELS: dict[str, str] = {
    "front": "front (abdominal)",
    "back": "back (extensor)",
    "side": "side",
    "hips": "hips and glutes",
    "none": "none",
    "on-back": "lying on your back",
    "on-front": "lying on your front",
    "side-lying": "lying on your side",
    "hands-and-knees": "on hands and knees",
    "seated": "sitting",
    "standing": "standing",
    "in-water": "in the water",
    "on-bike": "on a bike",
    "foam-roller": "foam roller",
    "mat": "mat (or carpet)",
    "bench": "sofa or bench",
    "strap": "strap or belt",
    "side-bend": "side bend",
    "self-massage": "self-massage",
    # The phases: the one set of names a reader sees everywhere (backcourse.evidence.PHASE_NAMES).
    **{phase: evidence.PHASE_NAMES[phase] for phase in PHASES},
}


def phase_names(phases: Iterable[str]) -> str:
    """The phases as a reader names them, in the course's order: ``["acute", "recovering"]`` -> ``Gentle, Recovering``."""
    return ", ".join(label(p) for p in PHASES if p in set(phases))


def label(value: str) -> str:
    """The plain words for a vocabulary value (``on-back`` -> ``lying on your back``)."""
    return LABELS.get(value, value)


DEFAULT_PATH = DATA_DIR / "exercises.yaml"
BIBLIOGRAPHY = REPO_ROOT / "book" / "references.bib"

# --- Errors ------------------------------------------------------------------------------------------------


class LibraryError(ValueError):
    """The exercise file is wrong. The message names the exercise id, the field and the bad value.

    The first problem is also kept as attributes, so code (and tests) need not parse the message.
    """

    def __init__(self, message: str, exercise_id: str | None = None, field: str | None = None, value: Any = None):
        super().__init__(message)
        self.exercise_id = exercise_id
        self.field = field
        self.value = value


class FieldProblem(ValueError):
    """Raised inside a validator when a rule spans fields: says which field to blame and its value."""

    def __init__(self, field: str, value: Any, message: str):
        super().__init__(message)
        self.field = field
        self.value = value


# --- Pose data: a stick figure in joint angles -------------------------------------------------------------

#: Lengths of the figure's segments (metres of a figure about 1.75 m tall). One body for every drawing.
SEGMENTS: dict[str, float] = {
    "lower_back": 0.27,  # hip -> mid-back
    "upper_back": 0.27,  # mid-back -> shoulder
    "neck": 0.21,  # shoulder -> centre of the head
    "upper_arm": 0.29,
    "forearm": 0.27,
    "thigh": 0.44,
    "shin": 0.42,
    "foot": 0.14,
}
HEAD_RADIUS = 0.1
#: How far below a key point the body's surface is, for resting on the floor: the trunk is thick, so a figure
#: lying down has its spine line above the floor, and stays there whether its head is up or down.
CONTACT_DEPTH: dict[str, float] = {"hip": 0.09, "mid": 0.09, "shoulder": 0.07, "head": HEAD_RADIUS}
#: Gap kept between the lowest point of a grounded figure and the floor (half the drawn line's width).
FLOOR_CLEARANCE = 0.03

#: Key points of the figure, in drawing order; ``near`` limbs face the viewer, ``far`` limbs are behind.
KEYPOINTS = (
    "hip", "mid", "shoulder", "head",
    "near_elbow", "near_hand", "far_elbow", "far_hand",
    "near_knee", "near_ankle", "near_toe", "far_knee", "far_ankle", "far_toe",
)
Keypoint = Literal[
    "hip", "mid", "shoulder", "head",
    "near_elbow", "near_hand", "far_elbow", "far_hand",
    "near_knee", "near_ankle", "near_toe", "far_knee", "far_ankle", "far_toe",
]
ScalableSegment = Literal[
    "lower_back", "upper_back", "near_upper_arm", "near_forearm", "far_upper_arm", "far_forearm",
    "near_thigh", "near_shin", "near_foot", "far_thigh", "far_shin", "far_foot",
]

Point = tuple[float, float]


class BodyPose(BaseModel):
    """One position of the figure, as the direction of each body segment.

    Angles are in degrees, counter-clockwise from "pointing right" (0 = right, 90 = up, 180 = left,
    270 = down). Convention: an upright figure faces right; lying on the back, the head is on the left;
    lying on the front, the head is on the right. ``scale`` shortens a segment that points towards the
    viewer (for example thighs that fall to the side in a twist).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    hip: Point = (0.0, 0.0)
    spine: tuple[float, float]  # hip -> mid-back, mid-back -> shoulder
    neck: float  # shoulder -> head
    face: float | Literal["viewer"] | None = None  # where the face points; None: neck - 90 degrees
    near_arm: tuple[float, float]  # upper arm, forearm
    far_arm: tuple[float, float]
    near_leg: tuple[float, float, float]  # thigh, shin, foot
    far_leg: tuple[float, float, float]
    scale: dict[ScalableSegment, float] = Field(default_factory=dict)

    @field_validator("scale")
    @classmethod
    def _scale_range(cls, value: dict[str, float]) -> dict[str, float]:
        for name, factor in value.items():
            if not 0.1 <= factor <= 1.0:
                raise FieldProblem(f"scale.{name}", factor, "a segment can be shortened to between 0.1 and 1.0")
        return value

    def face_angle(self) -> float | None:
        """Direction of the face in degrees, or None when the figure faces the viewer."""
        if self.face == "viewer":
            return None
        if self.face is None:
            return self.neck - 90.0
        return float(self.face)

    def keypoints(self) -> dict[str, Point]:
        """Positions of the key points, by walking out from the hip along each segment."""

        def step(origin: Point, angle: float, length: float) -> Point:
            rad = math.radians(angle)
            return (origin[0] + length * math.cos(rad), origin[1] + length * math.sin(rad))

        def seg(name: str, side: str = "") -> float:
            key = f"{side}_{name}" if side else name
            return SEGMENTS[name] * self.scale.get(key, 1.0)  # type: ignore[call-overload]

        pts: dict[str, Point] = {"hip": (float(self.hip[0]), float(self.hip[1]))}
        pts["mid"] = step(pts["hip"], self.spine[0], seg("lower_back"))
        pts["shoulder"] = step(pts["mid"], self.spine[1], seg("upper_back"))
        pts["head"] = step(pts["shoulder"], self.neck, SEGMENTS["neck"])
        for side, (upper, fore) in (("near", self.near_arm), ("far", self.far_arm)):
            pts[f"{side}_elbow"] = step(pts["shoulder"], upper, seg("upper_arm", side))
            pts[f"{side}_hand"] = step(pts[f"{side}_elbow"], fore, seg("forearm", side))
        for side, (thigh, shin, foot) in (("near", self.near_leg), ("far", self.far_leg)):
            pts[f"{side}_knee"] = step(pts["hip"], thigh, seg("thigh", side))
            pts[f"{side}_ankle"] = step(pts[f"{side}_knee"], shin, seg("shin", side))
            pts[f"{side}_toe"] = step(pts[f"{side}_ankle"], foot, seg("foot", side))
        return {name: pts[name] for name in KEYPOINTS}

    def blend(self, other: "BodyPose", t: float) -> "BodyPose":
        """The pose a fraction ``t`` of the way to ``other`` (angles move as written, not the short way)."""

        def mix(a: float, b: float) -> float:
            return a + (b - a) * t

        def mix_tuple(a: tuple, b: tuple) -> tuple:
            return tuple(mix(x, y) for x, y in zip(a, b))

        face_a, face_b = self.face_angle(), other.face_angle()
        face: float | str | None
        if face_a is None or face_b is None:
            face = "viewer" if (face_a if t < 0.5 else face_b) is None else (face_a if t < 0.5 else face_b)
        else:
            face = mix(face_a, face_b)
        scale = {k: mix(self.scale.get(k, 1.0), other.scale.get(k, 1.0)) for k in set(self.scale) | set(other.scale)}
        return BodyPose(
            hip=mix_tuple(self.hip, other.hip),
            spine=mix_tuple(self.spine, other.spine),
            neck=mix(self.neck, other.neck),
            face=face,
            near_arm=mix_tuple(self.near_arm, other.near_arm),
            far_arm=mix_tuple(self.far_arm, other.far_arm),
            near_leg=mix_tuple(self.near_leg, other.near_leg),
            far_leg=mix_tuple(self.far_leg, other.far_leg),
            scale=scale,
        )


PropKind = Literal["roller", "chair", "bench", "wall", "bike", "water"]
#: The equipment each drawn prop stands for (mat, strap and weights are drawn from the equipment list alone).
PROP_EQUIPMENT: dict[str, str] = {
    "roller": "foam-roller", "chair": "chair", "bench": "bench", "wall": "wall", "bike": "bike", "water": "pool",
}


class Prop(BaseModel):
    """Something drawn with the figure, placed beside a key point of the start pose (it does not move)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: PropKind
    at: Keypoint = "hip"
    dx: float = 0.0
    dy: float = 0.0
    along: bool = False  # a foam roller lying along the spine rather than across the body
    against_wall: bool = False  # a bench or sofa pushed back against a wall (drawn behind it) so it cannot slide


def lowest_surface(points: dict[str, Point]) -> float:
    """Height of the lowest part of the body: a key point, less the body's depth there (see CONTACT_DEPTH)."""
    return min(y - CONTACT_DEPTH.get(name, 0.0) for name, (_, y) in points.items())


class Pose(BaseModel):
    """Start and end positions of an exercise, and what the drawing shows around the figure.

    ``end`` lists only what changes; everything else is copied from ``start``. ``arrows`` names the key
    points whose path is drawn as the movement arrow (moved by ``arrow_offset``, e.g. above a walking
    figure). ``grounded`` drops the figure onto the floor; ``anchor`` keeps one key point (a foot, a knee)
    where it is at the start, so the figure does not slide. ``view: above`` draws a figure lying on the
    floor as seen from the ceiling (for movements in the floor's plane, like a twist).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: BodyPose
    end: BodyPose
    arrows: list[Keypoint] = Field(min_length=1)
    arrow_offset: Point = (0.0, 0.0)
    arrow_path: Literal["follow", "straight"] = "follow"  # straight: a plain arrow from start to end
    anchor: Keypoint | None = None
    grounded: bool = True
    view: Literal["side", "above"] = "side"
    props: list[Prop] = Field(default_factory=list)
    grips: list[Literal["near_hand", "far_hand"]] = Field(default_factory=list)  # hands drawn holding on

    @model_validator(mode="before")
    @classmethod
    def _end_inherits_start(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("start"), dict) and isinstance(data.get("end"), dict):
            data = dict(data)
            data["end"] = {**data["start"], **data["end"]}
        return data

    @model_validator(mode="after")
    def _checks(self) -> "Pose":
        if self.view == "above" and self.grounded:
            raise FieldProblem("grounded", self.grounded, "a figure seen from above has no floor: set grounded: false")
        # Angles move exactly as written, so a turn of more than half a circle is almost always a typo
        # (270 -> 5 swings the arm backwards over the head; 270 -> 365 lifts it forwards).
        for name in ("spine", "neck", "near_arm", "far_arm", "near_leg", "far_leg"):
            a, b = getattr(self.start, name), getattr(self.end, name)
            pairs = [(a, b, "")] if not isinstance(a, tuple) else [(x, y, f"[{i}]") for i, (x, y) in enumerate(zip(a, b))]
            for x, y, index in pairs:
                if abs(y - x) > 180:
                    short = y - 360 if y > x else y + 360
                    raise FieldProblem(
                        f"end.{name}{index}", y,
                        f"turns {abs(y - x):g} degrees from the start's {x:g}, the long way round; write {short:g}",
                    )
        return self

    def at(self, t: float) -> BodyPose:
        """The pose a fraction ``t`` (0 = start, 1 = end) of the way through the movement."""
        if not 0.0 <= t <= 1.0:
            raise ValueError(f"t must be between 0 and 1, got {t!r}")
        if t == 0.0:
            return self.start
        if t == 1.0:
            return self.end
        return self.start.blend(self.end, t)

    def _placed(self, body: BodyPose) -> dict[str, Point]:
        pts = body.keypoints()
        dy = 0.0
        if self.grounded:
            dy = FLOOR_CLEARANCE - lowest_surface(pts)
        return {name: (x, y + dy) for name, (x, y) in pts.items()}

    def keypoints(self, t: float = 0.0) -> dict[str, Point]:
        """Key points at ``t``: dropped onto the floor (y = 0) when grounded, the anchor held in place."""
        pts = self._placed(self.at(t))
        if self.anchor is None or t == 0.0:
            return pts
        dx = self._placed(self.start)[self.anchor][0] - pts[self.anchor][0]
        return {name: (x + dx, y) for name, (x, y) in pts.items()}


# --- The exercise record -----------------------------------------------------------------------------------


class Dose(BaseModel):
    """How much of an exercise to do, and how long doing it takes (the routine fits sessions to time)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reps: int | None = Field(default=None, ge=1, le=50)
    hold_seconds: int | None = Field(default=None, ge=1, le=300)
    minutes: int | None = Field(default=None, ge=1, le=120)
    sets: int = Field(default=1, ge=1, le=5)
    per_side: bool = False
    times_per_day: int = Field(default=1, ge=1, le=6)
    days_per_week: int = Field(default=7, ge=1, le=7)
    seconds_per_rep: int = Field(default=0, ge=0, le=600)
    rest_seconds: int = Field(default=0, ge=0, le=300)

    @model_validator(mode="after")
    def _consistent(self) -> "Dose":
        if (self.reps is None) == (self.minutes is None):
            raise FieldProblem("reps", self.reps, "give either reps (exercises) or minutes (activities), not both")
        if self.minutes is None:
            if self.seconds_per_rep < 1:
                raise FieldProblem("seconds_per_rep", self.seconds_per_rep, "say how long one repetition takes")
            if self.hold_seconds is not None and self.seconds_per_rep < self.hold_seconds:
                raise FieldProblem(
                    "seconds_per_rep", self.seconds_per_rep,
                    f"one repetition cannot be shorter than its hold of {self.hold_seconds} seconds",
                )
        return self

    def session_seconds(self, reps: int | None = None) -> int:
        """Seconds to do the dose once: sets x reps x seconds per rep (both sides if per side), plus rests.

        ``reps`` overrides the written repetitions (the routine raises them as pain allows).
        """
        return dose_seconds(self.minutes, reps if reps is not None else self.reps, self.sets, self.seconds_per_rep,
                            self.per_side, self.rest_seconds)

    def describe(self) -> str:
        """The dose in plain words, e.g. "Hold 8 seconds, 6 times on each side, once a day, 3 days a week"."""
        parts: list[str] = []
        if self.minutes is not None:
            parts.append(f"{self.minutes} minutes")
        else:
            times = "once" if self.reps == 1 else "twice" if self.reps == 2 else f"{self.reps} times"
            side = " on each side" if self.per_side else ""
            if self.hold_seconds:
                parts.append(f"hold {self.hold_seconds} seconds, {times}{side}")
            else:
                parts.append(f"{times}{side}")
            if self.sets > 1:
                rest = f" with {self.rest_seconds} seconds' rest between" if self.rest_seconds else ""
                parts.append(f"{self.sets} sets{rest}")
        per_day = {1: "once a day", 2: "twice a day"}.get(self.times_per_day, f"{self.times_per_day} times a day")
        parts.append(per_day)
        parts.append("every day" if self.days_per_week == 7 else f"{self.days_per_week} days a week")
        text = ", ".join(parts)
        return text[0].upper() + text[1:]


SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class Exercise(BaseModel):
    """One exercise (or activity, or class) of the library. Frozen: the file is the only place to change it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=SLUG, max_length=40)
    name: str = Field(min_length=2, max_length=60)
    aliases: list[str] = Field(default_factory=list)
    kind: Kind = "exercise"
    summary: str = Field(min_length=10, max_length=160)
    movement: str = Field(min_length=10, max_length=140)  # what moves, for alt text ("one arm reaches ...")
    category: Category
    core_role: CoreRole
    spine_motion: list[SpineMotion] = Field(min_length=1)
    position: Position
    equipment: list[Equipment] = Field(default_factory=list)
    comfort: list[Comfort] = Field(default_factory=list)
    phases: list[Phase] = Field(min_length=1)
    loaded: bool
    isometric: bool = False
    use_with_care: bool = False
    dose: Dose
    steps: list[str] = Field(min_length=2, max_length=10)
    cues: list[str] = Field(default_factory=list)
    cautions: list[str] = Field(min_length=1)
    easier: list[str] = Field(default_factory=list)
    harder: list[str] = Field(default_factory=list)
    muscles: list[str] = Field(min_length=1)
    evidence: str = Field(min_length=10)
    evidence_key: str | None = None
    seeds: list[str] = Field(default_factory=list)  # seed posts naming it; empty for staples the course added
    correction: str | None = None
    pose: Pose

    @field_validator("seeds")
    @classmethod
    def _seed_ids(cls, value: list[str]) -> list[str]:
        for i, seed in enumerate(value):
            if not re.fullmatch(r"\d{3}", seed):
                raise FieldProblem(f"seeds[{i}]", seed, "seed ids are three digits, like '003'")
        return value

    @field_validator("steps", "cues", "cautions", "aliases", "muscles")
    @classmethod
    def _no_blank_lines(cls, value: list[str], info) -> list[str]:
        for i, text in enumerate(value):
            if not text.strip():
                raise FieldProblem(f"{info.field_name}[{i}]", text, "empty text")
        return value

    @field_validator("equipment", mode="before")
    @classmethod
    def _mat_is_comfort(cls, value: Any) -> Any:
        if isinstance(value, list) and "mat" in value:
            raise FieldProblem(
                f"equipment[{value.index('mat')}]", "mat",
                "a mat is never needed (floor space is enough): list it under comfort, not equipment",
            )
        return value

    @field_validator("spine_motion", "equipment", "comfort", "phases")
    @classmethod
    def _no_repeats(cls, value: list[str], info) -> list[str]:
        if len(set(value)) != len(value):
            raise FieldProblem(info.field_name, value, "a value is listed twice")
        return value

    @model_validator(mode="after")
    def _rules_across_fields(self) -> "Exercise":
        if "none" in self.equipment and len(self.equipment) > 1:
            raise FieldProblem("equipment", self.equipment, "'none' cannot be listed with other equipment")
        if "neutral" in self.spine_motion and len(self.spine_motion) > 1:
            raise FieldProblem("spine_motion", self.spine_motion, "'neutral' cannot be listed with a movement")
        if self.loaded and "acute" in self.phases:
            raise FieldProblem("phases", self.phases, "loaded strengthening is never given in the acute phase")
        if self.use_with_care and "acute" in self.phases:
            raise FieldProblem("phases", self.phases, "a use-with-care exercise cannot suit the acute phase")
        if self.use_with_care and not self.correction:
            raise FieldProblem("correction", self.correction, "a use-with-care entry must say why")
        if (self.category == "aerobic" or self.kind != "exercise") != (self.dose.minutes is not None):
            raise FieldProblem(
                "dose.minutes", self.dose.minutes, "activities and classes are dosed in minutes, exercises in reps"
            )
        for field_name in ("easier", "harder"):
            refs = getattr(self, field_name)
            if self.id in refs:
                raise FieldProblem(field_name, self.id, "an exercise cannot be its own easier or harder version")
            if len(set(refs)) != len(refs):
                raise FieldProblem(field_name, refs, "a value is listed twice")
        needed = {PROP_EQUIPMENT[p.kind] for p in self.pose.props}
        for item in needed - set(self.equipment):
            raise FieldProblem("pose.props", item, f"the drawing shows {item!r} but equipment does not list it")
        for item in sorted(set(self.equipment) & set(PROP_EQUIPMENT.values()) - needed):
            raise FieldProblem("equipment", item, f"{item!r} is listed but the drawing has no prop for it")
        return self

    # Convenience for pages and filters --------------------------------------------------------------------

    @property
    def needs(self) -> frozenset[str]:
        """Equipment needed, without the word 'none'."""
        return frozenset(e for e in self.equipment if e != "none")

    @property
    def anchor(self) -> str:
        """The label of this exercise's section in the library chapter."""
        return f"ex-{self.id}"

    def all_names(self) -> list[str]:
        return [self.name, *self.aliases]

    def name_in_sentence(self) -> str:
        """The name as it reads inside a sentence ("the bird dog", "walking", "Pilates")."""
        name = self.name if self.name.split()[0] in _PROPER_NAMES else self.name[0].lower() + self.name[1:]
        return f"the {name}" if self.kind == "exercise" else name


_PROPER_NAMES = {"Pilates", "McGill"}


# --- Filtering ---------------------------------------------------------------------------------------------


def _as_set(value: str | Iterable[str] | None, allowed: tuple[str, ...], parameter: str) -> frozenset[str] | None:
    """A filter value as a set of allowed words; None means "any". Unknown words raise, naming the parameter."""
    if value is None:
        return None
    values = frozenset([value] if isinstance(value, str) else value)
    unknown = sorted(values - set(allowed))
    if unknown:
        raise ValueError(f"filter {parameter}={unknown[0]!r} is not one of: {', '.join(allowed)}")
    return values


def matches(
    ex: Exercise,
    phase: str | Iterable[str] | None = None,
    category: str | Iterable[str] | None = None,
    equipment_available: Iterable[str] | None = None,
    position: str | Iterable[str] | None = None,
    core_role: str | Iterable[str] | None = None,
    exclude_motions: Iterable[str] = (),
    exclude_positions: Iterable[str] = (),
    include_use_with_care: bool = True,
) -> bool:
    """True when ``ex`` meets every given criterion.

    A criterion given as several values matches any of them (phase ``["acute", "recovering"]`` matches an
    exercise that suits either). ``equipment_available`` is what the learner has: the exercise must need
    nothing else (comfort items such as a mat are never needed, so they never limit). ``exclude_motions`` drops exercises with any of those spine movements.
    """
    phases = _as_set(phase, PHASES, "phase")
    categories = _as_set(category, CATEGORIES, "category")
    positions = _as_set(position, POSITIONS, "position")
    roles = _as_set(core_role, CORE_ROLES, "core_role")
    available = _as_set(None if equipment_available is None else list(equipment_available), HAVE,
                        "equipment_available")
    no_motions = _as_set(list(exclude_motions), SPINE_MOTIONS, "exclude_motions") or frozenset()
    no_positions = _as_set(list(exclude_positions), POSITIONS, "exclude_positions") or frozenset()
    if phases is not None and not phases & set(ex.phases):
        return False
    if categories is not None and ex.category not in categories:
        return False
    if positions is not None and ex.position not in positions:
        return False
    if roles is not None and ex.core_role not in roles:
        return False
    if available is not None and not ex.needs <= available:
        return False
    if no_motions & set(ex.spine_motion):
        return False
    if ex.position in no_positions:
        return False
    if not include_use_with_care and ex.use_with_care:
        return False
    return True


def _normal(name: str) -> str:
    """Name for matching: lower case, dashes and odd spaces removed ("Cat–cow" ~ "cat-cow" ~ "cat cow")."""
    return re.sub(r"[\s\-\u2010-\u2015/]+", " ", name.casefold().replace("’", "'")).strip()


class Library(BaseModel):
    """All exercises, in file order."""

    model_config = ConfigDict(frozen=True)

    exercises: dict[str, Exercise]
    source: str = ""

    def get(self, exercise_id: str) -> Exercise:
        """The exercise with this id; KeyError names the id when there is none."""
        try:
            return self.exercises[exercise_id]
        except KeyError:
            raise KeyError(f"no exercise with id {exercise_id!r} in the library") from None

    def __iter__(self):  # type: ignore[override]
        return iter(self.exercises.values())

    def __len__(self) -> int:
        return len(self.exercises)

    def find(self, name: str) -> Exercise | None:
        """The exercise called ``name`` (its name or an alias, ignoring case and dashes), or None."""
        wanted = _normal(name)
        for ex in self.exercises.values():
            if any(_normal(n) == wanted for n in ex.all_names()):
                return ex
        return None

    def filter(
        self,
        phase: str | Iterable[str] | None = None,
        category: str | Iterable[str] | None = None,
        equipment_available: Iterable[str] | None = None,
        position: str | Iterable[str] | None = None,
        core_role: str | Iterable[str] | None = None,
        exclude_motions: Iterable[str] = (),
        exclude_positions: Iterable[str] = (),
        include_use_with_care: bool = True,
    ) -> list[Exercise]:
        """Exercises meeting every criterion, in file order (see :func:`matches`)."""
        criteria = dict(
            phase=phase, category=category, equipment_available=equipment_available, position=position,
            core_role=core_role, exclude_motions=tuple(exclude_motions), exclude_positions=tuple(exclude_positions),
            include_use_with_care=include_use_with_care,
        )
        return [ex for ex in self.exercises.values() if matches(ex, **criteria)]


# --- Loading -----------------------------------------------------------------------------------------------


def _field_path(loc: tuple) -> str:
    """("phases", 1) -> "phases[1]"; drops the names pydantic gives to branches of a union."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not re.fullmatch(r"[a-z_]+", part):  # e.g. "literal['viewer']", "function-after[...]"
            continue
        elif part in ("float", "str", "int", "none", "bool"):
            continue
        else:
            path += f".{part}" if path else part
    return path


def _problem_lines(err: ValidationError) -> list[tuple[str, Any, str]]:
    """(field, value, reason) for each pydantic error, using the field a cross-field rule blames.

    A :class:`FieldProblem` names its field relative to the model whose validator raised it; the model's
    place in the record (pydantic's ``loc``) is put in front.
    """
    problems: list[tuple[str, Any, str]] = []
    seen: set[str] = set()
    for e in err.errors():
        original = (e.get("ctx") or {}).get("error")
        loc = list(e["loc"])
        if isinstance(original, FieldProblem):
            head = re.split(r"[.\[]", original.field)[0]
            if loc and loc[-1] == head:
                loc = loc[:-1]
            base = _field_path(tuple(loc))
            field = f"{base}.{original.field}" if base else original.field
            value, reason = original.value, str(original)
        else:
            field, value, reason = _field_path(tuple(loc)) or "(record)", e.get("input"), e["msg"]
        if field in seen:
            continue
        seen.add(field)
        problems.append((field, value, reason))
    return problems


def _format(path: Path | str, exercise_id: str, field: str, value: Any, reason: str) -> str:
    return f"{path}: exercise {exercise_id!r}, field {field!r}: {reason} (got {value!r})"


def bibliography_keys(path: Path = BIBLIOGRAPHY) -> set[str]:
    """The citation keys in the book's BibTeX file (evidence keys must be among them)."""
    text = path.read_text(encoding="utf-8")
    return set(re.findall(r"^@\w+\s*\{\s*([^,\s]+)\s*,", text, flags=re.MULTILINE))


def load_library(path: Path | str | None = None, bibliography: Path | None = BIBLIOGRAPHY) -> Library:
    """Read and check the exercise file; raise :class:`LibraryError` naming exercise, field and value.

    Checks, beyond each record's schema: ids are unique, names and aliases point at one exercise only,
    every easier/harder id exists, and every evidence key is in the bibliography (when it is given).
    """
    path = Path(path) if path is not None else DEFAULT_PATH
    try:
        shown: Path | str = path.relative_to(REPO_ROOT)
    except ValueError:
        shown = path
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise LibraryError(f"{shown}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("exercises"), list):
        raise LibraryError(f"{shown}: the file must hold a list under the key 'exercises'", field="exercises")

    exercises: dict[str, Exercise] = {}
    problems: list[tuple[str, str, Any, str]] = []
    for index, item in enumerate(raw["exercises"]):
        if not isinstance(item, dict):
            problems.append((f"#{index + 1}", "(record)", item, "each exercise must be a mapping of fields"))
            continue
        exercise_id = str(item.get("id", f"#{index + 1}"))
        try:
            ex = Exercise.model_validate(item)
        except ValidationError as err:
            problems.extend((exercise_id, f, v, r) for f, v, r in _problem_lines(err))
            continue
        if ex.id in exercises:
            problems.append((ex.id, "id", ex.id, "this id is used by an earlier exercise"))
            continue
        exercises[ex.id] = ex

    names: dict[str, str] = {}
    keys = bibliography_keys(bibliography) if bibliography is not None and bibliography.is_file() else None
    # Names first, then aliases: an alias that repeats another exercise's name is the alias's fault.
    for field_name in ("name", "aliases"):
        for ex in exercises.values():
            for n in [ex.name] if field_name == "name" else ex.aliases:
                owner = names.setdefault(_normal(n), ex.id)
                if owner != ex.id:
                    problems.append((ex.id, field_name, n, f"this name already belongs to exercise {owner!r}"))
    for ex in exercises.values():
        for field_name in ("easier", "harder"):
            for i, ref in enumerate(getattr(ex, field_name)):
                if ref not in exercises and not any(p[0] == ref for p in problems):
                    problems.append((ex.id, f"{field_name}[{i}]", ref, "no exercise has this id"))
        if keys is not None and ex.evidence_key is not None and ex.evidence_key not in keys:
            problems.append((ex.id, "evidence_key", ex.evidence_key, "this key is not in book/references.bib"))

    if problems:
        first = problems[0]
        lines = [_format(shown, *p) for p in problems]
        message = lines[0] if len(lines) == 1 else f"{len(lines)} problems in the exercise file:\n" + "\n".join(lines)
        raise LibraryError(message, exercise_id=first[0], field=first[1], value=first[2])
    return Library(exercises=exercises, source=str(shown))


_CACHE: dict[tuple[str, float], Library] = {}


def default_library() -> Library:
    """The course's library, loaded once per change of the file (pages and widgets call this often)."""
    key = (str(DEFAULT_PATH), DEFAULT_PATH.stat().st_mtime)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = load_library(DEFAULT_PATH)
    return _CACHE[key]


__all__ = [
    "BodyPose", "CATEGORIES", "COMFORT", "CORE_ROLES", "Dose", "HAVE", "EQUIPMENT", "Exercise", "LibraryError", "Library", "PHASES",
    "POSITIONS", "Pose", "Prop", "SPINE_MOTIONS", "default_library", "label", "load_library", "matches",
]
