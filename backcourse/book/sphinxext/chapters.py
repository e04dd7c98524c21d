"""The ``chapter-table`` directive and ``learning-time`` role: the course at a glance, from the pages' metadata.

Why: the instructor guide and the syllabi need every page's objectives, time to learn and prerequisites. Typing
them again would give two copies that drift apart, so both read ``_toc.yml`` and each page's ``learning`` block
(see ``backcourse.book.pages``) at build time. A page whose metadata changes rebuilds the pages that list it.

Usage in MyST::

    ```{chapter-table}
    ```
    (every part of the toc: a heading per part with its total time, then a table of its pages)

    ```{chapter-table}
    :pages: book/start-here notebooks/how-to-use-notebooks
    :columns: page time
    ```
    (just these pages, in this order, with a final "In all" row)

    Week 1 takes about {learning-time}`book/start-here notebooks/how-to-use-notebooks`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.addnodes import pending_xref
from sphinx.util.docutils import SphinxDirective, SphinxRole

from backcourse import REPO_ROOT
from backcourse.book import pages

COLUMNS = {
    "page": "Page",
    "time": "Time to learn",
    "objectives": "You will be able to",
    "prerequisites": "Prerequisites",
}


@dataclass(frozen=True)
class Part:
    """One captioned part of ``_toc.yml`` and its pages (names without suffix, in toc order)."""

    caption: str
    pages: tuple[str, ...]


def toc_parts(toc_path: Path = REPO_ROOT / "_toc.yml") -> list[Part]:
    """The parts of a jb-book toc, each with its chapters and their sections flattened in reading order."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8")) or {}

    def walk(entries) -> list[str]:
        names: list[str] = []
        for entry in entries or []:
            if "file" in entry:
                names.append(str(PurePosixPath(entry["file"]).with_suffix("")))
            names.extend(walk(entry.get("sections")))
        return names

    return [Part(part.get("caption", ""), tuple(walk(part.get("chapters")))) for part in toc.get("parts", [])]


def toc_pages(toc_path: Path = REPO_ROOT / "_toc.yml") -> list[str]:
    """Every page the book builds: the root first, then each part's pages in order."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8")) or {}
    root = [str(PurePosixPath(toc["root"]).with_suffix(""))] if toc.get("root") else []
    return root + [page for part in toc_parts(toc_path) for page in part.pages]


def has_learning_block(page: str, root: Path) -> bool:
    """True when the page declares a ``learning`` block (it may still be invalid: pages.learning checks it)."""
    meta, _ = pages.read_raw(pages.page_path(page, root))
    return "learning" in meta


def format_minutes(minutes: int) -> str:
    """'45 minutes', or '95 minutes (1 h 35 min)' once it passes an hour, so totals read at a glance."""
    text = f"{minutes} minute{'s' if minutes != 1 else ''}"
    if minutes >= 60:
        hours, rest = divmod(minutes, 60)
        text += f" ({hours} h {rest} min)" if rest else f" ({hours} h)"
    return text


class _Reader:
    """Reads pages' metadata for one directive or role, noting each file as a dependency of the current page."""

    def __init__(self, env):
        self.env = env
        self.root = Path(env.srcdir)

    def toc_path(self) -> Path:
        configured = getattr(self.env.config, "external_toc_path", None)
        path = Path(configured) if configured else Path("_toc.yml")
        return path if path.is_absolute() else self.root / path

    def parts(self) -> list[Part]:
        path = self.toc_path()
        self.env.note_dependency(str(path))
        return toc_parts(path)

    def learning(self, page: str) -> pages.Learning | None:
        """The page's checked block, or None when it has none yet; raises for a bad block or unknown page."""
        path = pages.page_path(page, self.root)
        self.env.note_dependency(str(path))
        if not has_learning_block(page, self.root):
            return None
        return pages.learning(page, self.root)


def _doc_link(page: str, docname: str):
    """A link to another page, titled with that page's own title (Sphinx's :doc: role without text)."""
    node = pending_xref(
        "", refdomain="std", reftype="doc", reftarget="/" + page, refexplicit=False, refwarn=True, refdoc=docname
    )
    node += nodes.inline("", "", classes=["xref", "std", "std-doc"])
    return node


class ChapterTable(SphinxDirective):
    """Render a table of pages with their time to learn, objectives and prerequisites."""

    has_content = False
    option_spec = {
        "pages": directives.unchanged_required,
        "columns": directives.unchanged_required,
    }

    def run(self):
        reader = _Reader(self.env)
        columns = self.options.get("columns", "page time objectives prerequisites").split()
        unknown = [c for c in columns if c not in COLUMNS]
        if unknown or "page" not in columns:
            raise self.error(
                f"chapter-table: :columns: must include 'page' and use only {sorted(COLUMNS)}, got {columns}"
            )
        try:
            if "pages" in self.options:
                return self._pages_table(reader, self.options["pages"].split(), columns)
            return self._all_parts(reader, columns)
        except (pages.PageMetadataError, FileNotFoundError) as exc:
            raise self.error(f"chapter-table: {exc}") from exc

    def _all_parts(self, reader: _Reader, columns: list[str]) -> list[nodes.Node]:
        result: list[nodes.Node] = []
        for part in reader.parts():
            rows = [(page, info) for page in part.pages if (info := reader.learning(page)) is not None]
            if not rows:
                continue  # a part with no described pages (the reference part: glossary, references)
            total = sum(info.time for _, info in rows)
            heading = nodes.rubric(text=f"{part.caption}: {format_minutes(total)}", classes=["chapter-table-part"])
            result += [heading, self._table(rows, columns, total=None)]
        return result

    def _pages_table(self, reader: _Reader, names: list[str], columns: list[str]) -> list[nodes.Node]:
        rows = [(page, reader.learning(page)) for page in names]
        total = sum(info.time for _, info in rows if info is not None)
        return [self._table(rows, columns, total=total)]

    def _table(self, rows, columns: list[str], total: int | None) -> nodes.table:
        table = nodes.table(classes=["chapter-table"])
        widths = {"page": 25, "time": 12, "objectives": 43, "prerequisites": 20}
        group = nodes.tgroup(cols=len(columns))
        table += group
        for column in columns:
            group += nodes.colspec(colwidth=widths[column])
        head = nodes.thead()
        head += self._row([nodes.paragraph(text=COLUMNS[c]) for c in columns])
        group += head
        body = nodes.tbody()
        for page, info in rows:
            body += self._row([self._cell(column, page, info) for column in columns])
        if total is not None:
            cells = [nodes.paragraph() for _ in columns]
            cells[0] += nodes.strong(text="In all")
            if "time" in columns:
                cells[columns.index("time")] += nodes.strong(text=format_minutes(total))
            body += self._row(cells)
        group += body
        return table

    @staticmethod
    def _row(cells) -> nodes.row:
        row = nodes.row()
        for content in cells:
            entry = nodes.entry()
            entry += content
            row += entry
        return row

    def _cell(self, column: str, page: str, info: pages.Learning | None) -> nodes.Node:
        if column == "page":
            para = nodes.paragraph()
            para += _doc_link(page, self.env.docname)
            if pages.page_path(page, Path(self.env.srcdir)).suffix == ".ipynb":
                para += nodes.Text(" ")
                para += nodes.emphasis(text="notebook")
            return para
        if info is None:
            return nodes.paragraph(text="not given yet")
        if column == "time":
            return nodes.paragraph(text=f"{info.time} min")
        if column == "objectives":
            items = nodes.bullet_list()
            for objective in info.objectives:
                item = nodes.list_item()
                item += nodes.paragraph(text=objective)
                items += item
            return items
        para = nodes.paragraph()
        if not info.prerequisites:
            para += nodes.Text("none")
        for i, prerequisite in enumerate(info.prerequisites):
            if i:
                para += nodes.Text("; ")
            if pages.is_page(prerequisite, Path(self.env.srcdir)):
                para += _doc_link(prerequisite, self.env.docname)
            else:
                para += nodes.Text(prerequisite)
        return para


class LearningTime(SphinxRole):
    """Inline total time to learn of the pages named in the role's text (separated by spaces)."""

    def run(self):
        reader = _Reader(self.env)
        try:
            infos = [reader.learning(page) for page in self.text.split()]
        except (pages.PageMetadataError, FileNotFoundError) as exc:
            message = self.inliner.reporter.error(f"learning-time: {exc}", line=self.lineno)
            return [nodes.problematic(self.rawtext, self.rawtext)], [message]
        total = sum(info.time for info in infos if info is not None)
        return [nodes.inline(self.rawtext, format_minutes(total), classes=["learning-time"])], []


def setup(app):
    app.add_directive("chapter-table", ChapterTable)
    app.add_role("learning-time", LearningTime())
