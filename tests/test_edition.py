"""The student edition: the whole book with every self-check solution removed, built to its own folder.

The solution and exercise sentences the tests look for are read from the pages' sources, so the test follows the
chapters as they change. The student book is built once per session, with the documented command, reusing the
teacher build's notebook cache (the `book` fixture builds the teacher edition).
"""

from __future__ import annotations

import html
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
from conftest import ANSI, ROOT, SPHINX_PROBLEM, KERNEL_NOISE

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


def test_student_config_hides_solutions_and_changes_nothing_else():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    before = json.dumps(config, sort_keys=True)
    student = edition.student_config(config, Path("some/cache"))
    assert json.dumps(config, sort_keys=True) == before, "the book's own configuration was modified"
    assert config["sphinx"]["config"]["hide_solutions"] is False, "the teacher edition should show solutions"
    assert student["sphinx"]["config"]["hide_solutions"] is True
    assert Path(student["execute"]["cache"]).is_absolute()
    student["sphinx"]["config"]["hide_solutions"] = False
    del student["execute"]["cache"]
    assert json.dumps(student, sort_keys=True) == before


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
