"""One pain rule and one list of warning signs (issue 16): every page renders them from backcourse.safety, and
no copy of either drifts anywhere in the repository's reader-facing text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from backcourse import REPO_ROOT, safety

#: Wordings that restate the pain rule or the warning signs by hand (the old copies, and likely new ones).
DRIFT = {
    "a hand-written pain rule": re.compile(
        r"stop (any|an|a|that|this|the) (exercise|pose|movement|stretch)s?\b[^.]{0,40}\b(worse|hurts?)\b"
        r"|stop if it gets worse|stop any that make|STOP_RULE|makes your pain clearly worse"
        r"|up to (about )?5 ?(out of|/) ?10"
        # "stop if/what/when ... worse", "... clearly worse: stop it", "stop if ... ache", "stop if it hurts",
        # "stop well before it hurts": each says any pain means stop, which the one rule does not (issue 16 audit)
        r"|\bstop (if|what|when|whatever)\b[^.]{0,40}\bworse\b|\bworse\b[^.]{0,12}\bstop (it|them)\b"
        r"|\bstop (if|when)\b[^.]{0,40}\bach(e|es|ing)\b|\bstop (if|when) (it|that) hurts\b"
        r"|\bstop (well )?before it hurts\b|\bstop[- ]if[- ]worse\b", re.I),
    "a hand-written list of warning signs": re.compile(
        r"genital|private parts|inner thigh|pee or poo|bladder|bowel|saddle[- ]area", re.I),
    "hand-typed emergency numbers": re.compile(r"(?<![#\w])(999|911)\b")  # not a CSS colour,
}

#: The single sources themselves, and the generated copy the run-time code reads.
SOURCES = {"backcourse/safety.py", "data/red-flags.yaml", "data/red-flags.json"}


def _notebook_text(path: Path) -> str:
    """The sources of a notebook's cells (outputs are rendered from the package, so they may repeat it)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"])


def _readme_text() -> str:
    """The README without its generated sections (those are checked against the source below)."""
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    return re.sub(r"<!-- ([\w-]+) -->\n.*?<!-- /\1 -->", "", text, flags=re.S)


def reader_texts() -> dict[str, str]:
    """Every text a reader or learner may see: chapters, notebooks, README, the package, the exercise data."""
    files = [*REPO_ROOT.glob("book/**/*.md"), *REPO_ROOT.glob("notebooks/*.ipynb"),
             *REPO_ROOT.glob("backcourse/**/*.py"), *REPO_ROOT.glob("data/*.yaml")]
    out = {}
    for path in files:
        rel = path.relative_to(REPO_ROOT).as_posix()
        if rel in SOURCES or "/_build/" in rel or "/.ipynb_checkpoints/" in rel:
            continue
        out[rel] = _notebook_text(path) if path.suffix == ".ipynb" else path.read_text(encoding="utf-8")
    out["README.md"] = _readme_text()
    return out


def test_the_scan_sees_the_whole_course():
    texts = reader_texts()
    for must in ("book/safety.md", "book/intro.md", "notebooks/pain-diary.ipynb", "README.md",
                 "backcourse/routine/handout.py", "backcourse/routine/widgets.py", "data/exercises.yaml"):
        assert must in texts


@pytest.mark.parametrize("kind", sorted(DRIFT))
def test_no_hand_written_copy_of_the_safety_text(kind):
    hits = []
    for rel, text in reader_texts().items():
        for m in DRIFT[kind].finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            hits.append(f"{rel}:{line}: {m.group(0)!r}")
    assert not hits, f"{kind} outside backcourse/safety.py; render it instead:\n" + "\n".join(hits)


@pytest.mark.parametrize("kind,sample", [
    ("a hand-written pain rule", "Stop any exercise that makes your pain worse."),
    ("a hand-written pain rule", "stop an exercise if it hurts"),
    ("a hand-written pain rule", "doses and the stop-if-worse rule"),
    # wordings the issue 16 audit found that the first patterns missed
    ("a hand-written pain rule", "Any exercise that makes pain clearly worse: stop it"),
    ("a hand-written pain rule", "Stop what makes pain worse."),
    ("a hand-written pain rule", "**Stop what makes it worse.** Patient exercise sheets give the same advice"),
    ("a hand-written pain rule", "Stop if your back pain is clearly worse."),
    ("a hand-written pain rule", "Stop if your back pain is clearly worse afterwards."),
    ("a hand-written pain rule", "Stop if your lower back starts to ache during the hold."),
    ("a hand-written pain rule", "Stop if it hurts your neck or your lower back."),
    ("a hand-written pain rule", "Slide down until your knees are bent. Stop well before it hurts."),
    ("a hand-written list of warning signs", "numbness around your genitals or new bladder trouble"),
    ("hand-typed emergency numbers", "call 999 now"),
])
def test_the_drift_patterns_catch_the_old_wordings(kind, sample):
    assert DRIFT[kind].search(sample)


def test_the_source_itself_holds_what_the_patterns_look_for():
    # the patterns would find the source's own text, so a copy of it anywhere else would be found too
    assert DRIFT["a hand-written list of warning signs"].search(safety.block_text(safety.emergency_block()))
    assert DRIFT["hand-typed emergency numbers"].search(safety.EMERGENCY_NUMBERS)
    assert DRIFT["a hand-written pain rule"].search(safety.PAIN_RULE.replace("about 5 out of 10", "up to 5/10"))


def test_json_is_generated_from_the_yaml():
    data = yaml.safe_load(safety.YAML_PATH.read_text(encoding="utf-8"))
    assert json.loads(safety.JSON_PATH.read_text(encoding="utf-8")) == data, \
        "data/red-flags.json is out of date: run python -m backcourse.safety --json"
    assert safety.JSON_PATH.read_text(encoding="utf-8") == safety.yaml_to_json()


def test_readme_safety_sections_are_in_sync_with_the_source():
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert safety.render_readme(text) == text, "README is out of date: run python -m backcourse.safety --readme"
    block = re.search(r"<!-- pain-rule -->\n(.*?)<!-- /pain-rule -->", text, re.S).group(1)
    assert safety.PAIN_RULE in block.replace("\n> ", " ")
    flags = re.search(r"<!-- red-flags -->\n(.*?)<!-- /red-flags -->", text, re.S).group(1)
    for q in safety.QUESTIONS:
        assert q.plain in flags, q.id
    assert safety.EMERGENCY_NUMBERS in flags


def test_readme_generator_rewrites_a_stale_section(tmp_path):
    stale = "x\n<!-- red-flags -->\nold list\n<!-- /red-flags -->\n<!-- pain-rule -->\nstop!\n<!-- /pain-rule -->\n"
    fresh = safety.render_readme(stale)
    assert "old list" not in fresh and "stop!" not in fresh and safety.PAIN_RULE in fresh
    with pytest.raises(ValueError, match="pain-rule"):
        safety.render_readme("no markers here <!-- red-flags -->\n<!-- /red-flags -->")


@pytest.mark.parametrize("page", ["book/safety.md", "book/intro.md", "book/start-here.md"])
def test_safety_pages_use_the_directives(page):
    text = (REPO_ROOT / page).read_text(encoding="utf-8")
    assert "```{emergency}" in text


def test_safety_page_puts_the_emergency_block_before_the_overview():
    text = (REPO_ROOT / "book/safety.md").read_text(encoding="utf-8")
    assert text.index("```{emergency}") < text.index("## Overview") < text.index("```{learning-overview}")


@pytest.mark.parametrize("page", ["book/intro.md", "book/start-here.md"])
def test_first_days_card_opens_intro_and_start_here(page):
    text = (REPO_ROOT / page).read_text(encoding="utf-8")
    body = text.split("\n# ", 1)[1]
    first_block = body.index("```{")
    assert body.index("```{first-days}") <= body.index("```{", first_block + 1) if page.endswith("start-here.md") \
        else body.index("```{first-days}") < body.index("```{emergency}")
    assert "## " not in body[:body.index("```{first-days}")]


def test_every_notebook_shows_the_rendered_safety_box():
    """Each notebook's safety cell shows the box rendered from backcourse.safety: the warning signs and the one pain
    rule (once: the compact box already holds it)."""
    for path in sorted(REPO_ROOT.glob("notebooks/*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = [c for c in nb["cells"] if c["cell_type"] == "code" and "emergency_html()" in "".join(c["source"])]
        assert len(cells) == 1, path.name
        assert "remove-input" in cells[0]["metadata"].get("tags", [])
        html = "".join(o.get("data", {}).get("text/html", "") if isinstance(o.get("data", {}).get("text/html"), str)
                       else "".join(o.get("data", {}).get("text/html", [])) for o in cells[0]["outputs"])
        assert html.strip() == safety.emergency_html().strip(), path.name
        assert html.count(safety.PAIN_RULE) == 1, path.name
