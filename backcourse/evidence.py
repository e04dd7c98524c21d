"""Cited numbers the course draws and quotes, each kept with its bibliography key.

Why a module: a number shown in a figure, a caption and a notebook must be the same number with the same
source. Every value here comes from the course's evidence brief; ``key`` is the entry in
``book/references.bib``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Series:
    """A labelled series of (x, y) points taken from one cited source."""

    label: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    key: str


# Menezes Costa et al. 2012 (CMAJ): mean pain on a 0-100 scale in cohorts followed over a year.
RECOVERY_WEEKS = (0, 6, 26, 52)
RECOVERY_ACUTE = Series("Recent-onset (acute) back pain", RECOVERY_WEEKS, (52, 23, 12, 6), "menezescosta2012")
RECOVERY_PERSISTENT = Series("Persistent back pain", RECOVERY_WEEKS, (51, 33, 26, 23), "menezescosta2012")


@dataclass(frozen=True)
class WalkBack:
    """Pocovi et al. 2024 (Lancet), the WalkBack trial: walking and education after recovery."""

    participants: int = 701
    median_days_walking: int = 208
    median_days_control: int = 112
    hazard_ratio: float = 0.72
    hazard_ratio_ci: tuple[float, float] = (0.60, 0.85)
    key: str = "pocovi2024"


WALKBACK = WalkBack()


@dataclass(frozen=True)
class EnduranceRatios:
    """McGill, Childs & Liebenson 1999: normal endurance-time ratios in 75 healthy young adults.

    Reference values, not targets proven to treat pain.
    """

    flexor_extensor_men: float = 0.99
    flexor_extensor_women: float = 0.79
    side_bridge_extensor_men: float = 0.65
    side_bridge_extensor_women: float = 0.39
    key: str = "mcgill1999"


MCGILL_RATIOS = EnduranceRatios()

#: Clinically important change on the 0-10 scale (Farrar 2001; Ostelo 2008).
MEANINGFUL_CHANGE_POINTS = 2.0
MEANINGFUL_CHANGE_PERCENT = 30.0
MEANINGFUL_CHANGE_KEYS = ("farrar2001", "ostelo2008")

#: WHO 2020 physical activity guideline for adults (Bull et al. 2020), minutes of moderate activity a week.
WHO_WEEKLY_MINUTES = (150, 300)
WHO_KEY = "bull2020"

#: Walking goal built up progressively in WalkBack (secondary source): 30 minutes, 5 times a week.
WALKING_GOAL_MINUTES = 30
WALKING_GOAL_DAYS = 5
