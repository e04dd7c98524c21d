"""Reading grade of the chapters: the prose a reader sees, scored with the Flesch-Kincaid grade.

Why a module: the course promises plain language (grade 8 or lower, grade 6 or lower for the safety
chapter). A chapter's source is MyST Markdown full of markup a reader never sees (front matter, directive
options, code cells, citation roles, table pipes, links), which would distort the score. This module turns a
chapter into the prose a reader reads, split into blocks (paragraphs, list items, headings, table rows), and
scores it. The same blocks let the tests check that every number in the prose carries a citation.

Run ``python -m backcourse.book.readability`` to print the grade of every chapter and its limit.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from backcourse import REPO_ROOT

#: Chapters and the highest Flesch-Kincaid grade their prose may reach (safety text is held to grade 6).
CHAPTER_LIMITS: dict[str, float] = {
    "book/start-here": 8.0,
    "book/why-backs-hurt": 8.0,
    "book/phases": 8.0,
    "book/walking-and-core": 8.0,
    "book/safety": 6.0,
    "book/evidence": 8.0,
    "book/sciatica": 8.0,
    "book/pain-relief": 8.0,
    "book/living-with-back-pain": 8.0,
}

# Directives whose whole body is not prose (code, generated boxes, reference lists).
_DROP_DIRECTIVES = {
    "code-cell", "code", "code-block", "sourcecode", "learning-overview", "bibliography", "raw", "math",
    "eval-rst", "toctree", "tableofcontents", "image", "glossary", "chapter-table",
}
# Directives whose argument is a title a reader sees (other directives' arguments are labels or paths).
_TITLED_DIRECTIVES = {"admonition", "exercise", "dropdown", "topic", "sidebar", "card", "figure-md"}

_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|:{3,})\s*(?:\{(?P<name>[\w:-]+)\})?\s*(?P<arg>.*)$")
_OPTION = re.compile(r"^\s*:[\w-]+:(\s.*)?$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_LIST_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+")
_TARGET = re.compile(r"^\s*\([\w:.-]+\)=\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


@dataclass(frozen=True)
class Block:
    """One unit of prose: a paragraph, a list item, a heading, a table row or a title of a box."""

    kind: str          # "paragraph", "item", "heading", "row", "title"
    section: str       # the nearest level-2 heading above it ("" before the first one)
    raw: str           # the MyST source of the block, markup included
    line: int          # 1-based line number in the source file

    @property
    def text(self) -> str:
        """The words a reader sees, without markup."""
        return plain_text(self.raw, table_row=self.kind == "row")


def strip_front_matter(source: str) -> tuple[str, int]:
    """Return the source without YAML front matter and the number of lines removed."""
    if not source.startswith("---"):
        return source, 0
    end = source.find("\n---", 3)
    if end == -1:
        return source, 0
    after = source.find("\n", end + 4)
    after = len(source) if after == -1 else after + 1
    return source[after:], source[:after].count("\n")


def prose_blocks(source: str) -> list[Block]:
    """Split a MyST Markdown page into prose blocks, dropping everything a reader does not read as prose.

    Dropped: front matter, code cells and code fences, directive option lines (``:label: x``), bibliography
    and overview directives, MyST targets ``(label)=``, comments, ``+++`` cell breaks and table rules. Kept:
    headings, paragraphs, list items (one block each), table rows, admonition and exercise titles, and the
    body of admonitions, exercises, solutions and figures (captions are prose).
    """
    body, offset = strip_front_matter(source)
    lines = body.splitlines()
    blocks: list[Block] = []
    section = ""
    current: list[str] = []
    current_kind = "paragraph"
    current_line = 0
    # Stack of open fences: (fence string, drop?) — a dropped fence hides everything inside it.
    fences: list[tuple[str, bool]] = []
    in_options = False
    in_html_comment = False

    def flush() -> None:
        nonlocal current
        text = " ".join(part.strip() for part in current).strip()
        if text:
            blocks.append(Block(current_kind, section, text, current_line))
        current = []

    for index, line in enumerate(lines):
        number = index + 1 + offset
        stripped = line.strip()
        dropping = any(drop for _, drop in fences)

        if in_html_comment:
            if "-->" in stripped:
                in_html_comment = False
            continue

        fence = _FENCE.match(line)
        if fence:
            marker = fence.group("fence")
            # A closing fence: same character, at least as long, nothing after it.
            if fences and marker[0] == fences[-1][0][0] and len(marker) >= len(fences[-1][0]) \
                    and not fence.group("name") and not fence.group("arg").strip():
                flush()
                fences.pop()
                in_options = False
                continue
            if not dropping:
                flush()
                name = fence.group("name")
                drop = name is None or name in _DROP_DIRECTIVES
                fences.append((marker, drop))
                arg = fence.group("arg").strip()
                if not drop and name in _TITLED_DIRECTIVES and arg:
                    blocks.append(Block("title", section, arg, number))
                in_options = not drop
                continue
            fences.append((marker, True))
            continue

        if dropping:
            continue

        if in_options:
            if _OPTION.match(line):
                continue
            in_options = False

        if stripped.startswith("<!--"):
            flush()
            in_html_comment = "-->" not in stripped
            continue
        if not stripped or stripped == "+++" or stripped.startswith("% ") or stripped == "%" \
                or _TARGET.match(line):
            flush()
            continue

        heading = _HEADING.match(stripped)
        if heading:
            flush()
            title = heading.group(2).strip()
            if len(heading.group(1)) <= 2:
                section = title
            blocks.append(Block("heading", section, title, number))
            continue

        if stripped.startswith("|"):
            flush()
            if not _TABLE_RULE.match(stripped):
                blocks.append(Block("row", section, stripped, number))
            continue

        item = _LIST_ITEM.match(line)
        if item:
            flush()
            current_kind, current_line = "item", number
            current = [line[item.end():]]
            continue

        if not current:
            current_kind, current_line = "paragraph", number
        current.append(line)
    flush()
    return blocks


_CITE_ROLE = re.compile(r"\{(?:cite|footcite)(?::[a-z]+)?\}`[^`]*`")
_TEXT_TARGET_ROLE = re.compile(r"\{[\w:-]+\}`([^`<]*?)\s*<[^`>]*>`")
_ROLE = re.compile(r"\{(?P<role>[\w:-]+)\}`(?P<body>[^`]*)`")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<https?://[^>]+>")
_URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+")
_INLINE_CODE = re.compile(r"`([^`]*)`")
_MATH = re.compile(r"\$[^$]+\$")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_EMPHASIS = re.compile(r"(\*\*|__|\*|(?<!\w)_|_(?!\w))")
_SPACES = re.compile(r"\s+")
_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?)])")


def _implicit_role_text(role: str, body: str) -> str:
    """What a role without an explicit title shows: terms show themselves, page links their title."""
    if role == "doc":
        name = body.strip().removeprefix("/").removesuffix(".md").removesuffix(".ipynb")
        for candidate in (REPO_ROOT / "book" / name, REPO_ROOT / name):
            for suffix in (".md", ".ipynb"):
                path = candidate.with_name(candidate.name + suffix)
                if path.is_file():
                    from backcourse.book.pages import read_raw

                    title = read_raw(path)[1]
                    if title:
                        return title
        return name.rsplit("/", 1)[-1].replace("-", " ")
    if role == "learning-time":
        return "some minutes"
    if role in {"ref", "numref", "eq"}:
        return "this section" if role == "ref" else "the figure"
    return body


def plain_text(raw: str, table_row: bool = False) -> str:
    """The words a reader sees in one block of MyST source."""
    text = _CITE_ROLE.sub("", raw)
    text = _TEXT_TARGET_ROLE.sub(lambda m: m.group(1), text)
    text = _ROLE.sub(lambda m: _implicit_role_text(m.group("role"), m.group("body")), text)
    text = _IMAGE.sub("", text)
    text = _LINK.sub(lambda m: m.group(1), text)
    text = _AUTOLINK.sub("", text)
    text = _URL.sub("", text)
    text = _INLINE_CODE.sub(lambda m: m.group(1), text)
    text = _MATH.sub("", text)
    text = _HTML_TAG.sub("", text)
    text = _EMPHASIS.sub("", text)
    if table_row:
        cells = [cell.strip() for cell in text.strip().strip("|").split("|")]
        text = ", ".join(cell for cell in cells if cell)
    text = _SPACES.sub(" ", text).replace("( )", "").replace("()", "")
    return _BEFORE_PUNCT.sub(r"\1", text).strip()


def prose(source: str) -> str:
    """All the prose of a page as one text; each block ends as a sentence so blocks never run together."""
    sentences = []
    for block in prose_blocks(source):
        text = block.text
        if not text:
            continue
        if text[-1] not in ".!?":
            text = text.rstrip(":;,") + "."
        sentences.append(text)
    return "\n".join(sentences)


def grade(text: str) -> float:
    """Flesch-Kincaid grade of plain text (textstat 0.7.3, which needs no download at run time)."""
    import textstat

    return float(textstat.flesch_kincaid_grade(text))


def chapter_grade(page: str, root: Path = REPO_ROOT) -> float:
    """Grade of one chapter's prose, e.g. ``chapter_grade("book/safety")``."""
    source = (root / f"{page}.md").read_text(encoding="utf-8")
    return grade(prose(source))


def report(root: Path = REPO_ROOT) -> list[tuple[str, float, float]]:
    """(page, grade, limit) for every chapter, in course order."""
    return [(page, chapter_grade(page, root), limit) for page, limit in CHAPTER_LIMITS.items()]


def main() -> int:
    rows = report()
    width = max(len(page) for page, _, _ in rows)
    print(f"{'chapter'.ljust(width)}  grade  limit")
    failed = False
    for page, value, limit in rows:
        flag = "" if value <= limit else "  <-- above the limit"
        failed |= value > limit
        print(f"{page.ljust(width)}  {value:5.1f}  {limit:5.1f}{flag}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
