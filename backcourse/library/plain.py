"""The exercise library as plain data, read with the standard library only (``data/exercises.json``).

Why a second reader: the routine engine must run wherever Python runs, a reader's browser included, where
pydantic and PyYAML are not at hand. The library is still written once, in ``data/exercises.yaml``, and
checked by :mod:`backcourse.library.model` when the course is built; ``python -m backcourse.library.export``
writes that checked library as JSON, and ``tests/test_library_export.py`` fails when the JSON is stale.
This module only reads the JSON into frozen dataclasses with the same attribute names as the model, so the
engine works on either.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backcourse import DATA_DIR

DEFAULT_JSON = DATA_DIR / "exercises.json"


def dose_seconds(minutes: int | None, reps: int | None, sets: int, seconds_per_rep: int, per_side: bool,
                 rest_seconds: int) -> int:
    """Seconds to do a dose once: sets x reps x seconds per rep (both sides if per side), plus rests.

    The one implementation of the dose arithmetic (the pydantic model calls it too).
    """
    if minutes is not None:
        return minutes * 60
    count = reps if reps is not None else 1
    one_set = count * seconds_per_rep * (2 if per_side else 1)
    return sets * one_set + (sets - 1) * rest_seconds


@dataclass(frozen=True)
class Dose:
    reps: int | None = None
    hold_seconds: int | None = None
    minutes: int | None = None
    sets: int = 1
    per_side: bool = False
    times_per_day: int = 1
    days_per_week: int = 7
    seconds_per_rep: int = 0
    rest_seconds: int = 0

    def session_seconds(self, reps: int | None = None) -> int:
        """Seconds to do the dose once; ``reps`` overrides the written repetitions."""
        return dose_seconds(self.minutes, reps if reps is not None else self.reps, self.sets,
                            self.seconds_per_rep, self.per_side, self.rest_seconds)


#: Fields kept as tuples (the JSON holds lists).
_TUPLES = ("aliases", "spine_motion", "equipment", "comfort", "phases", "steps", "cues", "cautions", "easier", "harder",
           "muscles", "seeds")


@dataclass(frozen=True)
class Exercise:
    """One exercise of the library, as plain data (the drawing's pose stays a plain mapping)."""

    id: str
    name: str
    category: str
    core_role: str
    spine_motion: tuple[str, ...]
    position: str
    equipment: tuple[str, ...]
    phases: tuple[str, ...]
    loaded: bool
    dose: Dose
    comfort: tuple[str, ...] = ()  # what makes it comfier but is not needed (a mat on a hard floor)
    kind: str = "exercise"
    isometric: bool = False
    use_with_care: bool = False
    aliases: tuple[str, ...] = ()
    summary: str = ""
    movement: str = ""
    steps: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    easier: tuple[str, ...] = ()
    harder: tuple[str, ...] = ()
    muscles: tuple[str, ...] = ()
    evidence: str = ""
    evidence_key: str | None = None
    seeds: tuple[str, ...] = ()
    correction: str | None = None
    pose: Any = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def needs(self) -> frozenset[str]:
        return frozenset(e for e in self.equipment if e != "none")


_KNOWN = set(Exercise.__dataclass_fields__) - {"extra"}


def exercise_from_dict(raw: dict) -> Exercise:
    """An :class:`Exercise` from one JSON record; fields this reader does not know are kept in ``extra``."""
    known = {k: v for k, v in raw.items() if k in _KNOWN}
    for key in _TUPLES:
        if key in known and known[key] is not None:
            known[key] = tuple(known[key])
    dose = raw["dose"]
    known["dose"] = Dose(**{k: v for k, v in dose.items() if k in Dose.__dataclass_fields__})
    return Exercise(**known, extra={k: v for k, v in raw.items() if k not in _KNOWN})


@dataclass(frozen=True)
class Library:
    """All exercises in file order, and the library's vocabularies (phases, equipment ...)."""

    exercises: dict[str, Exercise]
    vocabulary: dict[str, tuple[str, ...]]
    source: str = ""

    def get(self, exercise_id: str) -> Exercise:
        try:
            return self.exercises[exercise_id]
        except KeyError:
            raise KeyError(f"no exercise with id {exercise_id!r} in the library") from None

    def __iter__(self):
        return iter(self.exercises.values())

    def __len__(self) -> int:
        return len(self.exercises)


def library_from_dict(raw: dict, source: str = "") -> Library:
    exercises = {}
    for item in raw["exercises"]:
        ex = exercise_from_dict(item)
        exercises[ex.id] = ex
    vocabulary = {k: tuple(v) for k, v in raw.get("vocabulary", {}).items()}
    return Library(exercises, vocabulary, source)


def load(path: Path | str | None = None) -> Library:
    """Read the exported library (``data/exercises.json`` by default)."""
    path = Path(path) if path is not None else DEFAULT_JSON
    return library_from_dict(json.loads(path.read_text(encoding="utf-8")), path.name)


_DEFAULT: list[Library] = []


def default_library() -> Library:
    """The course's exported library, read once per process."""
    if not _DEFAULT:
        _DEFAULT.append(load())
    return _DEFAULT[0]


def vocabulary(name: str) -> tuple[str, ...]:
    """One of the library's vocabularies (``phases``, ``equipment`` ...) from the exported file."""
    return default_library().vocabulary[name]
