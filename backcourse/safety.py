"""The red-flag screen that comes before any exercise plan: the questions (as data) and the gate.

Why a module of its own: the questions are health content that the routine engine, the widget, the handout
and the tests must all read from one place, and the gate must live in code that cannot be skipped by a user
interface. :func:`backcourse.routine.engine.build_plan` calls :func:`check` itself, so no plan exists unless the
screen is clear.

The signs are the "emergency" and "see a clinician soon" lists of the course's evidence brief (section 4:
NICE NG59 1.1.1, the AHCPR red-flag table, NHS pathways, Finucane et al. 2020). The course never diagnoses:
a "yes" only tells the learner where to go. Questions and messages are written for a reading grade of 6 or
lower (``tests/test_safety.py`` measures it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: Bibliography keys behind the questions (book/references.bib).
SOURCES = ("nice2016ng59", "ahcpr", "nhspathways", "finucane2020")

EMERGENCY = "emergency"
SEE_SOON = "see-soon"


@dataclass(frozen=True)
class Question:
    """One yes/no question of the screen. ``level`` says what a "yes" means."""

    id: str
    text: str
    level: str  # EMERGENCY or SEE_SOON


#: Signs that need emergency care now (possible cauda equina syndrome). Asked first.
EMERGENCY_QUESTIONS: tuple[Question, ...] = (
    Question("saddle-numbness", "Is the skin numb around your private parts, your bottom or the inside of your thighs?",
             EMERGENCY),
    Question("bladder-bowel", "Is it new for you to have trouble when you pee, or to hold in your pee or poo?",
             EMERGENCY),
    Question("leg-weakness", "Are your legs weak or numb, and is that new or getting worse?", EMERGENCY),
    Question("walking-trouble", "Is it new for you to have trouble walking?", EMERGENCY),
    Question("both-legs", "Do you have pain and numbness in both legs?", EMERGENCY),
    Question("sex-problems", "Have you lost feeling or had new problems with sex?", EMERGENCY),
)

#: Signs that mean a clinician should check you soon, before you start a plan.
SEE_SOON_QUESTIONS: tuple[Question, ...] = (
    Question("fever", "Do you have a fever or chills as well as back pain?", SEE_SOON),
    Question("weight-loss", "Have you lost weight without trying?", SEE_SOON),
    Question("cancer", "Have you ever had cancer?", SEE_SOON),
    Question("injury", "Did the pain start after a bad fall, a crash or a big blow? Or after a small fall, if your "
                       "bones are weak?", SEE_SOON),
    Question("new-over-50", "Are you over 50, and is this back pain new for you?", SEE_SOON),
    Question("night-pain", "Is the pain bad all night, even when you rest or change how you lie?", SEE_SOON),
    Question("immune-drugs", "Do you take medicine that weakens your body's defences, or inject drugs?", SEE_SOON),
    Question("getting-worse", "Has the pain kept getting worse for weeks?", SEE_SOON),
)

QUESTIONS: tuple[Question, ...] = EMERGENCY_QUESTIONS + SEE_SOON_QUESTIONS
QUESTIONS_BY_ID: dict[str, Question] = {q.id: q for q in QUESTIONS}

#: What the learner is told. Short sentences, everyday words (grade 6 or lower).
EMERGENCY_MESSAGE = (
    "Stop here and get help now. Some of your answers can be signs of a problem that needs care today. "
    "Go to an emergency department, or call your local emergency number. Do not start these exercises."
)
CLEARANCE_MESSAGE = (
    "Please see a doctor or a physio soon, before you start. Some of your answers mean a clinician should "
    "check you first. When a clinician has said that exercise is OK for you, tick the box that says so. "
    "Then you will get your plan."
)
UNANSWERED_MESSAGE = "Please answer every safety question first. Then you will get your plan."
CLEAR_MESSAGE = "No warning signs. If any of these signs start later, stop and get help."

#: The statement a learner confirms once a clinician has cleared them to exercise.
CLEARANCE_STATEMENT = "A doctor or physio has checked me and said that exercise is OK for me."

CLEAR = "clear"
BLOCK_EMERGENCY = "emergency"
BLOCK_CLEARANCE = "needs-clearance"
BLOCK_UNANSWERED = "unanswered"


class ScreenError(ValueError):
    """An answer names a question that does not exist, or is not yes/no/unanswered; the message names both."""


@dataclass(frozen=True)
class ScreenResult:
    """The outcome of the screen. ``status`` is ``clear`` or the reason there is no plan."""

    status: str
    message: str
    flagged: tuple[str, ...] = ()      # ids of the questions answered "yes"
    unanswered: tuple[str, ...] = ()   # ids of the questions not answered yet

    @property
    def clear(self) -> bool:
        return self.status == CLEAR


def check(answers: Mapping[str, bool | None], clinician_cleared: bool = False) -> ScreenResult:
    """Apply the screen. ``answers`` maps question id to True (yes), False (no) or None (not answered).

    Order matters and is deliberate: an emergency sign always wins, even if a clinician cleared the learner
    earlier (a new emergency sign is new). A question left out of ``answers`` counts as unanswered, never as
    "no": a plan is only made when every question has been answered.
    """
    for key, value in answers.items():
        if key not in QUESTIONS_BY_ID:
            raise ScreenError(f"safety answer {key!r}: no such question (known: {', '.join(QUESTIONS_BY_ID)})")
        if value not in (True, False, None):
            raise ScreenError(f"safety answer {key!r}: must be True, False or None, got {value!r}")
    if not isinstance(clinician_cleared, bool):
        raise ScreenError(f"clinician_cleared must be True or False, got {clinician_cleared!r}")
    flagged = tuple(q.id for q in QUESTIONS if answers.get(q.id) is True)
    unanswered = tuple(q.id for q in QUESTIONS if answers.get(q.id) is None)
    if any(QUESTIONS_BY_ID[i].level == EMERGENCY for i in flagged):
        return ScreenResult(BLOCK_EMERGENCY, EMERGENCY_MESSAGE, flagged, unanswered)
    if flagged and not clinician_cleared:
        return ScreenResult(BLOCK_CLEARANCE, CLEARANCE_MESSAGE, flagged, unanswered)
    if unanswered:
        return ScreenResult(BLOCK_UNANSWERED, UNANSWERED_MESSAGE, flagged, unanswered)
    return ScreenResult(CLEAR, CLEAR_MESSAGE, flagged, unanswered)


def all_no() -> dict[str, bool]:
    """Answers with every question answered "no" (the sample profile of the worked example)."""
    return {q.id: False for q in QUESTIONS}
