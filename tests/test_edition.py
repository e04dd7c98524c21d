"""The student edition: the whole book with every self-check solution removed, built to its own folder.

The solution and exercise sentences the tests look for are read from the pages' sources, so the test follows the
chapters as they change. The student book is built once per session, with the documented command, reusing the
teacher build's notebook cache (the `book` fixture builds the teacher edition).
"""

from __future__ import annotations

import html
from html.parser import HTMLParser
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from backcourse.book import edition
from build_support import ANSI, ROOT, SPHINX_PROBLEM, KERNEL_NOISE

FENCE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{(?P<kind>exercise|solution)\}[^\n]*\n(?P<body>.*?)^(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
PLAIN = re.compile(r"^[A-Za-z0-9 ,.;:'()\-]+$")


@dataclass(frozen=True)
class Block:
    page: str
    kind: str  # "exercise" or "solution"
    sentence: str  # one plain sentence of the block's text, as it reads on the page


def normalise(text: str) -> str:
    """Page text and source text compared alike: curly quotes straightened, whitespace collapsed."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip()


class _OutsideSolutions(HTMLParser):
    """The visible text of a page without its solution boxes (``<div class="solution ...">`` and all inside)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0  # >0 while inside a solution box: counts the divs opened since
        self.parts: list[str] = []
        self.skip = 0  # inside <script> or <style>

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "div":
            classes = (dict(attrs).get("class") or "").split()
            if self.depth or "solution" in classes:
                self.depth += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        if tag == "div" and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth and not self.skip:
            self.parts.append(data)


def text_outside_solutions(path: Path) -> str:
    parser = _OutsideSolutions()
    parser.feed(path.read_text(encoding="utf-8"))
    return normalise(" ".join(parser.parts))


def page_text(path: Path) -> str:
    """The visible text of an HTML page (tags dropped, entities decoded)."""
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.DOTALL)
    return normalise(html.unescape(re.sub(r"<[^>]+>", " ", raw)))


def plain_sentences(body: str) -> list[str]:
    """Sentences of a directive body with no markup in them, long enough to be distinctive."""
    lines = [line for line in body.splitlines() if not line.lstrip().startswith(":")]  # drop :label: etc.
    text = normalise(" ".join(lines))
    sentences = re.split(r"(?<=[.!?])\s+", text)
    return [s for s in sentences if PLAIN.match(s) and len(s.split()) >= 7]


def toc_sources() -> list[tuple[str, str]]:
    """(page, MyST text) for every page of the book; notebooks give their markdown cells."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    sources = []
    for name in names:
        if (ROOT / f"{name}.md").is_file():
            sources.append((name, (ROOT / f"{name}.md").read_text(encoding="utf-8")))
        elif (ROOT / f"{name}.ipynb").is_file():
            nb = json.loads((ROOT / f"{name}.ipynb").read_text(encoding="utf-8"))
            cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
            sources.append((name, "\n\n".join(cells)))
    return sources


def blocks() -> list[Block]:
    found = []
    for page, text in toc_sources():
        for match in FENCE.finditer(text):
            sentences = plain_sentences(match.group("body"))
            if sentences:
                found.append(Block(page, match.group("kind"), max(sentences, key=len)))
    return found


SOLUTIONS = [b for b in blocks() if b.kind == "solution"]


def plain_fragments(body: str, min_words: int = 5) -> list[str]:
    """Every run of plain words in a directive body between markup (roles, quotes, symbols), long enough to be
    distinctive: the whole text of a solution, not just one sentence of it."""
    lines = [line for line in body.splitlines() if not line.lstrip().startswith(":")]
    text = re.sub(r"\{[^}]+\}`[^`]*`", "|", normalise(" ".join(lines)))
    parts = re.split(r"[^A-Za-z0-9 ,;:'()\-]|(?<=\w)\.(?=\s)|\.\s", text)
    return [p.strip(" ,;:") for p in parts if len(p.split()) >= min_words]


#: (page, fragment) for every fragment of every solution, and the solutions that have none (must stay empty).
SOLUTION_FRAGMENTS = [Block(page, "solution", fragment) for page, text in toc_sources()
                      for m in FENCE.finditer(text) if m.group("kind") == "solution"
                      for fragment in plain_fragments(m.group("body"))]
SOLUTIONS_WITHOUT_FRAGMENTS = [(page, m.group("body")[:60]) for page, text in toc_sources()
                               for m in FENCE.finditer(text)
                               if m.group("kind") == "solution" and not plain_fragments(m.group("body"))]
EXERCISES = [b for b in blocks() if b.kind == "exercise"]


@dataclass
class StudentBuild:
    returncode: int
    log: str
    output: Path
    seconds: float

    @property
    def html(self) -> Path:
        return edition.html_dir(self.output)


@pytest.fixture(scope="session")
def student_book(book, tmp_path_factory) -> StudentBuild:
    """The student edition, built once with the documented command into a temporary folder."""
    output = tmp_path_factory.mktemp("student")
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "backcourse.book.edition", "student", "--output", str(output),
         "--cache", str(book.build_dir / ".jupyter_cache")],
        cwd=ROOT, capture_output=True, text=True, timeout=1800, env=dict(os.environ, MPLBACKEND="Agg"),
    )
    seconds = time.monotonic() - started
    log = ANSI.sub("", proc.stdout + "\n" + proc.stderr)
    (output / "student-build.log").write_text(log, encoding="utf-8")
    print(f"student edition built in {seconds:.0f} s")
    return StudentBuild(proc.returncode, log, output, seconds)


def test_source_has_self_checks_to_look_for():
    """The checks below are only meaningful if the book has solutions and exercises with plain sentences."""
    assert SOLUTIONS and EXERCISES, "no {exercise}/{solution} blocks with a plain sentence found in the toc pages"


def test_student_config_hides_solutions_and_sources_and_changes_nothing_else():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    before = json.dumps(config, sort_keys=True)
    student = edition.student_config(config, Path("some/cache"))
    assert json.dumps(config, sort_keys=True) == before, "the book's own configuration was modified"
    assert config["sphinx"]["config"]["hide_solutions"] is False, "the teacher edition should show solutions"
    sphinx = student["sphinx"]["config"]
    assert sphinx["hide_solutions"] is True
    assert sphinx["html_copy_source"] is False and sphinx["html_show_sourcelink"] is False
    assert sphinx["html_theme_options"]["use_download_button"] is False
    assert Path(student["execute"]["cache"]).is_absolute()
    sphinx["hide_solutions"] = False
    del sphinx["html_copy_source"], sphinx["html_show_sourcelink"], student["execute"]["cache"]
    sphinx["html_theme_options"]["use_download_button"] = config["sphinx"]["config"]["html_theme_options"][
        "use_download_button"]
    assert json.dumps(student, sort_keys=True) == before


def test_remove_sources_deletes_page_sources_only(tmp_path):
    (tmp_path / "_sources" / "book").mkdir(parents=True)
    (tmp_path / "_sources" / "book" / "phases.md").write_text("answer")
    (tmp_path / "notebooks").mkdir()
    for name in ("pain-diary.ipynb", "pain-diary.html", "x.md.txt"):
        (tmp_path / "notebooks" / name).write_text("answer")
    (tmp_path / "searchindex.js").write_text("index")
    edition.remove_sources(tmp_path)
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert left == ["notebooks/pain-diary.html", "searchindex.js"]


@pytest.mark.build
def test_student_edition_builds_without_warnings_into_its_own_folder(student_book, book):
    problems = [line for line in student_book.log.splitlines() if SPHINX_PROBLEM.search(KERNEL_NOISE.sub("", line))]
    assert student_book.returncode == 0 and not problems, "\n".join(problems[:30]) or student_book.log[-3000:]
    assert (student_book.html / "index.html").is_file()
    assert student_book.html.resolve() != book.html.resolve()


@pytest.mark.build
@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda b: f"{b.page}:{b.sentence[:30]}")
def test_solution_text_is_in_the_teacher_edition_only(solution, book, student_book):
    page = f"{solution.page}.html"
    assert solution.sentence in page_text(book.html / page), "the teacher edition should show the solution"
    assert solution.sentence not in page_text(student_book.html / page), "a solution leaked into the student edition"


@pytest.mark.build
@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda b: f"{b.page}:{b.sentence[:30]}")
def test_exercise_text_is_in_the_student_edition(exercise, student_book):
    assert exercise.sentence in page_text(student_book.html / f"{exercise.page}.html")


@pytest.mark.build
def test_no_solution_box_anywhere_in_the_student_edition(student_book, book):
    pattern = re.compile(r'class="[^"]*\bsolution\b[^"]*\badmonition\b')
    teacher = [p for p in book.html.rglob("*.html") if pattern.search(p.read_text(encoding="utf-8"))]
    assert teacher, "the teacher edition shows no solution boxes at all"
    student = [p.relative_to(student_book.html) for p in student_book.html.rglob("*.html")
               if pattern.search(p.read_text(encoding="utf-8"))]
    assert not student, f"solution boxes in the student edition: {student}"


def test_student_edition_has_the_live_routine_builder(student_book):
    """The live builder's form, Pyodide and the packed engine are in the student edition too."""
    html = student_book.html
    page = (html / "notebooks" / "build-your-routine.html").read_text(encoding="utf-8")
    assert 'id="live-builder"' in page and "live-builder.js" in page
    for name in ("pyodide/pyodide.mjs", "pyodide/pyodide.asm.wasm", "live/engine.zip", "live/calendar.zip"):
        assert (html / "_static" / name).is_file(), name


@pytest.mark.build
def test_no_file_of_the_student_edition_holds_any_solution(student_book, book):
    """Every file of the published folder (pages, search index, scripts, downloads) is searched for every
    solution's sentence, compared as text with tags dropped and entities decoded, and raw."""
    # Words the teacher edition also shows outside every solution box (a page's own text, the safety boxes
    # rendered from backcourse.safety, data/exercises.yaml) are not an answer.
    shown_elsewhere = normalise((ROOT / "data" / "exercises.yaml").read_text(encoding="utf-8")) + " ".join(
        normalise(FENCE.sub(lambda m: "" if m.group("kind") == "solution" else m.group(0), text))
        for _, text in toc_sources()) + " ".join(text_outside_solutions(p) for p in book.html.rglob("*.html"))
    assert not SOLUTIONS_WITHOUT_FRAGMENTS, "solutions this search could not look for"
    solutions = [b for b in SOLUTION_FRAGMENTS if b.sentence not in shown_elsewhere]
    assert len({b.sentence for b in solutions}) > len(SOLUTIONS)
    teacher_hits = set()
    for path in book.html.rglob("*"):
        if path.is_file():
            raw = path.read_bytes().decode("utf-8", errors="ignore")
            teacher_hits |= {s.sentence for s in solutions if s.sentence in normalise(html.unescape(raw))}
    assert teacher_hits, "the search cannot find solutions even in the teacher edition"
    leaks = []
    for path in student_book.html.rglob("*"):
        if not path.is_file():
            continue
        raw = path.read_bytes().decode("utf-8", errors="ignore")
        texts = (normalise(raw), normalise(html.unescape(re.sub(r"<[^>]+>", " ", raw))),
                 normalise(raw.replace("\\n", " ").replace('\\"', '"')))
        for solution in solutions:
            if any(solution.sentence in text for text in texts):
                leaks.append(f"{path.relative_to(student_book.html)}: {solution.sentence[:60]}")
    assert not leaks, "solution text in the student edition:\n" + "\n".join(leaks[:20])
    assert not (student_book.html / "_sources").exists()
    assert not [p for p in student_book.html.rglob("*") if p.suffix in (".ipynb", ".md")]
