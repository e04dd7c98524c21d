"""The instructor part: every course page describes itself, and the chapter table and syllabi are built from that.

Expected values come from the pages' own `learning` metadata (the single source) and `_toc.yml`.
"""

from __future__ import annotations

import html
import pickle
import re
from pathlib import Path

import pytest
import yaml

from backcourse.book import pages
from backcourse.book.sphinxext.chapters import format_minutes, toc_pages, toc_parts
from build_support import ROOT

#: The parts a learner works through; every page in them must carry a learning block.
COURSE_PARTS = ("Start here", "Understanding your back", "Moving again", "Your plan and your diary")
REQUIRED_PARTS = COURSE_PARTS + ("For instructors",)
GUIDE = "book/instructors/guide"
SYLLABI = "book/instructors/syllabi"


def toc() -> dict:
    return yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))


def part_pages(captions) -> list[str]:
    return [page for part in toc_parts(ROOT / "_toc.yml") if part.caption in captions for page in part.pages]


def described(page: str) -> bool:
    meta, _ = pages.read_raw(pages.page_path(page))
    return "learning" in meta


# --- The metadata itself --------------------------------------------------------------------------------------


def test_toc_still_has_the_course_parts():
    captions = [part["caption"] for part in toc()["parts"]]
    assert set(REQUIRED_PARTS) <= set(captions), captions


def test_every_course_page_has_a_valid_learning_block():
    """One failure lists every page still missing or breaking its block, with the reason."""
    problems = []
    for page in part_pages(REQUIRED_PARTS):
        try:
            info = pages.learning(page)
        except (pages.PageMetadataError, FileNotFoundError) as exc:
            problems.append(str(exc))
            continue
        if not 3 <= len(info.objectives) <= 5:
            problems.append(f"{page}: {len(info.objectives)} objectives, the course asks for 3 to 5")
        for prerequisite in info.prerequisites:
            if "/" in prerequisite and not pages.is_page(prerequisite):
                problems.append(f"{page}: prerequisite {prerequisite!r} looks like a page but no such file exists")
    assert not problems, "pages without a valid learning block:\n" + "\n".join(problems)


def test_page_prerequisites_come_earlier_in_the_book():
    order = toc_pages(ROOT / "_toc.yml")
    late = []
    for page in (p for p in part_pages(REQUIRED_PARTS) if described(p)):
        for prerequisite in pages.learning(page).prerequisites:
            if prerequisite in order and order.index(prerequisite) >= order.index(page):
                late.append(f"{page} needs {prerequisite}, which comes later in _toc.yml")
    assert not late, "\n".join(late)


def test_toc_parts_flattens_sections_in_reading_order(tmp_path):
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nparts:\n"
        "  - caption: One\n    chapters:\n      - file: a.md\n        sections:\n          - file: a/b\n"
        "            sections:\n              - file: a/c.ipynb\n      - file: d\n"
        "  - caption: Two\n    chapters:\n      - file: e\n",
        encoding="utf-8",
    )
    parts = toc_parts(tmp_path / "_toc.yml")
    assert [(p.caption, p.pages) for p in parts] == [("One", ("a", "a/b", "a/c", "d")), ("Two", ("e",))]
    assert toc_pages(tmp_path / "_toc.yml") == ["intro", "a", "a/b", "a/c", "d", "e"]


@pytest.mark.parametrize(
    "minutes, text",
    [(1, "1 minute"), (45, "45 minutes"), (60, "60 minutes (1 h)"), (95, "95 minutes (1 h 35 min)")],
)
def test_minutes_read_as_hours_past_an_hour(minutes, text):
    assert format_minutes(minutes) == text


# --- The built chapter table ----------------------------------------------------------------------------------


def tables(page_html: str) -> list[str]:
    return re.findall(r'<table[^>]*class="[^"]*chapter-table[^"]*"[^>]*>.*?</table>', page_html, re.DOTALL)


def rows(table_html: str) -> list[str]:
    body = table_html.split("<tbody", 1)[1]
    return re.findall(r"<tr[^>]*>.*?</tr>", body, re.DOTALL)


def text(fragment: str) -> str:
    plain = html.unescape(re.sub(r"<[^>]+>", " ", fragment))
    plain = plain.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", plain).strip()


def row_page(row_html: str, from_page: str) -> str:
    """The page a table row links to (its first link), as a page name from the repository root."""
    match = re.search(r'href="([^"]*)"', row_html)
    assert match, f"a table row without a link: {text(row_html)}"
    href = match.group(1).split("#")[0]
    if not href:  # Sphinx links a page to itself with "#"
        return from_page
    return normalise_path((Path(from_page).parent / href.removesuffix(".html")).as_posix())


def normalise_path(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)


@pytest.fixture(scope="module")
def guide_html(book) -> str:
    return (book.html / f"{GUIDE}.html").read_text(encoding="utf-8")


@pytest.mark.build
def test_chapter_table_lists_every_described_page_once_in_toc_order(guide_html):
    listed = [row_page(r, GUIDE) for t in tables(guide_html) for r in rows(t)]
    expected = [p for p in toc_pages(ROOT / "_toc.yml") if described(p)]
    assert listed == expected


@pytest.mark.build
def test_chapter_table_rows_show_each_pages_own_time_objectives_and_prerequisites(guide_html):
    for table in tables(guide_html):
        for row in rows(table):
            page = row_page(row, GUIDE)
            info = pages.learning(page)
            cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)
            assert text(cells[1]) == f"{info.time} min", page
            for objective in info.objectives:
                assert objective.replace("\u2019", "'") in text(cells[2]), (page, objective)
            linked = [row_page(link, GUIDE) for link in re.findall(r"<a [^>]*>", cells[3])]
            assert linked == [p for p in info.prerequisites if pages.is_page(p)], page
            for words in (p for p in info.prerequisites if not pages.is_page(p)):
                assert words in text(cells[3]), (page, words)


@pytest.mark.build
def test_each_part_heading_gives_the_sum_of_its_pages(guide_html):
    headings = [text(h) for h in re.findall(r'<p class="[^"]*\bchapter-table-part\b[^"]*">(.*?)</p>', guide_html,
                                          re.DOTALL)]
    expected = []
    for part in toc_parts(ROOT / "_toc.yml"):
        times = [pages.learning(p).time for p in part.pages if described(p)]
        if times:
            expected.append(f"{part.caption}: {format_minutes(sum(times))}")
    assert headings == expected


@pytest.mark.build
def test_pages_without_metadata_are_left_out_of_the_table(guide_html):
    undescribed = [p for p in toc_pages(ROOT / "_toc.yml") if not described(p)]
    assert toc()["root"].removesuffix(".md") in undescribed  # the landing page has no learning block
    listed = {row_page(r, GUIDE) for t in tables(guide_html) for r in rows(t)}
    assert not listed & set(undescribed)


@pytest.mark.build
def test_guide_is_rebuilt_when_a_listed_page_changes(book):
    """Sphinx records every page the table read as a dependency of the guide (so metadata edits show up)."""
    with open(book.build_dir / ".doctrees" / "environment.pickle", "rb") as f:
        env = pickle.load(f)
    deps = {Path(d).resolve() for d in env.dependencies[GUIDE]}
    for page in part_pages(REQUIRED_PARTS):
        assert pages.page_path(page).resolve() in deps, page
    assert (ROOT / "_toc.yml").resolve() in deps


# --- The syllabi ----------------------------------------------------------------------------------------------


def syllabus_plans() -> dict[str, list[list[str]]]:
    """Each plan's sessions, as the page lists of the chapter-table directives under its section."""
    source = (ROOT / f"{SYLLABI}.md").read_text(encoding="utf-8")
    plans: dict[str, list[list[str]]] = {}
    for label, section in re.findall(r"\((syllabus-[\w-]+)\)=\n(.*?)(?=\n\(syllabus-|\n## Summary)", source, re.DOTALL):
        plans[label] = [line.split()[1:] for line in re.findall(r"^:pages: .*$", section, re.MULTILINE)]
    return plans


def test_both_plans_exist_with_their_number_of_sessions():
    plans = syllabus_plans()
    assert len(plans["syllabus-self-paced"]) == 4
    assert len(plans["syllabus-class"]) == 6


@pytest.mark.parametrize("plan", ["syllabus-self-paced", "syllabus-class"])
def test_each_plan_covers_every_learner_page_once(plan):
    listed = [page for session in syllabus_plans()[plan] for page in session]
    assert sorted(listed) == sorted(part_pages(COURSE_PARTS))


@pytest.mark.parametrize("plan", ["syllabus-self-paced", "syllabus-class"])
def test_each_plan_meets_prerequisites_before_the_page(plan):
    seen: list[str] = []
    late = []
    for session in syllabus_plans()[plan]:
        for page in session:
            if described(page):
                for prerequisite in pages.learning(page).prerequisites:
                    if pages.is_page(prerequisite) and prerequisite in part_pages(COURSE_PARTS) \
                            and prerequisite not in seen:
                        late.append(f"{page} needs {prerequisite} first")
            seen.append(page)
    assert not late, "\n".join(late)


@pytest.mark.build
def test_syllabus_times_are_the_pages_own_times(book):
    page_html = (book.html / f"{SYLLABI}.html").read_text(encoding="utf-8")
    sessions = [s for plan in syllabus_plans().values() for s in plan]
    built = tables(page_html)
    assert len(built) == len(sessions)
    for session, table in zip(sessions, built):
        body = rows(table)
        assert [row_page(r, SYLLABI) for r in body[:-1]] == session
        # A page still without metadata says so and counts for nothing (the metadata test above flags it).
        times = [pages.learning(p).time if described(p) else None for p in session]
        for row, minutes in zip(body, times):
            shown = text(re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)[1])
            assert shown == (f"{minutes} min" if minutes else "not given yet"), text(row)
        total = sum(t for t in times if t)
        assert text(body[-1]).startswith("In all") and format_minutes(total) in text(body[-1])


@pytest.mark.build
def test_syllabus_totals_in_prose_add_up(book):
    page_html = (book.html / f"{SYLLABI}.html").read_text(encoding="utf-8")
    source = (ROOT / f"{SYLLABI}.md").read_text(encoding="utf-8")
    roles = re.findall(r"\{learning-time\}`([^`]+)`", source)
    shown = [text(s) for s in re.findall(r'<span class="learning-time">(.*?)</span>', page_html, re.DOTALL)]
    assert roles and len(shown) == len(roles)
    for names, value in zip(roles, shown):
        assert value == format_minutes(sum(pages.learning(p).time for p in names.split() if described(p)))
