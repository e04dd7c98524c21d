"""Links from the notebooks to the book that work in JupyterLab as well as in the built book.

Why: a notebook is read in two places. In the book, MyST's ``{doc}`` and ``{ref}`` roles resolve; in
JupyterLab (with jupyterlab-myst) they become links to files that do not exist, so a learner who clicks
"safety chapter" gets nothing. So the notebooks carry plain Markdown links to the book's own address: the
online book (``html.baseurl`` in ``_config.yml``) or, while the course is not published, the local build that
``make book`` serves at :data:`LOCAL_BOOK_URL`. In JupyterLab these open the book in a new browser tab; in the
built book the Sphinx extension ``backcourse.book.sphinxext.booklinks`` turns them back into relative links
(and a link to a page that does not exist stops the build).

``python -m backcourse.book.links`` rewrites the notebooks after ``html.baseurl`` changes; ``--check`` only
reports (the tests run it).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml

from backcourse import REPO_ROOT

#: Where ``make book`` serves the local build (README, Makefile ``serve``).
LOCAL_BOOK_URL = "http://127.0.0.1:8000/"

ROLE = re.compile(r"\{(doc|ref)\}`([^`<]*?)(?:\s*<([^`>]+)>)?`")
LABEL = re.compile(r"^\(([\w-]+)\)=\s*$", re.M)
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.M)
#: A Markdown link to the book: ``[text](URL path.html#anchor)``, URL being any book address.
BOOK_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+?\.html(?:#[\w-]+)?)\)")


def book_url(config_path: Path = REPO_ROOT / "_config.yml") -> str:
    """The book's address with a trailing slash: ``html.baseurl`` when set, else :data:`LOCAL_BOOK_URL`."""
    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    url = ((config.get("html") or {}).get("baseurl") or "").strip()
    if not url:
        return LOCAL_BOOK_URL
    return url if url.endswith("/") else url + "/"


def _source_text(path: Path) -> str:
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        return "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return path.read_text(encoding="utf-8")


def _doc_source(docname: str, root: Path) -> Path:
    for suffix in (".md", ".ipynb"):
        path = root / f"{docname}{suffix}"
        if path.is_file():
            return path
    raise LinkError(f"no page {docname!r} (looked for {docname}.md and {docname}.ipynb)")


class LinkError(ValueError):
    """A role names a page or label that does not exist."""


@dataclass(frozen=True)
class Target:
    docname: str
    anchor: str
    title: str


def page_title(docname: str, root: Path = REPO_ROOT) -> str:
    """The page's first heading, as the book shows it in its menu."""
    match = HEADING.search(re.sub(r"^---\n.*?\n---\n", "", _source_text(_doc_source(docname, root)), flags=re.S))
    if not match:
        raise LinkError(f"page {docname!r} has no heading")
    return match.group(1)


def label_targets(root: Path = REPO_ROOT) -> dict[str, Target]:
    """Every ``(label)=`` in the book's pages, with the page it is on and the heading it names."""
    found: dict[str, Target] = {}
    for path in sorted(list(root.glob("book/**/*.md")) + list(root.glob("notebooks/*.ipynb"))):
        text = _source_text(path)
        docname = path.relative_to(root).with_suffix("").as_posix()
        for match in LABEL.finditer(text):
            heading = HEADING.search(text, match.end())
            found[match.group(1)] = Target(docname, match.group(1), heading.group(1) if heading else match.group(1))
    return found


def resolve(role: str, text: str, target: str | None, notebook_dir: str, root: Path = REPO_ROOT,
            labels: dict[str, Target] | None = None) -> Target:
    """What a ``{doc}`` or ``{ref}`` role in a notebook in ``notebook_dir`` points at."""
    if role == "ref":
        label = (target or text).strip()
        labels = label_targets(root) if labels is None else labels
        if label not in labels:
            raise LinkError(f"no label {label!r} in the book")
        found = labels[label]
        return Target(found.docname, found.anchor, text.strip() if target else found.title)
    name = (target or text).strip()
    docname = PurePosixPath(notebook_dir, name).as_posix()
    parts: list[str] = []
    for part in docname.split("/"):
        if part == "..":
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    docname = "/".join(parts)
    _doc_source(docname, root)
    return Target(docname, "", text.strip() if target else page_title(docname, root))


def link_markdown(target: Target, url: str) -> str:
    anchor = f"#{target.anchor}" if target.anchor else ""
    return f"[{target.title}]({url}{target.docname}.html{anchor})"


def rewrite_markdown(text: str, url: str, notebook_dir: str = "notebooks", root: Path = REPO_ROOT,
                     labels: dict[str, Target] | None = None) -> str:
    """Replace ``{doc}``/``{ref}`` roles with links to ``url``, and move links at another book address there."""
    labels = label_targets(root) if labels is None else labels

    def role(match: re.Match) -> str:
        return link_markdown(resolve(match.group(1), match.group(2), match.group(3), notebook_dir, root, labels), url)

    def moved(match: re.Match) -> str:
        text, href = match.groups()
        path = href.split("/", 3)[3] if href.count("/") >= 3 else ""
        for base in {LOCAL_BOOK_URL, url}:
            if href.startswith(base):
                path = href[len(base):]
        return f"[{text}]({url}{path})" if _is_book_path(path, root) else match.group(0)

    return BOOK_LINK.sub(moved, ROLE.sub(role, text))


def _is_book_path(path: str, root: Path) -> bool:
    page = path.split("#", 1)[0]
    return page.endswith(".html") and any((root / page).with_suffix(s).is_file() for s in (".md", ".ipynb"))


def rewrite_notebook(path: Path, url: str, root: Path = REPO_ROOT) -> bool:
    """Rewrite one notebook's Markdown cells in place; True when anything changed."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    labels = label_targets(root)
    folder = path.parent.relative_to(root).as_posix()
    changed = False
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        old = "".join(cell["source"])
        new = rewrite_markdown(old, url, folder, root, labels)
        if new != old:
            cell["source"] = new.splitlines(keepends=True)
            changed = True
    if changed:
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return changed


def stale_notebooks(url: str, root: Path = REPO_ROOT) -> list[str]:
    """Notebooks whose Markdown still has roles, or book links at another address."""
    labels = label_targets(root)
    stale = []
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        text = _source_text(path)
        if rewrite_markdown(text, url, "notebooks", root, labels) != text:
            stale.append(path.relative_to(root).as_posix())
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report notebooks that need rewriting")
    args = parser.parse_args(argv)
    url = book_url()
    if args.check:
        stale = stale_notebooks(url)
        for name in stale:
            print(f"{name}: links to the book are not at {url} (run python -m backcourse.book.links)")
        return 1 if stale else 0
    for path in sorted((REPO_ROOT / "notebooks").glob("*.ipynb")):
        if rewrite_notebook(path, url):
            print(f"rewrote the book links in {path.relative_to(REPO_ROOT)} -> {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
