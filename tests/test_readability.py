"""The reading-grade script: it scores what a reader reads (not MyST markup), and every chapter meets its limit."""

from __future__ import annotations

import subprocess
import sys

import pytest

from backcourse.book import readability
from backcourse.book.readability import CHAPTER_LIMITS, grade, plain_text, prose, prose_blocks
from build_support import ROOT


# --- Stripping markup ------------------------------------------------------------------------------------------

def test_citation_roles_are_not_words():
    assert plain_text("Walking helps {cite:p}`pocovi2024`.") == "Walking helps."
    assert plain_text("As {cite:t}`hayden2021,owen2020` found, it helps.") == "As found, it helps."


def test_citations_do_not_change_the_grade():
    bare = "Walking helps people with back pain stay well for longer. Start slowly and build up.\n"
    cited = ("Walking helps people with back pain stay well for longer {cite:p}`pocovi2024,bull2020`. "
             "Start slowly and build up {cite:p}`nhsinform`.\n")
    assert prose(bare) == prose(cited)
    assert grade(prose(bare)) == grade(prose(cited))


def test_front_matter_is_dropped():
    source = "---\nlearning:\n  time: 10\n  objectives:\n    - Understand everything\n---\n\n# Title\n\nHello there.\n"
    text = prose(source)
    assert "learning" not in text and "objectives" not in text and "Understand" not in text
    assert text.splitlines() == ["Title.", "Hello there."]


def test_directive_options_are_dropped_but_titles_and_bodies_kept():
    source = (
        "```{exercise} Which phase?\n:label: phases-ex-1\n\nYour pain started last week.\n```\n\n"
        "```{solution} phases-ex-1\n:class: dropdown\n\nThe gentle phase.\n```\n"
    )
    blocks = prose_blocks(source)
    assert [(b.kind, b.text) for b in blocks] == [
        ("title", "Which phase?"),
        ("paragraph", "Your pain started last week."),
        ("paragraph", "The gentle phase."),
    ]
    assert ":label:" not in prose(source) and "dropdown" not in prose(source) and "phases-ex-1" not in prose(source)


def test_code_cells_and_their_options_are_dropped():
    source = (
        "Before.\n\n```{code-cell} ipython3\n---\ntags: [remove-input]\nmystnb:\n  image:\n    alt: \"A chart\"\n---\n"
        "from backcourse.book.figures import walkback_chart\n\nwalkback_chart()\n```\n\nAfter.\n"
    )
    assert prose(source).splitlines() == ["Before.", "After."]


def test_plain_code_fences_inside_admonitions_are_dropped():
    source = "```{note}\nRun this:\n\n````bash\npip install -r requirements.txt\n````\n\nThen open it.\n```\n"
    assert prose(source).splitlines() == ["Run this.", "Then open it."]


def test_generated_boxes_are_dropped():
    source = "## Overview\n\n```{learning-overview}\n```\n\n## References\n\n```{bibliography}\n:filter: docname in docnames\n```\n"
    assert prose(source).splitlines() == ["Overview.", "References."]


def test_table_pipes_and_rules_are_dropped_and_each_row_is_a_sentence():
    source = "| A normal flare | A warning sign |\n| --- | --- |\n| It slowly settles | It keeps getting worse |\n"
    assert prose(source).splitlines() == ["A normal flare, A warning sign.", "It slowly settles, It keeps getting worse."]


def test_links_keep_their_words_and_urls_go():
    assert plain_text("See [the NICE guideline](https://www.nice.org.uk/guidance/ng59) or https://example.org now.") \
        == "See the NICE guideline or now."


def test_roles_show_the_words_a_reader_sees():
    assert plain_text("A {term}`flare` is common.") == "A flare is common."
    assert plain_text("Doctors call them {term}`red flags <red flag>`.") == "Doctors call them red flags."
    assert plain_text("Read {doc}`the safety page <safety>` first.") == "Read the safety page first."
    # A page link without its own words shows the page's title.
    assert plain_text("Read {doc}`safety` first.") == "Read Safety: red flags and when to get help first."


def test_targets_comments_and_emphasis_are_not_words():
    source = "(safety-stop)=\n## Stop if it gets worse\n\n% a note for authors\n\n**Stop** any exercise that makes *pain* worse.\n"
    assert prose(source).splitlines() == ["Stop if it gets worse.", "Stop any exercise that makes pain worse."]


def test_list_items_are_separate_sentences():
    source = "Tell them:\n\n- When it started\n- Where it hurts\n"
    assert prose(source).splitlines() == ["Tell them.", "When it started.", "Where it hurts."]


def test_blocks_know_their_section():
    source = "# T\n\n## First\n\nOne.\n\n### Deeper\n\nTwo.\n\n## Second\n\nThree.\n"
    sections = {b.text: b.section for b in prose_blocks(source)}
    assert sections["One."] == "First" and sections["Two."] == "First" and sections["Three."] == "Second"


def test_harder_words_and_longer_sentences_score_higher():
    easy = "Stop if it hurts. Walk a bit each day. Rest when you need to."
    hard = ("Non-specific musculoskeletal discomfort necessitates individualised, progressive rehabilitation "
            "incorporating multidisciplinary considerations and biopsychosocial conceptualisation.")
    assert grade(hard) > grade(easy) + 8


# --- The chapters ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("page", sorted(CHAPTER_LIMITS))
def test_each_chapter_meets_its_reading_grade(page):
    value = readability.chapter_grade(page)
    assert value <= CHAPTER_LIMITS[page], f"{page}: Flesch-Kincaid grade {value:.1f} > {CHAPTER_LIMITS[page]}"


def test_safety_chapter_is_held_to_grade_six():
    assert CHAPTER_LIMITS["book/safety"] == 6.0
    assert all(limit <= 8.0 for limit in CHAPTER_LIMITS.values())


def test_every_chapter_has_enough_prose_to_score():
    for page in CHAPTER_LIMITS:
        words = prose((ROOT / f"{page}.md").read_text(encoding="utf-8")).split()
        assert len(words) > 300, f"{page}: only {len(words)} words of prose"


def test_the_script_prints_every_chapter_and_passes():
    proc = subprocess.run([sys.executable, "-m", "backcourse.book.readability"], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = {line.split()[0]: line.split() for line in proc.stdout.splitlines()[1:] if line.strip()}
    assert set(lines) == set(CHAPTER_LIMITS)
    for page, fields in lines.items():
        assert float(fields[1]) <= float(fields[2]) == CHAPTER_LIMITS[page]
