"""The six chapters keep the course's promises: fixed skeleton, cited numbers, resolvable citations, safety
text, corrections of the seed posts, the routine rules explained, and figures drawn from cited numbers."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import pytest
import yaml

matplotlib.use("Agg")

from backcourse import evidence  # noqa: E402
from backcourse.book import figures
from backcourse.book import pages
from backcourse.book.readability import CHAPTER_LIMITS, prose_blocks, strip_front_matter  # noqa: E402
from conftest import ROOT  # noqa: E402

CHAPTERS = list(CHAPTER_LIMITS)  # start-here, why-backs-hurt, phases, walking-and-core, safety, evidence
SKELETON_END = ["Summary", "Self-check", "What's next", "References"]
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
    section = h2_sections(page)["Self-check"]
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
    checked = set(h2_sections(page)) - {"Overview", "Self-check", "What's next", "References"}
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


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapters_link_terms_that_the_glossary_defines(page):
    used = {(target or text).strip().lower() for text, target in TERM.findall(source(page))}
    assert used, f"{page} links no glossary term"
    assert used <= glossary_terms(), f"{page}: terms missing from the glossary: {used - glossary_terms()}"


# --- Safety --------------------------------------------------------------------------------------------------------

def test_safety_chapter_names_the_emergency_signs():
    text = body("book/safety").lower()
    emergency = h2_sections("book/safety")["Get emergency help now"].lower()
    for words in (("saddle", "genitals"), ("bladder",), ("bowel",), ("weakness", "legs"), ("walking",)):
        assert all(word in emergency for word in words), f"emergency section misses {words}"
    for sign in ("fever", "weight loss", "cancer", "fall", "over 50", "night", "immune", "getting worse"):
        assert sign in h2_sections("book/safety")["See a doctor soon"].lower(), f"see-soon section misses {sign!r}"
    assert "stop any exercise that makes your pain worse" in text


def test_safety_box_comes_before_the_content_on_every_chapter():
    for page in CHAPTERS:
        overview = h2_sections(page)
        before_content = overview["Overview"] + overview.get("What this course is not", "")
        boxes = [text for arg, text in directives(before_content, "admonition") if ":class: safety" in text]
        assert boxes, f"{page}: no safety admonition in its Overview"
        assert re.search(r"stop any exercise that makes your pain (clearly )?worse", flat(" ".join(boxes))), page


def test_safety_chapter_has_a_stop_if_it_gets_worse_section():
    sections = h2_sections("book/safety")
    assert "Stop if it gets worse" in sections
    assert "nhsinform" in sections["Stop if it gets worse"]


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
    assert "**the claim" in text and "**what is true instead:**" in text
    for seed in seeds:
        assert seed in text, f"claim {label}: seed post {seed} not named"
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


def rule_definitions() -> dict[str, str]:
    text = body("book/phases")
    assert "(routine-rules)=\n## How the routine builder chooses" in text
    section = h2_sections("book/phases")["How the routine builder chooses"]
    found = re.findall(r"^`([\w-]+)`\n((?::[^\n]*\n)(?:  [^\n]*\n)*)", section, flags=re.M)
    return {rule: definition for rule, definition in found}


def test_phases_chapter_explains_every_routine_rule_in_order():
    assert tuple(rule_definitions()) == RULE_IDS


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
    assert "add 1 or 2" in rule and "go back" in rule and "stop" in rule


# --- Figures -------------------------------------------------------------------------------------------------------

def figure_cells(page: str) -> list[dict]:
    cells = []
    for arg, text in directives(body(page), "code-cell"):
        if text.startswith("---\n"):
            meta_text, code = text[4:].split("\n---\n", 1)
            cells.append({"meta": yaml.safe_load(meta_text), "code": code})
    return cells


@pytest.mark.parametrize("page", CHAPTERS)
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
    names = [c["meta"]["mystnb"]["figure"]["name"] for page in CHAPTERS for c in figure_cells(page)
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
    assert "Pocovi" in texts(fig) and "0.72" in texts(fig) and "0.60" in texts(fig)


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


def test_safety_chart_lists_every_red_flag():
    text = texts(figures.safety_chart())
    for sign in evidence.EMERGENCY_SIGNS + evidence.SEE_SOON_SIGNS:
        assert sign in text, sign
    assert "NICE" in text


def test_spine_diagram_labels_the_parts_the_chapter_names():
    text = texts(figures.spine_diagram())
    for part in ("Vertebra", "Disc", "Back muscles", "Belly muscles", "Side muscles", "Sacrum", "Buttock"):
        assert part in text
    assert "not to scale" in text
