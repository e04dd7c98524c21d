"""A tiny exercise library that has the same interface as the real one (backcourse.library.model), for the routine's tests.

Why: the routine engine must behave on any library that keeps the contract, not only on today's
data/exercises.yaml. The property tests run on this fixture and on the real library. The checks at the end
make sure the fixture itself keeps the contract's arithmetic (``Dose.session_seconds``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Dose:
    reps: int | None = None
    hold_seconds: int | None = None
    minutes: int | None = None
    sets: int = 1
    per_side: bool = False
    times_per_day: int = 1
    days_per_week: int = 3
    seconds_per_rep: int = 4
    rest_seconds: int = 30

    def session_seconds(self, reps: int | None = None) -> int:
        if self.minutes is not None:
            return self.minutes * 60
        count = reps if reps is not None else (self.reps or 1)
        one_set = count * self.seconds_per_rep * (2 if self.per_side else 1)
        return self.sets * one_set + (self.sets - 1) * self.rest_seconds


@dataclass(frozen=True)
class Ex:
    id: str
    name: str
    category: str
    core_role: str = "none"
    spine_motion: tuple[str, ...] = ("neutral",)
    position: str = "on-back"
    equipment: tuple[str, ...] = ()
    phases: tuple[str, ...] = ("acute", "recovering", "maintenance")
    loaded: bool = False
    isometric: bool = False
    use_with_care: bool = False
    dose: Dose = field(default_factory=Dose)
    aliases: tuple[str, ...] = ()


ALL = ("acute", "recovering", "maintenance")
LATER = ("recovering", "maintenance")

EXERCISES = (
    Ex("cat-cow", "Cat-cow", "mobility", spine_motion=("flexion", "extension"), position="hands-and-knees",
       equipment=("mat",), dose=Dose(reps=10, seconds_per_rep=4)),
    Ex("pelvic-tilt", "Pelvic tilt", "mobility", spine_motion=("flexion", "extension"),
       dose=Dose(reps=10, seconds_per_rep=3)),
    Ex("knee-to-chest", "Knee to chest", "stretch", spine_motion=("flexion",),
       dose=Dose(reps=3, hold_seconds=20, seconds_per_rep=22, per_side=True)),
    Ex("prone-on-elbows", "Prone on elbows", "stretch", spine_motion=("extension",), position="on-front",
       dose=Dose(reps=3, hold_seconds=30, seconds_per_rep=32)),
    Ex("piriformis-stretch", "Piriformis stretch", "stretch", core_role="hips",
       dose=Dose(reps=2, hold_seconds=20, seconds_per_rep=22, per_side=True)),
    Ex("hamstring-strap", "Hamstring stretch with a strap", "stretch", equipment=("strap",),
       dose=Dose(reps=2, hold_seconds=30, seconds_per_rep=32, per_side=True)),
    Ex("seated-rotation", "Seated rotation stretch", "stretch", spine_motion=("rotation",), position="seated",
       equipment=("chair",), dose=Dose(reps=3, hold_seconds=15, seconds_per_rep=17, per_side=True)),
    Ex("curl-up", "Curl-up", "strengthen", core_role="front", phases=LATER, isometric=True, equipment=("mat",),
       dose=Dose(reps=10, hold_seconds=8, seconds_per_rep=10, sets=2, rest_seconds=30)),
    Ex("plank", "Plank", "strengthen", core_role="front", position="on-front", phases=LATER, isometric=True,
       loaded=True, dose=Dose(reps=5, hold_seconds=10, seconds_per_rep=12)),
    Ex("bird-dog", "Bird dog", "strengthen", core_role="back", position="hands-and-knees", phases=LATER,
       isometric=True, dose=Dose(reps=8, hold_seconds=5, seconds_per_rep=7, per_side=True)),
    Ex("side-plank", "Side plank", "strengthen", core_role="side", position="side-lying", phases=LATER,
       isometric=True, loaded=True, dose=Dose(reps=5, hold_seconds=10, seconds_per_rep=12, per_side=True)),
    Ex("superman", "Superman", "strengthen", core_role="back", spine_motion=("extension",), position="on-front",
       phases=("maintenance",), loaded=True, dose=Dose(reps=10, seconds_per_rep=4)),
    Ex("bridge", "Bridge", "strengthen", core_role="hips", phases=LATER, loaded=True,
       dose=Dose(reps=12, seconds_per_rep=4, sets=2)),
    Ex("wall-sit", "Wall sit", "strengthen", core_role="hips", position="standing", equipment=("wall",),
       phases=("maintenance",), isometric=True, loaded=True, dose=Dose(reps=3, hold_seconds=20, seconds_per_rep=22)),
    Ex("foam-roll-glutes", "Foam roll: glutes", "self-massage", position="seated", equipment=("foam-roller",),
       phases=LATER, dose=Dose(minutes=2)),
    Ex("squat", "Squat", "strengthen", core_role="hips", position="standing", phases=("maintenance",),
       loaded=True, use_with_care=True, dose=Dose(reps=10, seconds_per_rep=4)),
    Ex("walking", "Walking", "aerobic", position="standing", dose=Dose(minutes=10)),
    Ex("swimming", "Swimming", "aerobic", position="in-water", equipment=("pool",), phases=LATER,
       dose=Dose(minutes=10)),
    Ex("recumbent-bike", "Recumbent cycling", "aerobic", position="on-bike", equipment=("bike",),
       aliases=("cycling",), dose=Dose(minutes=10)),
)


class Library:
    def __init__(self, exercises=EXERCISES):
        self.exercises = {e.id: e for e in exercises}

    def get(self, id):
        return self.exercises.get(id)


FIXTURE = Library()


def test_fixture_dose_arithmetic_follows_the_contract():
    # sets x reps x seconds_per_rep, doubled per side, plus rests between sets
    assert Dose(reps=10, seconds_per_rep=4, sets=2, rest_seconds=30).session_seconds() == 2 * 40 + 30
    assert Dose(reps=3, seconds_per_rep=22, per_side=True).session_seconds(5) == 5 * 22 * 2
    assert Dose(minutes=10).session_seconds() == 600
