"""The six chapters keep the course's promises: fixed skeleton, cited numbers, resolvable citations, safety
text, corrections of the seed posts, the routine rules explained, and figures drawn from cited numbers."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import pytest
import yaml

matplotlib.use("Agg")

from backcourse import evidence, safety  # noqa: E402
from backcourse.book import figures
from backcourse.book import pages
from backcourse.book.readability import CHAPTER_LIMITS, prose_blocks, strip_front_matter  # noqa: E402
from build_support import ROOT  # noqa: E402

CHAPTERS = list(CHAPTER_LIMITS)  # start-here, why-backs-hurt, phases, walking-and-core, safety, evidence
SELF_CHECK = "Check your understanding"
SKELETON_END = ["Summary", SELF_CHECK, "What's next", "References"]
CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
TERM = re.compile(r"\{term\}`([^`<]+?)(?:\s*<([^>]+)>)?`")
#: A number the course chose itself says so in the same block instead of citing a source.
PRACTICAL = "a practical choice of this course"


def flat(text: str) -> str:
    """Lower case with every run of white space as one space, so line breaks never hide a phrase."""
    return re.sub(r"\s+", " ", text).lower()


def source(page: str) -> str:
    return (ROOT / f"{page}.md").read_text(encoding="utf-8")


def body(page: str) -> str:
    return strip_front_matter(source(page))[0]


def h2_sections(page: str) -> dict[str, str]:
    """Level-2 heading -> its text (up to the next level-2 heading), outside code fences."""
    sections: dict[str, str] = {}
    current = None
    fence = None
    for line in body(page).splitlines():
        marker = re.match(r"^\s*(`{3,}|:{3,})", line)
        if marker:
            if fence is None:
                fence = marker.group(1)
            elif marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence) and \
                    line.strip() == marker.group(1):
                fence = None
        if fence is None and line.startswith("## "):
            current = line[3:].strip()
            sections[current] = ""
        elif current is not None:
            sections[current] += line + "\n"
    return sections


def bib_keys() -> set[str]:
    text = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    return set(re.findall(r"^@\w+\{([^,\s]+),", text, flags=re.M))


def directives(text: str, name: str) -> list[tuple[str, str]]:
    """(argument, body) of every ```{name} fenced directive in text."""
    pattern = re.compile(r"^(`{3,}|:{3,})\{" + re.escape(name) + r"\}[ \t]*(.*?)\n(.*?)^\1[ \t]*$", re.S | re.M)
    return [(m.group(2).strip(), m.group(3)) for m in pattern.finditer(text)]


# --- Skeleton ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("page", CHAPTERS)
def test_skeleton_headings_in_order(page):
    headings = list(h2_sections(page))
    assert headings[0] == "Overview", f"{page}: first section is {headings[0]!r}"
    assert headings[-4:] == SKELETON_END, f"{page}: last sections are {headings[-4:]}"
    content = headings[1:-4]
    assert len(content) >= 2, f"{page}: needs content sections between Overview and Summary"
    assert len(re.findall(r"^# ", body(page), flags=re.M)) == 1


@pytest.mark.parametrize("page", CHAPTERS)
def test_overview_renders_valid_learning_metadata(page):
    info = pages.learning(page)
    assert 3 <= len(info.objectives) <= 5, f"{page}: {len(info.objectives)} objectives"
    for objective in info.objectives:
        first = objective.split()[0]
        assert first[0].isupper() and not first.endswith("ing") and first not in {"The", "A", "An", "You"}, \
            f"{page}: objective should start with a verb: {objective!r}"
    for prerequisite in info.prerequisites:
        assert pages.is_page(prerequisite), f"{page}: prerequisite {prerequisite!r} is not a page"
    assert directives(h2_sections(page)["Overview"], "learning-overview"), f"{page}: no learning-overview"


@pytest.mark.parametrize("page", CHAPTERS)
def test_self_check_has_two_to_five_exercises_with_dropdown_solutions(page):
    section = h2_sections(page)[SELF_CHECK]
    exercises = directives(section, "exercise")
    solutions = directives(section, "solution")
    assert 2 <= len(exercises) <= 5, f"{page}: {len(exercises)} exercises"
    labels = [re.search(r"^:label:\s*(\S+)", text, re.M).group(1) for _, text in exercises]
    prefix = page.split("/")[-1] + "-"
    assert all(label.startswith(prefix) for label in labels), f"{page}: labels {labels} lack prefix {prefix}"
    assert [arg for arg, _ in solutions] == labels, f"{page}: solutions {solutions} do not match {labels}"
    for arg, text in solutions:
        assert re.search(r"^:class:\s*dropdown\s*$", text, re.M), f"{page}: solution {arg} is not a dropdown"
        assert len(text.split()) > 8, f"{page}: solution {arg} is too short to teach anything"


def test_exercise_labels_are_unique_across_the_book():
    labels: list[str] = []
    for path in list((ROOT / "book").rglob("*.md")) + list((ROOT / "notebooks").glob("*.ipynb")):
        labels += re.findall(r":label:\s*([\w-]+)", path.read_text(encoding="utf-8"))
    duplicates = {label for label in labels if labels.count(label) > 1}
    assert not duplicates, f"labels used twice: {duplicates}"


@pytest.mark.parametrize("page", CHAPTERS)
def test_references_section_lists_this_pages_sources(page):
    bibliographies = directives(h2_sections(page)["References"], "bibliography")
    assert len(bibliographies) == 1
    assert re.search(r"^:filter:\s*docname in docnames\s*$", bibliographies[0][1], re.M)


# --- Citations ---------------------------------------------------------------------------------------------------

def cited_keys(text: str) -> set[str]:
    return {key.strip() for group in CITE.findall(text) for key in group.split(",")}


@pytest.mark.parametrize("page", CHAPTERS + ["book/glossary"])
def test_every_cited_key_is_in_the_bibliography(page):
    unknown = cited_keys(source(page)) - bib_keys()
    assert not unknown, f"{page}: keys not in book/references.bib: {sorted(unknown)}"


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapters_cite_sources(page):
    assert len(cited_keys(source(page))) >= 3, f"{page} cites fewer than 3 sources"


NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*%?(?![\w])")
NUMBER_WORDS = re.compile(
    r"\b(three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|sixty|seventy|eighty|"
    r"ninety|hundred|thousand|million|percent|twice|doubled?|half|thirds?|quarter)\b", re.I)
SEED_ID = re.compile(r"\b00\d\b")  # the seed posts are named 000-004: labels, not quantities
ROLE = re.compile(r"\{[\w:-]+\}`[^`]*`")
LINK_TARGET = re.compile(r"\]\([^)]*\)")


def uncited_numbers(raw: str) -> list[str]:
    """Numbers in one block of prose that has no citation (and does not say the number is the course's own)."""
    if CITE.search(raw) or PRACTICAL in raw:
        return []
    text = SEED_ID.sub("", LINK_TARGET.sub("]", ROLE.sub("", raw)))
    return NUMBER.findall(text) + NUMBER_WORDS.findall(text)


def test_number_checker_on_samples():
    assert uncited_numbers("Walking nearly doubled the time {cite:p}`pocovi2024`.") == []
    assert uncited_numbers("Aim for 30 minutes, 5 times a week.") == ["30", "5"]
    assert uncited_numbers("About half of people recover.") == ["half"]
    assert uncited_numbers("Posts 000 and 003 say so; see {doc}`walking-and-core` and {ref}`fig-1`.") == []
    assert uncited_numbers("Each week adds 5 minutes, a practical choice of this course.") == []
    assert uncited_numbers("The L5 vertebra sits above the sacrum.") == []


@pytest.mark.parametrize("page", CHAPTERS)
def test_every_number_in_the_prose_is_cited_in_its_paragraph(page):
    """Content sections and the Summary: each paragraph, list item or table row with a number cites a source.

    Headings, the Overview (time to learn), the self-check scenarios, code cells (figure alt text and captions)
    and list numbering are not claims and are not checked.
    """
    checked = set(h2_sections(page)) - {"Overview", SELF_CHECK, "What's next", "References"}
    problems = []
    for block in prose_blocks(source(page)):
        if block.kind == "heading" or block.section not in checked:
            continue
        found = uncited_numbers(block.raw)
        if found:
            problems.append(f"line {block.line}: {found} in {block.raw[:90]!r}")
    assert not problems, f"{page}: numbers without a citation in the same paragraph:\n" + "\n".join(problems)


# --- Glossary ----------------------------------------------------------------------------------------------------

def glossary_terms() -> set[str]:
    (_, text), = directives(source("book/glossary"), "glossary")
    return {line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith(" ")}


def test_glossary_is_a_myst_glossary_with_many_terms():
    assert len(glossary_terms()) >= 25


def test_glossary_terms_are_in_alphabetical_order():
    """A reader scanning for a word on a phone finds it where the alphabet says (case does not count: NSAID)."""
    (_, text), = directives(source("book/glossary"), "glossary")
    terms = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith(" ")]
    wrong = [(a, b) for a, b in zip(terms, terms[1:]) if a.casefold() > b.casefold()]
    assert not wrong, f"out of order: {wrong}"


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapters_link_terms_that_the_glossary_defines(page):
    used = {(target or text).strip().lower() for text, target in TERM.findall(source(page))}
    assert used, f"{page} links no glossary term"
    assert used <= glossary_terms(), f"{page}: terms missing from the glossary: {used - glossary_terms()}"


# --- Safety --------------------------------------------------------------------------------------------------------

def test_safety_chapter_renders_the_signs_from_the_one_source():
    """The lists come from backcourse.safety (tests/test_single_sources.py); the chapter places them."""
    text = body("book/safety")
    assert text.index("```{emergency}") < text.index("## Overview"), "emergency block must come first"
    sections = h2_sections("book/safety")
    assert ":level: see-soon" in sections["See a GP or physio soon"]
    assert "one leg" in sections["Why the red box matters"] and "not an emergency" in sections["Why the red box matters"]


def test_safety_box_comes_before_the_content_on_every_chapter():
    for page in CHAPTERS:
        text = body(page)
        overview = h2_sections(page)
        before_content = (text.split("## Overview", 1)[0] + overview["Overview"]
                          + overview.get("What this course is not", ""))
        boxes = [t for arg, t in directives(before_content, "admonition") if ":class: safety" in t]
        rendered = "```{emergency}" in before_content or "```{pain-rule}" in before_content
        assert boxes or rendered, f"{page}: no safety box before its content"
        assert "{doc}`safety" in before_content or page == "book/safety" or rendered, page


@pytest.mark.parametrize("page", ["book/phases", "book/walking-and-core", "book/exercise-library"])
def test_exercise_chapters_show_the_one_pain_rule_up_front(page):
    overview = h2_sections(page)["Overview"]
    assert "```{pain-rule}" in overview, page


def test_safety_chapter_has_a_pain_during_exercise_section():
    sections = h2_sections("book/safety")
    assert "```{pain-rule}" in sections["Pain during exercise"]


#: Words that send a reader to emergency care. Where they appear, the example numbers must be there too.
SENDS_TO_EMERGENCY = re.compile(r"get (emergency )?help now|needs? emergency (care|help)|emergency sign"
                                r"|go to an emergency department|call an emergency", re.I)


def reader_paragraphs(path: Path) -> list[str]:
    """Paragraphs a reader reads as statements: no front matter, code cells, figure options or self-check
    questions (a question may ask which sign is an emergency; its solution gives the numbers)."""
    text = strip_front_matter(path.read_text(encoding="utf-8"))[0]
    text = re.sub(r"^(`{3,}|:{3,})\{(code-cell|exercise)\}.*?^\1[ \t]*$", "", text, flags=re.S | re.M)
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


def test_every_emergency_mention_gives_the_numbers():
    """Issue 16: every emergency mention gives example numbers, through the {emergency-numbers} role (or sits in
    a paragraph that renders the emergency box)."""
    hits = []
    for path in READER_PAGES:
        for para in reader_paragraphs(path):
            if SENDS_TO_EMERGENCY.search(para) and "{emergency-numbers}" not in para \
                    and not re.search(r"\{(emergency|red-flags|first-days)\}", para):
                hits.append(f"{path.name}: {para[:90]!r}")
    assert not hits, "\n".join(hits)


def test_emergency_check_catches_the_old_wordings():
    for old in ("need emergency care {cite:p}`nice2016ng59`.", "It is an emergency sign.",
                "Do not do the exercises. Get help now."):
        assert SENDS_TO_EMERGENCY.search(old)


def test_fever_self_check_is_told_apart_from_the_emergency_sign():
    """A fever alone is see-soon; feeling very unwell and hot or shivery is an emergency (data/red-flags.yaml).
    The question must describe only the first, and the answer quotes both signs from the data."""
    assert safety.QUESTIONS_BY_ID["fever"].level == safety.SEE_SOON
    assert safety.QUESTIONS_BY_ID["very-unwell"].level == safety.EMERGENCY
    (question,) = [b for a, b in directives(body("book/safety"), "exercise") if "fever" in b.lower()]
    for word in ("shaky", "shivery", "unwell", "ill"):
        assert not re.search(rf"\b{word}\b", question, re.I), f"the fever question sounds like the emergency sign: {word}"
    (answer,) = [b for a, b in directives(body("book/safety"), "solution") if "{red-flag}`fever`" in b]
    assert "{red-flag}`very-unwell`" in answer and "{emergency-numbers}" in answer
    assert answer.index("{red-flag}`fever`") < answer.index("{red-flag}`very-unwell`")


def test_red_flag_role_quotes_a_sign_from_the_data():
    from types import SimpleNamespace

    from backcourse.book.sphinxext import safety as safety_ext

    errors = []
    inliner = SimpleNamespace(reporter=SimpleNamespace(error=lambda msg, line=None: errors.append(msg) or msg),
                              problematic=lambda raw, text, msg: ("problematic", raw))
    for q in safety.QUESTIONS:
        (node,), messages = safety_ext.red_flag_role("red-flag", f"`{q.id}`", q.id, 1, inliner)
        assert node.astext() == q.plain and not messages
    (node,), messages = safety_ext.red_flag_role("red-flag", "`nope`", "nope", 1, inliner)
    assert messages and "nope" in errors[0]


#: Wordings that name only a doctor where a GP or physio (first-contact clinicians) is meant.
DOCTOR_ONLY = re.compile(r"(?<!pharmacist or )(?<!your )\bsee a doctor\b(?! or)|\ba doctor (has told|should check)"
                         r"|\bsigns? that needs? a doctor\b|see-a-doctor", re.I)


def test_triage_names_a_gp_or_physio_not_only_a_doctor():
    for old in ("see a doctor before you exercise", "until you say a doctor has told you", "see-a-doctor-soon sign",
                "so a doctor should check you", "warning signs that need a doctor"):
        assert DOCTOR_ONLY.search(old), old
    assert not DOCTOR_ONLY.search("see a doctor or physiotherapist. Ask a pharmacist or doctor what is safe.")
    hits = [f"{p.name}: {m.group(0)}" for p in READER_PAGES for m in DOCTOR_ONLY.finditer(flat(p.read_text()))]
    assert not hits, hits


# --- Corrections of the seed posts (evidence brief, section 7) -----------------------------------------------------

#: label -> (seed ids, words the correction must contain). Each row is one item of section 7 of the brief.
SEED_ERRORS = {
    "realign": (("000", "003"), ("out of place", "re-align")),
    "foam-rolling": (("001",), ("adhesions", "comfort")),
    "plank": (("002",), ("face down", "forearms", "straight line")),
    "loaded-lifts": (("002",), ("deadlifts", "squats", "lunges", "load")),
    "sitting": (("002",), ("stomach touching your lower back", "no clear meaning")),
    "ice": (("004",), ("heat", "moderate-quality", "cautious", "qaseem2017", "nice2016ng59")),
    "phases": (("004",), ("not proven", "pair")),
    "hype": (("000", "003"), ("change your life", "exponentially", "in no time", "program")),
}


def claim_sections() -> dict[str, str]:
    text = body("book/evidence")
    parts = re.split(r"^\(evidence-claim-([\w-]+)\)=\s*$", text, flags=re.M)
    sections = {}
    for label, chunk in zip(parts[1::2], parts[2::2]):
        sections[label] = re.split(r"^(?:## |\(evidence-claim-)", chunk.split("\n", 2)[2], flags=re.M)[0]
    return sections


@pytest.mark.parametrize("label", sorted(SEED_ERRORS))
def test_each_seed_error_is_corrected_openly(label):
    sections = claim_sections()
    assert label in sections, f"book/evidence.md has no section (evidence-claim-{label})="
    text = flat(sections[label])
    seeds, words = SEED_ERRORS[label]
    assert "**a common claim:**" in text and "**what is true instead:**" in text
    # the provenance (which post said it) lives on the instructor page, not on the reader page
    row = next(line for line in source("book/instructors/sources").splitlines() if f"evidence-claim-{label}" in line)
    for seed in seeds:
        assert seed not in text, f"claim {label}: reader page names post {seed}"
        assert seed in row, f"claim {label}: instructor sources page does not name post {seed}"
    for word in words:
        assert word.lower() in text, f"claim {label}: correction lacks {word!r}"


def test_corrections_do_not_repeat_the_ninety_percent_myth_as_fact():
    for page in CHAPTERS:
        for block in prose_blocks(source(page)):
            if "90%" in block.raw:
                assert "not support" in block.raw, f"{page}: '90%' used without saying it is unsupported"


# --- Routine rules (backcourse.routine.engine.RULES) -----------------------------------------------------------------------------------

RULE_IDS = ("safety-first", "acute-gentle", "recovering-core", "maintenance-balance", "pair-front-back",
            "walk-build", "reps-by-pain", "leave-out-aggravating", "equipment-at-hand", "fits-time", "variety",
            "floor-space", "session-size", "low-dose-start", "progress-harder", "aerobic-every-plan", "check-in",
            "flare-up")


#: A rule's term in the chapter: the {routine-rule} role, which shows the rule's title and anchors it by id.
RULE_TERM = re.compile(r"^\{routine-rule\}`([\w-]+)`\n((?::[^\n]*\n)(?:  [^\n]*\n)*)", re.M)


def rule_definitions() -> dict[str, str]:
    text = body("book/phases")
    assert "(routine-rules)=\n## How the routine builder chooses" in text
    section = h2_sections("book/phases")["How the routine builder chooses"]
    return {rule: definition for rule, definition in RULE_TERM.findall(section)}


def test_phases_chapter_explains_every_routine_rule_in_order():
    assert tuple(rule_definitions()) == RULE_IDS


def test_rule_ids_are_never_shown_to_readers_as_code():
    """Readers see a rule by the title their plan shows; the id is only the anchor (issue 16 audit)."""
    section = h2_sections("book/phases")["How the routine builder chooses"]
    shown = [rule for rule in RULE_IDS if f"`{rule}`" in section.replace(f"{{routine-rule}}`{rule}`", "")]
    assert not shown, f"rule ids shown as code tags: {shown}"


def test_routine_rule_role_shows_the_engines_title_with_a_stable_anchor():
    from types import SimpleNamespace

    from backcourse.book.sphinxext import routinerules

    routine = pytest.importorskip("backcourse.routine.engine")
    errors = []
    inliner = SimpleNamespace(
        document=SimpleNamespace(settings=SimpleNamespace()),
        reporter=SimpleNamespace(error=lambda msg, line=None: errors.append(msg) or msg),
        problematic=lambda raw, text, msg: ("problematic", raw))
    for rule_id in RULE_IDS:
        (node,), messages = routinerules.routine_rule_role("routine-rule", f"`{rule_id}`", rule_id, 1, inliner)
        assert not messages
        assert node.astext() == routine.RULES[rule_id].title != rule_id
        assert node["ids"] == [f"rule-{rule_id}"]
    (node,), messages = routinerules.routine_rule_role("routine-rule", "`no-such`", "no-such", 1, inliner)
    assert messages and "no-such" in errors[0] and node == ("problematic", "`no-such`")


def test_rule_explanations_cite_the_rules_sources():
    """Each rule cites the keys the routine engine gives it, and practical rules say they are practical."""
    routine = pytest.importorskip("backcourse.routine.engine", reason="routine engine not in this checkout")
    definitions = rule_definitions()
    assert set(routine.RULES) == set(definitions)
    for rule_id, rule in routine.RULES.items():
        if rule.keys:
            assert set(rule.keys) <= cited_keys(definitions[rule_id]), f"{rule_id}: cite {rule.keys}"
        else:
            assert "*Practical.*" in definitions[rule_id], f"{rule_id} has no source: say it is practical"


def test_phases_chapter_covers_heat_and_the_progression_rule():
    sections = h2_sections("book/phases")
    assert "qaseem2017" in sections["Heat or ice?"] and "superficial heat" in sections["Heat or ice?"]
    rule = sections["How many repetitions? The pain-guided rule"]
    assert f"about {evidence.REPS_RULE.start_reps} repetitions" in rule
    assert "add 1 or 2" in rule and "go back" in rule
    # during exercise the section points to the one pain rule instead of a "stop" rule of its own
    assert "pain rule" in rule and "{ref}`safety-stop`" in rule


# --- Figures -------------------------------------------------------------------------------------------------------

def figure_cells(page: str) -> list[dict]:
    cells = []
    for arg, text in directives(body(page), "code-cell"):
        if text.startswith("---\n"):
            meta_text, code = text[4:].split("\n---\n", 1)
            cells.append({"meta": yaml.safe_load(meta_text), "code": code})
    return cells


#: Chapters that draw charts (the three pages added for issue 16 are text, boxes and a printable form).
FIGURE_CHAPTERS = [page for page in CHAPTERS if page not in
                   ("book/sciatica", "book/pain-relief", "book/living-with-back-pain")]


@pytest.mark.parametrize("page", FIGURE_CHAPTERS)
def test_each_chapter_draws_a_captioned_figure_with_alt_text(page):
    cells = [c for c in figure_cells(page) if "figure" in c["meta"].get("mystnb", {})]
    assert cells, f"{page} has no figure"
    for cell in cells:
        assert "remove-input" in cell["meta"]["tags"]
        mystnb = cell["meta"]["mystnb"]
        alt, caption = mystnb["image"]["alt"], mystnb["figure"]["caption"]
        assert len(alt.split()) >= 12, f"{page}: alt text too short: {alt!r}"
        assert re.search(r"\bSources?\b.*:|schematic", caption, re.I), f"{page}: caption names no source: {caption!r}"
        assert mystnb["figure"]["name"].startswith("fig-")
        name = re.search(r"from backcourse\.book\.figures import (\w+)", cell["code"]).group(1)
        assert callable(getattr(figures, name)), name


def test_figure_names_are_unique_across_the_chapters():
    names = [c["meta"]["mystnb"]["figure"]["name"] for page in FIGURE_CHAPTERS for c in figure_cells(page)
             if "figure" in c["meta"].get("mystnb", {})]
    assert len(names) == len(set(names))


def texts(fig) -> str:
    parts = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        parts += [t.get_text() for t in ax.texts] + [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        parts += [t.get_text() for t in ax.get_yticklabels() + ax.get_xticklabels()]
    if fig._suptitle is not None:
        parts.append(fig._suptitle.get_text())
    if fig._supxlabel is not None:
        parts.append(fig._supxlabel.get_text())
    return re.sub(r"\s+", " ", " ".join(parts))


def bar_lengths(ax) -> list[float]:
    return [round(p.get_width() if p.get_height() < 1 and p.get_width() > 1 else p.get_height(), 2)
            for p in ax.patches]


def test_walkback_chart_shows_the_trial_numbers():
    fig = figures.walkback_chart()
    widths = [p.get_width() for p in fig.axes[0].patches]
    assert widths == [evidence.WALKBACK.median_days_walking, evidence.WALKBACK.median_days_control]
    # Plain words for the hazard ratio 0.72 on a patient page: about 28% lower risk at any time.
    assert "Pocovi" in texts(fig) and "28% lower risk" in texts(fig) and "physio" in texts(fig)
    assert "Hazard" not in texts(fig) and "CI" not in texts(fig) and "0.72" not in texts(fig)


def test_endurance_chart_shows_mcgills_ratios():
    fig = figures.endurance_ratios_chart()
    heights = sorted(round(p.get_height(), 2) for p in fig.axes[0].patches)
    r = evidence.MCGILL_RATIOS
    assert heights == sorted([r.flexor_extensor_men, r.side_bridge_extensor_men, r.flexor_extensor_women,
                              r.side_bridge_extensor_women])
    assert "McGill" in texts(fig) and "75" in texts(fig)


def test_year_after_episode_shows_the_cited_shares():
    fig = figures.year_after_episode()
    widths = [p.get_width() for p in fig.axes[0].patches if p.get_width() != 100]
    assert widths == [72, 69, 40]
    assert "Henschke" in texts(fig) and "da Silva" in texts(fig)


def test_exercise_effect_and_burden_charts_show_cited_numbers():
    effect = figures.exercise_effect_chart()
    assert [p.get_width() for p in effect.axes[0].patches if p.get_width() != 100] == [15, 7]
    assert "Hayden" in texts(effect) and "249" in texts(effect)
    burden = figures.burden_chart()
    assert [p.get_height() for p in burden.axes[0].patches] == [619, 843]
    assert "Ferreira" in texts(burden) and "projected" in texts(burden)


def test_phases_and_rule_figures_use_the_cited_thresholds():
    timeline = texts(figures.phases_timeline())
    assert f"under {evidence.ACUTE_WEEKS}" in timeline and f"over {evidence.CHRONIC_WEEKS}" in timeline
    assert "Qaseem" in timeline
    rule = texts(figures.progression_rule())
    assert f"about {evidence.REPS_RULE.start_reps} repetitions" in rule and "NHS inform" in rule
    # the chart names the one pain rule by its title (backcourse.safety) and never restates it
    assert safety.PAIN_RULE_TITLE in rule and "stop" not in rule.lower()


def test_spine_diagram_labels_the_parts_the_chapter_names():
    text = texts(figures.spine_diagram())
    for part in ("Vertebra", "Disc", "Back muscles", "Belly muscles", "Side muscles", "Sacrum", "Buttock"):
        assert part in text
    assert "not to scale" in text


# --- Issue 16: self-checks are "Question N" on each page ----------------------------------------------------------

def every_exercise_block() -> list[tuple[str, str]]:
    """(file, options) of every {exercise} in the book's pages and the notebooks."""
    found = []
    for path in sorted((ROOT / "book").rglob("*.md")) + sorted((ROOT / "notebooks").glob("*.ipynb")):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":
            import json
            text = "\n".join("".join(c["source"]) for c in json.loads(text)["cells"] if c["cell_type"] == "markdown")
        for match in re.finditer(r"^`{3,}\{exercise\}[^\n]*\n((?::[^\n]*\n)*)", text, flags=re.M):
            found.append((path.name, match.group(1)))
    return found


def test_every_self_check_question_is_unnumbered_so_it_reads_question_n_on_its_page():
    blocks = every_exercise_block()
    assert len(blocks) >= 20
    missing = [name for name, options in blocks if ":nonumber:" not in options]
    assert not missing, f"exercises without :nonumber: (they would read 'Exercise 19'): {missing}"


def test_question_numbering_restarts_on_each_page():
    from docutils import nodes
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser
    from docutils.utils import new_document
    from sphinx_exercise.nodes import exercise_node, exercise_subtitle, exercise_title

    from backcourse.book.sphinxext.selfcheck import NumberQuestionsPerPage

    def page(subtitles):
        document = new_document("page", get_default_settings(Parser))
        for text in subtitles:
            title = exercise_title()
            title += nodes.Text("Exercise")
            title += exercise_subtitle(text, text)
            node = exercise_node()
            node += title
            document += node
        NumberQuestionsPerPage(document).apply()
        return [n.children[0].astext() for n in document.findall(exercise_node)]

    assert page(["Which phase?", "How much pain is OK?"]) == ["Question 1Which phase?", "Question 2How much pain is OK?"]
    assert page(["Tingling down one leg"]) == ["Question 1Tingling down one leg"]


#: The skills issue 16 asks the self-checks to test: page -> exercise label.
SKILL_QUESTIONS = {
    "how much pain during exercise is OK": ("book/phases", "phases-ex-pain"),
    "one-sided tingling": ("book/sciatica", "sciatica-ex-one-leg"),
    "what to take for pain": ("book/pain-relief", "pain-relief-ex-what-to-take"),
    "what goes in a flare-up plan": ("book/living-with-back-pain", "living-with-back-pain-ex-flare-plan"),
    "progress with long-lasting pain": ("book/living-with-back-pain", "living-with-back-pain-ex-progress"),
}


@pytest.mark.parametrize("skill", sorted(SKILL_QUESTIONS))
def test_self_checks_test_the_skills_that_matter(skill):
    page, label = SKILL_QUESTIONS[skill]
    section = h2_sections(page)[SELF_CHECK]
    assert f":label: {label}" in section and f"{{solution}} {label}" in section, f"{skill}: no question {label}"


def test_what_to_take_answer_sends_you_to_a_pharmacist_and_gives_no_dose():
    (_, answer), = [d for d in directives(h2_sections("book/pain-relief")[SELF_CHECK], "solution")
                    if d[0] == "pain-relief-ex-what-to-take"]
    text = flat(answer)
    assert "ask a pharmacist or doctor what is safe for you" in text
    assert "paracetamol alone is not advised" in text and "nsaid" in text and "opioid" in text
    assert not re.search(r"\d", re.sub(r"\{cite:p\}`[^`]*`", "", answer)), "a number in a medicine answer"


def test_repeated_trivia_is_gone():
    """The plank-on-your-back question was asked on three pages and heat-or-ice on two."""
    questions = " ".join(flat(h2_sections(page)[SELF_CHECK]) for page in CHAPTERS)
    assert questions.count("elbows under your lower back") <= 1
    assert len(re.findall(r"\{exercise\} heat", questions)) <= 1


# --- Issue 16: bibliography -------------------------------------------------------------------------------------

def bib_entries() -> dict[str, str]:
    text = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    return {m.group(2): m.group(3) for m in re.finditer(r"^@(\w+)\{([^,\s]+),(.*?)^\}", text, flags=re.M | re.S)}


def bib_field(entry: str, name: str) -> str | None:
    match = re.search(r"^\s*" + name + r"\s*=\s*\{(.*?)\},?\s*$", entry, flags=re.M)
    return match.group(1) if match else None


def test_every_bibliography_entry_has_author_year_and_venue():
    problems = []
    for key, entry in bib_entries().items():
        if not bib_field(entry, "author"):
            problems.append(f"{key}: no author")
        year = bib_field(entry, "year")
        if not (year and re.fullmatch(r"(19|20)\d\d", year)):
            problems.append(f"{key}: year {year!r}")
        if not any(bib_field(entry, f) for f in ("journal", "publisher", "institution", "howpublished", "booktitle")):
            problems.append(f"{key}: no venue")
    assert len(bib_entries()) >= 40
    assert not problems, "\n".join(problems)


def test_bibliography_entries_the_review_found_wrong_are_right():
    entries = bib_entries()
    assert "Badarudeen" in bib_field(entries["pmc3049622"], "author")
    assert bib_field(entries["pmc3049622"], "journal") == "Clinical Orthopaedics and Related Research"
    assert bib_field(entries["pmc3049622"], "year") == "2010"
    assert bib_field(entries["ahcpr"], "author").startswith("Bigos") and bib_field(entries["ahcpr"], "year") == "1994"
    assert bib_field(entries["foster2018"], "doi") == "10.1016/S0140-6736(18)30489-6"
    for key in ("nhsinform", "arcsheet"):
        assert bib_field(entries[key], "title") and bib_field(entries[key], "howpublished")


def test_every_cited_key_anywhere_resolves():
    keys = set(bib_entries())
    unknown = {}
    for path in list((ROOT / "book").rglob("*.md")) + list((ROOT / "notebooks").glob("*.ipynb")):
        missing = cited_keys(path.read_text(encoding="utf-8")) - keys
        if missing:
            unknown[path.name] = sorted(missing)
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    assert not cited_keys(config) - keys
    assert not unknown, unknown


# --- Issue 16: corrections --------------------------------------------------------------------------------------

READER_PAGES = [p for p in sorted((ROOT / "book").glob("*.md")) if p.stem not in ("references",)]


def sentences(page_text: str) -> list[str]:
    return [s for block in prose_blocks(page_text) for s in re.split(r"(?<=[.!?])\s+", block.raw)]


#: A claim (regex on one sentence) and the citation keys that must NOT be its only support.
WRONG_CITATIONS = [
    (r"stretching (alone|on its own)", {"hayden2021"}),
    (r"bed rest", {"qaseem2017"}),
    (r"leaves? (those movements|them) out|walking builds? up", {"nhsinform"}),
    (r"hurt(ing)? (is not|does not mean)|not the same as harm", {"nice2016ng59"}),
]


@pytest.mark.parametrize("claim,wrong", WRONG_CITATIONS)
def test_claims_cite_sources_that_support_them(claim, wrong):
    problems = []
    for path in READER_PAGES:
        for sentence in sentences(path.read_text(encoding="utf-8")):
            keys = cited_keys(sentence)
            if re.search(claim, sentence, re.I) and keys and keys <= wrong:
                problems.append(f"{path.name}: {sentence[:100]!r}")
    assert not problems, "\n".join(problems)


BANNED_PHRASES = {
    "nearly doubled": "WalkBack: say it lengthened the time before pain came back enough to limit activity",
    "like a corset": "NICE advises against corsets",
    "only a doctor": "physiotherapists are first-contact clinicians too",
    "smallest change": "say a change this size usually matters to people (evidence 5)",
    "points the other way": "ice is untested, not disproven",
    "hazard ratio": "patient pages do not teach hazard ratios (instructor notes do)",
    "confidence interval": "patient pages do not teach confidence intervals (instructor notes do)",
    "ranked best": "use the one sentence on exercise types ({{ exercise_types }})",
    "weakest": "use the one sentence on exercise types ({{ exercise_types }})",
    "helps least": "stretching on its own did no better than no exercise (Owen 2020)",
    "mix stretching and strengthening": "Owen 2020 supports only 'stretching alone helps least'",
    "pair them with strengthening": "Owen 2020 supports only 'stretching on its own did no better than no exercise'",
    "next to walking and strengthening": "Owen 2020 supports only 'stretching on its own did no better than no exercise'",
    "came out best": "use the one sentence on exercise types ({{ exercise_types }})",
}


def library_reader_text() -> dict[str, str]:
    """Every field of each library entry that a reader sees (its card, its entry in the library chapter)."""
    from backcourse.library import default_library

    return {ex.id: " ".join([ex.summary, ex.evidence, ex.correction or "", *ex.steps, *ex.cues, *ex.cautions])
            for ex in default_library()}


@pytest.mark.parametrize("phrase", sorted(BANNED_PHRASES))
def test_reader_pages_drop_corrected_wording(phrase):
    hits = [p.name for p in READER_PAGES if phrase in flat(p.read_text(encoding="utf-8"))]
    hits += [f"exercise {ex_id}" for ex_id, text in library_reader_text().items() if phrase in flat(text)]
    assert not hits, f"{phrase!r} on {hits}: {BANNED_PHRASES[phrase]}"


def test_library_entries_citing_owen_for_stretching_say_only_what_owen_found():
    """Owen 2020 found that stretching alone did no better than control; it does not back a stretch-plus-strength
    mix. Every stretch citing it says that finding, and no entry says one type came out best."""
    from backcourse.library import default_library

    stretches = [ex for ex in default_library() if ex.category == "stretch"]
    assert len(stretches) >= 10
    for ex in stretches:
        text = flat(ex.evidence)
        assert ex.evidence_key == "owen2020", ex.id
        assert "stretching on its own did no better than no exercise" in text, ex.id
        assert not re.search(r"next to|pair|alongside|together with", text), ex.id
    pilates = flat(default_library().get("pilates").evidence)
    assert "no type of exercise clearly beats another" in pilates and "small and uncertain" in pilates


def test_exercise_types_are_compared_in_one_sentence_used_everywhere():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    sentence = config["sphinx"]["config"]["myst_substitutions"]["exercise_types"]
    assert sentence.count(". ") == 0 and sentence.endswith(".")
    for words in ("no type of exercise clearly beats another", "pilates", "stretching on its own",
                  "no better than no exercise"):
        assert words in flat(sentence)
    assert {"smith2014", "owen2020"} <= cited_keys(sentence)
    users = [p.stem for p in READER_PAGES if "{{ exercise_types }}" in p.read_text(encoding="utf-8")]
    assert {"phases", "walking-and-core", "exercise-library"} <= set(users)
    copies = [p.name for p in READER_PAGES
              if re.search(r"type of exercise (clearly )?beats? (another|the others|the rest)", flat(p.read_text(encoding="utf-8")))]
    assert not copies, f"own copies of the exercise-types sentence: {copies}"


def test_ice_is_called_untested():
    for page in ("book/phases", "book/evidence", "book/pain-relief"):
        text = flat(body(page))
        assert "ice is untested" in text and "french2006" in text, page


def test_walkback_is_described_as_the_trial_was():
    text = flat(body("book/walking-and-core"))
    assert "lengthened the time before pain came back enough to limit activity" in text
    assert f"about {evidence.WALKBACK.lower_risk_percent}% lower" in text
    assert "education" in text and "physio sessions" in text and "recovered" in text
    # every library entry that rests on WalkBack says what the trial was (walking PLUS education and physio
    # sessions, in people who had recovered) and what it found
    from backcourse.library import default_library

    walkback = [ex for ex in default_library() if ex.evidence_key == "pocovi2024"]
    assert walkback
    for ex in walkback:
        line = flat(ex.evidence)
        assert "education" in line and "physio sessions" in line and "recovered" in line, ex.id
        assert "lengthened the time before pain came back enough to limit activity" in line, ex.id
    guide = flat(source("book/instructors/guide"))
    assert "hazard ratio" in guide and "0.72" in guide and "0.60" in guide and "0.85" in guide


def test_walking_goal_rests_on_the_who_guideline_not_the_secondary_walkback_figure():
    for page in CHAPTERS:
        for block in prose_blocks(source(page)):
            if re.search(r"\b30 minutes\b", block.raw) and block.section != SELF_CHECK:
                assert "bull2020" in block.raw, f"{page} line {block.line}: cite the WHO goal (bull2020)"
                for sentence in re.split(r"(?<=[.!?])\s+", block.raw):
                    if "30 minutes" in sentence:
                        assert "pocovi2024" not in sentence, \
                            f"{page} line {block.line}: the 30-minute goal is [S] in WalkBack; cite WHO (bull2020)"


def test_risk_factors_are_taught_with_the_psychological_ones():
    section = flat(h2_sections("book/why-backs-hurt")["What makes pain last longer or come back?"])
    for key in ("henschke2008", "dasilva2019", "vlaeyen2000"):
        assert key in section
    for words in ("past episode", "low mood", "fear of moving", "expecting the pain to last"):
        assert words in section


def test_phase_names_are_one_set_everywhere():
    names = evidence.PHASE_NAMES
    headings = re.findall(r"^### Phase (\d): (.+?) \(", body("book/phases"), flags=re.M)
    assert [name for _, name in headings] == [names[p] for p in ("acute", "recovering", "maintenance")]
    routine = pytest.importorskip("backcourse.routine.engine")
    assert all(routine.PHASE_LABELS[p].startswith(names[p]) for p in names)
    timeline = figures.phases_timeline()
    labels = {t.get_text(): t.get_position()[0] for t in timeline.axes[0].texts}
    acute, chronic = evidence.ACUTE_WEEKS, evidence.CHRONIC_WEEKS
    (gentle_x,) = [x for text, x in labels.items() if text.startswith(f"1 {names['acute']}")]
    (recovering_x,) = [x for text, x in labels.items() if text.startswith(f"2 {names['recovering']}")]
    assert gentle_x == acute / 2 and recovering_x == (acute + chronic) / 2, "phase arrows must change at 4 and 12 weeks"


#: A phase named by its data key where a reader reads it ("phases: acute, recovering", "the acute phase").
PHASE_KEY_SHOWN = re.compile(r"\b(acute|maintenance) phase\b|(?-i:\bphases?: *(acute|recovering|maintenance)\b)"
                             r"|(?-i:[>\"](Acute|Maintenance)[<\"])", re.I)


def test_phase_key_pattern_catches_the_old_wordings():
    for old in ("phases: acute, recovering, maintenance", "you are in the acute phase", "list the acute phase",
                "<option>Maintenance</option>", '"_options_labels": ["Any phase", "Acute"'):
        assert PHASE_KEY_SHOWN.search(old), old
    assert not PHASE_KEY_SHOWN.search("Phase 1: Gentle (acute). In the recovering phase, acute back pain")


def test_library_cards_index_and_explorer_use_the_phase_names():
    """Library entries, the index, the explorer's cards and its phase menu name phases as the chapters do."""
    from backcourse.book.sphinxext import library as libext
    from backcourse.library import default_library
    from backcourse.library.widgets import ExplorerApp, card_html

    names = evidence.PHASE_NAMES
    every = ", ".join(names[p] for p in ("acute", "recovering", "maintenance"))
    library = default_library()
    walking, deadlift = library.get("walking"), library.get("deadlift")
    assert walking.phases == ["acute", "recovering", "maintenance"] and deadlift.phases == ["maintenance"]
    assert f"phases: {every}" in card_html(walking) and f"phases: {names['maintenance']}" in card_html(deadlift)
    assert f"phases: {every}" in libext.facts_line(walking)
    index = "\n".join(libext.index_markdown(library))
    assert f"  - {every}\n" in index
    for text in (card_html(walking), libext.facts_line(walking), index):
        assert not PHASE_KEY_SHOWN.search(text)
    app = ExplorerApp(library)
    assert [label for label, value in app.phase.options if value] == [names[p] for p in ("acute", "recovering",
                                                                                          "maintenance")]


def test_notebooks_and_reader_pages_never_name_a_phase_by_its_data_key():
    import json

    hits = []
    for path in READER_PAGES:
        hits += [f"{path.name}: {m.group(0)}" for m in PHASE_KEY_SHOWN.finditer(path.read_text(encoding="utf-8"))]
    for name in sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            texts = ["".join(cell["source"])] if cell["cell_type"] == "markdown" else []
            for out in cell.get("outputs", []):
                html = out.get("data", {}).get("text/html", "")
                texts.append(html if isinstance(html, str) else "".join(html))
            hits += [f"{name}: {m.group(0)}" for t in texts for m in PHASE_KEY_SHOWN.finditer(t)]
        state = json.dumps(nb["metadata"].get("widgets", {}))
        hits += [f"{name} widget state: {m.group(0)}" for m in PHASE_KEY_SHOWN.finditer(state.replace('\\"', '"'))]
    assert not hits, "\n".join(hits)


# --- Issue 16: the new chapters ---------------------------------------------------------------------------------

NEW_CHAPTERS = ("book/sciatica", "book/pain-relief", "book/living-with-back-pain")


@pytest.mark.parametrize("page", NEW_CHAPTERS)
def test_new_chapters_render_the_one_pain_rule_and_are_in_the_toc(page):
    assert "```{pain-rule}" in source(page)
    assert f"file: {page}\n" in (ROOT / "_toc.yml").read_text(encoding="utf-8")
    syllabi = source("book/instructors/syllabi")
    assert syllabi.count(page) >= 4, f"{page} missing from a syllabus table or time total"


def test_sciatica_sends_only_the_emergency_signs_to_the_emergency_department():
    text = body("book/sciatica")
    assert re.search(r"```\{red-flags\}\n:level: emergency\n```", text)
    overview = h2_sections("book/sciatica")["Overview"]
    assert overview.index("{red-flags}") < overview.index("{pain-rule}"), "the emergency signs come first"
    assert "not an emergency" in flat(text) and "one** leg" in flat(text)
    assert "keep moving" in flat(text)


def test_pain_relief_never_gives_a_dose_and_always_sends_you_to_ask():
    text = body("book/pain-relief")
    prose = re.sub(r"\{cite:p\}`[^`]*`", "", text)
    assert not re.search(r"\b\d+\s*(mg|milligram|tablets?|pills?|times a day)\b", prose, re.I)
    assert "ask a pharmacist or doctor what is safe for you" in flat(text)
    for words in ("paracetamol", "nsaid", "opioid", "heat", "ice is untested", "manual therapy", "acupuncture",
                  "belts or corsets", "tens"):
        assert words in flat(text), words


def test_living_chapter_has_a_printable_flare_up_plan_and_links_start_back():
    text = body("book/living-with-back-pain")
    plan = re.search(r"```\{container\} flare-plan\n(.*?)\n```", text, flags=re.S).group(1)
    rows = [r for r in plan.splitlines() if r.startswith("| **")]
    assert len(rows) >= 8 and all(r.rstrip().endswith("| |") for r in rows), "every row needs an empty answer cell"
    assert "keele.ac.uk/startback" in text and "does not copy its questions" in text
    for words in ("keep moving", "heat", "short walks", "step back one level", "build up again"):
        assert words in flat(text)
    css = (ROOT / "book" / "_static" / "course.css").read_text(encoding="utf-8")
    assert "@media print" in css and ".flare-plan" in css


def test_intro_and_readme_list_the_new_chapters():
    intro = flat(source("book/intro"))
    readme = flat((ROOT / "README.md").read_text(encoding="utf-8"))
    for words in ("sciatica and leg pain", "pain relief and other treatments", "flare-up plan"):
        assert words in intro, words
    for words in ("sciatica and leg pain", "pain relief and other treatments", "living with back pain"):
        assert words in readme, words
