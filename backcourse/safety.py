"""The course's single sources for safety: the warning signs, the red-flag screen, and the pain rule.

Why a module of its own: the warning signs and the rule about pain during exercise are health content that
every chapter, notebook, the routine builder, the handout, the calendar and the README must say the same way.
They live here (the signs in ``data/red-flags.yaml``) and everything else renders them: the Sphinx directives
``{emergency}``, ``{red-flags}``, ``{pain-rule}`` and ``{first-days}`` (``backcourse/book/sphinxext/safety.py``),
the ``*_html`` functions for notebooks and widgets, and ``python -m backcourse.safety --readme`` for the
README. ``tests/test_single_sources.py`` fails if a copy appears anywhere else.

The gate: :func:`backcourse.routine.engine.build_plan` calls :func:`check` itself, so no plan exists unless the
screen is clear. The signs follow section 4 of the course's evidence brief (NICE NG59 1.1.1, NICE CKS on
cauda equina syndrome, the AHCPR red-flag table, Finucane et al. 2020). The course never diagnoses: a "yes"
only tells the learner where to go. Every text here is written for a reading grade of 6 or lower.

Run time uses the standard library only (the routine engine also runs in the browser, under Pyodide): the
signs are read from ``data/red-flags.json``, generated from the YAML by ``python -m backcourse.safety --json``.
"""

from __future__ import annotations

import html
import json
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: Where the warning signs are kept (edit the YAML; the JSON is generated from it).
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
YAML_PATH = DATA_DIR / "red-flags.yaml"
JSON_PATH = DATA_DIR / "red-flags.json"
README_PATH = DATA_DIR.parent / "README.md"

EMERGENCY = "emergency"
SEE_SOON = "see-soon"
LEVELS = (EMERGENCY, SEE_SOON)


@dataclass(frozen=True)
class Question:
    """One warning sign, asked as a yes/no question. ``level`` says what a "yes" means.

    ``plain`` is the sign as a short phrase for lists on pages. ``alone_blocks`` is False for a weak sign
    (new back pain over 50): on its own it is worth a check soon but does not stop gentle activity or a plan.
    """

    id: str
    text: str
    level: str  # EMERGENCY or SEE_SOON
    plain: str = ""
    label: str = "C"
    alone_blocks: bool = True

    @property
    def question(self) -> str:
        return self.text


def _load(path: Path = JSON_PATH) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    for sign in data["signs"]:
        if sign["level"] not in LEVELS:
            raise ValueError(f"{path}: sign {sign['id']!r} has level {sign['level']!r}, not one of {LEVELS}")
    return data


_DATA = _load()

#: Example emergency numbers, given wherever an emergency is named.
EMERGENCY_NUMBERS: str = _DATA["emergency_numbers"]
#: Bibliography keys behind the warning signs (book/references.bib).
SOURCES: tuple[str, ...] = tuple(_DATA["sources"])
#: One-sided leg pain is not an emergency: said wherever the signs are listed (evidence brief 4 and 11).
NOT_EMERGENCY: str = _DATA["not_emergency"]
#: What to do while waiting to be seen for a see-soon sign (never "rest").
WHILE_WAITING: str = _DATA["while_waiting"]

QUESTIONS: tuple[Question, ...] = tuple(
    Question(s["id"], s["question"], s["level"], s["plain"], s.get("label", "C"), s.get("alone_blocks", True))
    for s in _DATA["signs"])
#: Signs that need emergency care now. Asked first.
EMERGENCY_QUESTIONS: tuple[Question, ...] = tuple(q for q in QUESTIONS if q.level == EMERGENCY)
#: Signs that mean a GP or physio should check you soon (days).
SEE_SOON_QUESTIONS: tuple[Question, ...] = tuple(q for q in QUESTIONS if q.level == SEE_SOON)
QUESTIONS_BY_ID: dict[str, Question] = {q.id: q for q in QUESTIONS}


def red_flags(level: str | None = None) -> tuple[Question, ...]:
    """The warning signs from ``data/red-flags.yaml``, all of them or those of one ``level``."""
    if level is None:
        return QUESTIONS
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    return tuple(q for q in QUESTIONS if q.level == level)


# --- The one rule about pain during exercise (evidence brief 9) ---------------------------------------------

PAIN_RULE_TITLE = "Pain during exercise: hurt is not harm"
#: The ONE rule, worded the same everywhere. Render it; never retype it.
PAIN_RULE = (
    "Some aching during exercise is normal and safe. Pain up to about 5 out of 10 is fine if it settles by "
    "the next morning and does not build up week by week. Ease off or change the exercise if pain rises "
    "sharply, spreads down a leg, or is still clearly worse the next morning. A warning sign always means "
    "stop and get help."
)
#: Smith et al. 2017 (painful exercise did as well as pain-free), Silbernagel et al. 2007 (the 5/10 rule).
PAIN_RULE_SOURCES = ("smith2017painful", "silbernagel2007")

# --- Messages of the screen (grade 6 or lower) --------------------------------------------------------------

EMERGENCY_MESSAGE = (
    "Stop here and get help now. Some of your answers can be signs of a problem that needs care today. "
    f"Call an emergency number, such as {EMERGENCY_NUMBERS}, or go to an emergency department. "
    "Do not start these exercises."
)
CLEARANCE_MESSAGE = (
    "Please see a GP or a physio soon, within days. Some of your answers mean a clinician should check you "
    f"first. {WHILE_WAITING} When a clinician has said that exercise is OK for you, tick the box that says so. "
    "Then you will get your plan."
)
UNANSWERED_MESSAGE = "Please answer every safety question first. Then you will get your plan."
CLEAR_MESSAGE = "You said no to every warning sign. If one of them starts later, stop and get help."
WEAK_SIGN_MESSAGE = (
    "You said you are over 50 and this back pain is new for you. On its own, that is not a reason to wait. "
    "Gentle activity and walking are fine. Ask a GP or physio to check your back soon."
)

#: The statement a learner confirms once a clinician has cleared them to exercise.
CLEARANCE_STATEMENT = "A doctor or physio has checked me and said that exercise is OK for me."

CLEAR = "clear"
BLOCK_EMERGENCY = "emergency"
BLOCK_CLEARANCE = "needs-clearance"
BLOCK_UNANSWERED = "unanswered"


class ScreenError(ValueError):
    """An answer names a question that does not exist, or is not yes/no/unanswered; the message names both."""


class AnswerError(ScreenError):
    """An answer is not a real ``True``/``False``/``None`` (``1``, ``1.0``, ``numpy.bool_``, ``"yes"``...)."""


@dataclass(frozen=True)
class ScreenResult:
    """The outcome of the screen. ``status`` is ``clear`` or the reason there is no plan.

    ``cleared`` holds the signs answered "yes" that a clinician has cleared; ``weak`` those that on their own
    do not block (new back pain over 50). Both let the learner be told what they answered.
    """

    status: str
    message: str
    flagged: tuple[str, ...] = ()      # ids of the questions answered "yes"
    unanswered: tuple[str, ...] = ()   # ids of the questions not answered yet
    cleared: tuple[str, ...] = ()      # flagged see-soon signs a clinician has cleared
    weak: tuple[str, ...] = ()         # flagged signs that on their own do not block

    @property
    def clear(self) -> bool:
        return self.status == CLEAR


def _is_answer(value) -> bool:
    # ``type(...) is bool`` on purpose: 1, 1.0 and numpy.bool_ compare equal to True but are not answers.
    return value is None or type(value) is bool


def check(answers: Mapping[str, bool | None], clinician_cleared: bool = False) -> ScreenResult:
    """Apply the screen. ``answers`` maps question id to True (yes), False (no) or None (not answered).

    Order matters and is deliberate: an emergency sign always wins, even if a clinician cleared the learner
    earlier (a new emergency sign is new). A question left out of ``answers`` counts as unanswered, never as
    "no": a plan is only made when every question has been answered. Only real booleans are answers.
    """
    for key, value in answers.items():
        if key not in QUESTIONS_BY_ID:
            raise ScreenError(f"safety answer {key!r}: no such question (known: {', '.join(QUESTIONS_BY_ID)})")
        if not _is_answer(value):
            raise AnswerError(f"safety answer {key!r}: must be True, False or None, "
                              f"got {value!r} ({type(value).__name__})")
    if type(clinician_cleared) is not bool:
        raise AnswerError(f"clinician_cleared must be True or False, got {clinician_cleared!r} "
                          f"({type(clinician_cleared).__name__})")
    flagged = tuple(q.id for q in QUESTIONS if answers.get(q.id) is True)
    unanswered = tuple(q.id for q in QUESTIONS if answers.get(q.id) is None)
    weak = tuple(i for i in flagged if not QUESTIONS_BY_ID[i].alone_blocks)
    blocking = tuple(i for i in flagged if QUESTIONS_BY_ID[i].alone_blocks)
    if any(QUESTIONS_BY_ID[i].level == EMERGENCY for i in flagged):
        return ScreenResult(BLOCK_EMERGENCY, EMERGENCY_MESSAGE, flagged, unanswered)
    # A weak sign counts with any other see-soon sign: the whole picture matters (Finucane et al. 2020).
    needs_clearance = flagged if blocking else ()
    if needs_clearance and not clinician_cleared:
        return ScreenResult(BLOCK_CLEARANCE, CLEARANCE_MESSAGE, flagged, unanswered)
    if unanswered:
        return ScreenResult(BLOCK_UNANSWERED, UNANSWERED_MESSAGE, flagged, unanswered)
    result = ScreenResult(CLEAR, CLEAR_MESSAGE, flagged, unanswered, cleared=needs_clearance,
                          weak=() if needs_clearance else weak)
    return ScreenResult(CLEAR, cleared_message(result), flagged, unanswered, result.cleared, result.weak)


def cleared_message(result: ScreenResult) -> str:
    """What a learner whose screen is clear is told: what they answered, never a bare "no warning signs"."""
    if not result.clear:
        return result.message
    if result.cleared:
        signs = "; ".join(QUESTIONS_BY_ID[i].plain for i in result.cleared)
        return (f"You said a clinician has cleared you for exercise after you told them about: {signs}. "
                "If a sign comes back or gets worse, see them again. If a new warning sign starts, stop and "
                "get help.")
    if result.weak:
        return WEAK_SIGN_MESSAGE
    return CLEAR_MESSAGE


def all_no() -> dict[str, bool]:
    """Answers with every question answered "no" (the sample profile of the worked example)."""
    return {q.id: False for q in QUESTIONS}


# --- The First days card (issue 16 section 3; evidence brief 1, 2, 4, 10, 13) -------------------------------

FIRST_DAYS_TITLE = "In pain today? Your first days"
FIRST_DAYS = (
    "Keep moving gently. Staying active helps more than bed rest.",
    "Warmth can ease the pain, such as a warm pack or a warm bath.",
    "Take short walks, a few times a day. Walk a little further when you can.",
    "Avoid lying in bed for days. Do not push through sharp pain. Keep doing your daily jobs, more slowly.",
    "Most back pain gets better over time.",
)
FIRST_DAYS_HELP = "Get help at once if you have a warning sign."
#: NICE NG59 (keep up normal activity), Dahm et al. 2010 (active beats bed rest), Qaseem et al. 2017 (heat;
#: most acute pain improves), evidence brief 13 (a flare-up plan: heat, short walks).
FIRST_DAYS_SOURCES = ("nice2016ng59", "dahm2010", "qaseem2017")


# --- Renderers: one content, three forms (HTML for notebooks/widgets, MyST for the book, plain text) --------

@dataclass(frozen=True)
class Block:
    """A safety box: title, a lead sentence, a list, closing sentences, and the sources behind it."""

    kind: str          # "danger", "warning", "important" or "tip": the admonition style
    title: str
    lead: str = ""
    items: tuple[str, ...] = ()
    close: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    link: str = ""     # sentence that points to the safety page (a link in the book)


SAFETY_DOC = "/book/safety"


def emergency_block() -> Block:
    """The emergency signs, with the numbers to call."""
    return Block(
        "danger", "Get help now",
        lead=f"Call an emergency number, such as {EMERGENCY_NUMBERS}, or go to an emergency department if you "
             "have back pain and any of these:",
        items=tuple(q.plain for q in EMERGENCY_QUESTIONS),
        close=(NOT_EMERGENCY,), sources=SOURCES)


def see_soon_block() -> Block:
    """The see-soon signs, with what to do while waiting (never rest)."""
    return Block(
        "warning", "See a GP or physio soon",
        lead="Book a visit within days (this is not an emergency) if you have back pain and any of these:",
        items=tuple(q.plain for q in SEE_SOON_QUESTIONS),
        close=("Being over 50 with new back pain is a weak sign on its own. It does not stop gentle activity "
               "or walking.", WHILE_WAITING),
        sources=SOURCES)


def pain_rule_block() -> Block:
    return Block("important", PAIN_RULE_TITLE, lead=PAIN_RULE, sources=PAIN_RULE_SOURCES)


def first_days_block() -> Block:
    return Block("tip", FIRST_DAYS_TITLE, items=FIRST_DAYS, sources=FIRST_DAYS_SOURCES, link=FIRST_DAYS_HELP)


def short_emergency_block() -> Block:
    """The compact box for notebooks and the intro: emergency signs in one paragraph, pain rule, link."""
    return Block(
        "danger", "Safety first",
        lead=f"Call {EMERGENCY_NUMBERS}, or go to an emergency department, if you have back pain and any of "
             "these:",
        items=tuple(q.plain for q in EMERGENCY_QUESTIONS),
        close=(NOT_EMERGENCY, PAIN_RULE), sources=SOURCES + PAIN_RULE_SOURCES,
        link="The full list of warning signs is on the safety page.")


def block_text(block: Block) -> str:
    """The block as plain text (calendar events, tests, readability checks)."""
    parts = [block.title + "."] if block.title else []
    parts += [block.lead] if block.lead else []
    parts += [f"- {i}" for i in block.items]
    parts += list(block.close)
    parts += [block.link] if block.link else []
    return "\n".join(parts)


def block_words(block: Block) -> str:
    """Every word the reader sees, as one string with single spaces (for comparing renderings)."""
    return " ".join(" ".join([block.title, block.lead, *block.items, *block.close, block.link]).split())


def block_prose(block: Block) -> str:
    """The words as sentences, one part per line (what the reading-grade check scores)."""
    parts = [block.title, block.lead, *block.items, *block.close, block.link]
    return "\n".join(p if p[-1] in ".!?" else p.rstrip(":;,") + "." for p in parts if p)


def block_html(block: Block) -> str:
    """The block as an admonition in HTML (the book's style; plain in JupyterLab)."""
    e = html.escape
    out = [f'<div class="admonition {block.kind} course-safety">',
           f'<p class="admonition-title">{e(block.title)}</p>']
    if block.lead:
        out.append(f"<p>{e(block.lead)}</p>")
    if block.items:
        out.append("<ul>" + "".join(f"<li>{e(i)}</li>" for i in block.items) + "</ul>")
    out += [f"<p>{e(c)}</p>" for c in block.close]
    if block.link:
        out.append(f"<p><strong>{e(block.link)}</strong></p>")
    out.append("</div>")
    return "\n".join(out)


def block_markdown(block: Block, myst: bool = True) -> str:
    """The block's body as Markdown. ``myst`` adds the link to the safety page and the sources (book only).

    The sources come last, on their own line, so a frightened reader meets the advice before any citation.
    """
    lines = [block.lead, ""] if block.lead else []
    lines += [f"- {i}" for i in block.items]
    if block.items:
        lines.append("")
    for c in block.close:
        lines += [c, ""]
    if block.link:
        lines += [f"**{block.link}**" if not myst else f"**{block.link}** See {{doc}}`{SAFETY_DOC}`.", ""]
    if myst and block.sources:
        lines += ["Sources: {cite:p}`" + ",".join(block.sources) + "`", ""]
    return "\n".join(lines).strip() + "\n"


def pain_rule_text() -> str:
    """The pain rule with its title, as plain text (handout, calendar events)."""
    return f"{PAIN_RULE_TITLE}. {PAIN_RULE}"


def emergency_text() -> str:
    """The emergency signs and numbers in two plain sentences (handout pages, calendar events)."""
    signs = "; ".join(q.plain for q in EMERGENCY_QUESTIONS)
    return (f"Get help now if you have back pain and any of these: {signs}. Call {EMERGENCY_NUMBERS}, or go to "
            "an emergency department.")


def reminder_text() -> str:
    """The warning signs as a short reminder (a flare-up in the weekly check-in): the emergency signs in full,
    the see-soon signs by where to find them."""
    return f"{emergency_text()} {SEE_SOON_REMINDER}"


#: Points to the see-soon signs without listing them (the list is on the safety page).
SEE_SOON_REMINDER = "Other signs mean you should see a GP or physio within days: the safety page lists them."


def pain_rule_html() -> str:
    return block_html(pain_rule_block())


def red_flags_html(level: str | None = None) -> str:
    """The warning signs as HTML: both lists, or one ``level``."""
    if level is None:
        return block_html(emergency_block()) + "\n" + block_html(see_soon_block())
    red_flags(level)  # validates the level
    return block_html(emergency_block() if level == EMERGENCY else see_soon_block())


def emergency_html() -> str:
    """The compact safety box of notebooks: emergency signs and numbers, one-leg pain, the pain rule."""
    return block_html(short_emergency_block())


def first_days_html() -> str:
    return block_html(first_days_block())


# --- The README's boxes (GitHub cannot run code: generated between marker comments) ------------------------

def _quote(markdown: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in markdown.strip().splitlines()) + "\n"


def _readme_block(block: Block) -> str:
    return _quote(f"**{block.title}.**\n\n" + block_markdown(block, myst=False))


README_SECTIONS = {
    "red-flags": lambda: _readme_block(emergency_block()) + "\n" + _readme_block(see_soon_block()),
    "pain-rule": lambda: _readme_block(pain_rule_block()),
}


def render_readme(text: str) -> str:
    """``text`` with every ``<!-- name -->`` ... ``<!-- /name -->`` section re-rendered from this module."""
    for name, render in README_SECTIONS.items():
        pattern = re.compile(rf"(<!-- {name} -->\n)(.*?)(<!-- /{name} -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"README has no <!-- {name} --> ... <!-- /{name} --> section")
        body = render()
        text = pattern.sub(lambda m: m.group(1) + body + m.group(3), text)
    return text


def yaml_to_json(yaml_path: Path = YAML_PATH) -> str:
    """The JSON the run-time code reads, from the YAML people edit (needs PyYAML: build time only)."""
    import yaml  # noqa: PLC0415 - build-time only; the run-time path stays standard library

    data = yaml.safe_load(yaml_path.read_text(encoding="utf-8"))
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``--json`` regenerates data/red-flags.json; ``--readme`` re-renders the README's safety sections."""
    args = sys.argv[1:] if argv is None else argv
    if not args or any(a not in ("--json", "--readme") for a in args):
        print("usage: python -m backcourse.safety [--json] [--readme]", file=sys.stderr)
        return 2
    if "--json" in args:
        JSON_PATH.write_text(yaml_to_json(), encoding="utf-8")
        print(f"wrote {JSON_PATH}")
    if "--readme" in args:
        README_PATH.write_text(render_readme(README_PATH.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"wrote {README_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
