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

    @property
    def lower_risk_percent(self) -> int:
        """The hazard ratio in a reader's words: how much lower the risk of a limiting recurrence was at any time."""
        return round((1 - self.hazard_ratio) * 100)


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

#: ACP 2017 (Qaseem et al.): how long back pain has lasted decides its name. Acute < 4 weeks, subacute
#: 4-12 weeks, chronic > 12 weeks.
ACUTE_WEEKS = 4
CHRONIC_WEEKS = 12
DURATION_KEY = "qaseem2017"

#: The one set of names a reader sees for the course's three phases, by the library's phase id. Chapters,
#: the routine builder, the notebooks and the figures all use these words. The phases are the course's
#: practical plan, not a guideline's; they follow how pain is doing, with the time bands above as a start.
PHASE_NAMES: dict[str, str] = {"acute": "Gentle", "recovering": "Recovering", "maintenance": "Keep strong"}
#: A few words shown beside each name (the gentle phase is named after the acute time band it usually starts in).
PHASE_AIMS: dict[str, str] = {"acute": "acute", "recovering": "pain is settling", "maintenance": "pain has settled"}


@dataclass(frozen=True)
class Share:
    """One cited percentage with a plain-language label."""

    label: str
    percent: float
    key: str


#: How an episode tends to go in the year after it starts: most recover, and it often comes back.
RECOVERED_12_MONTHS = Share("Recovered from pain within a year", 72, "henschke2008")
RECURRENCE_12_MONTHS = Share("Pain came back within a year of recovering", 69, "dasilva2019")
RECURRENCE_LIMITING = Share("... and it limited daily activities", 40, "dasilva2019")
#: Pengel et al. 2003: pain and disability fall by 58% in the first month; 73% have a recurrence in 12 months.
PENGEL_FIRST_MONTH_DROP_PERCENT = 58
PENGEL_RECURRENCE_PERCENT = 73
PENGEL_KEY = "pengel2003"
#: Henschke et al. 2008: median days to recovery from pain.
HENSCHKE_MEDIAN_DAYS = 58
#: da Silva et al. 2019: median days from recovery to recurrence.
DASILVA_MEDIAN_DAYS = 139


@dataclass(frozen=True)
class Burden:
    """GBD 2021 Low Back Pain Collaborators (Ferreira et al. 2023): people living with low back pain."""

    millions_2020: int = 619
    millions_2050_projected: int = 843
    key: str = "ferreira2023"


BURDEN = Burden()


@dataclass(frozen=True)
class ExerciseEffect:
    """Hayden et al. 2021 (Cochrane): exercise versus no treatment or usual care for chronic low back pain.

    Differences on 0-100 scales (higher = more improvement with exercise), moderate-certainty evidence.
    """

    trials: int = 249
    pain_points: int = 15
    function_points: int = 7
    key: str = "hayden2021"


HAYDEN = ExerciseEffect()


@dataclass(frozen=True)
class RepsRule:
    """NHS inform's rule of thumb [secondary source] and the Arthritis Research Campaign sheet.

    Start with about 5 repetitions, about 3 times a day; add 1-2 every few days, only if there was no extra
    discomfort the next day. (How much pain during an exercise is OK is the course's one pain rule,
    ``backcourse.safety.PAIN_RULE``.)
    """

    start_reps: int = 5
    times_per_day: int = 3
    add_min: int = 1
    add_max: int = 2
    keys: tuple[str, ...] = ("nhsinform", "arcsheet")


REPS_RULE = RepsRule()

#: The warning signs live in one place: backcourse.safety (data/red-flags.yaml). Keys behind them:
RED_FLAG_KEYS = ("nice2016ng59", "ahcpr", "finucane2020")
