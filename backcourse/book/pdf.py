"""The whole course as one PDF booklet, printed from the built book by Chromium (``make pdf``).

Why Chromium: the book's pages already have a print layout (book/_static/course.css: no buttons, no code, every
week of a routine on its own page), so the booklet is what a reader gets from the Print button, page after page,
with nothing to keep in step with a second (LaTeX) layout. Each page of _toc.yml is printed by Playwright's
``page.pdf`` (tagged, so screen readers get headings and reading order; with Chromium's own outline of the
page's headings), then pypdf joins them: one bookmark per page (its headings below it), and links between
pages become links inside the PDF. Links to other sites stay links. The landing page gets a link to the PDF.

    python -m backcourse.book.pdf                     # _build/html -> _build/html/moving-again.pdf
    python -m backcourse.book.pdf --html DIR --out FILE
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import re
import shutil
import sys
import threading
from io import BytesIO
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[2]
PDF_NAME = "moving-again.pdf"
LINK_MARK = 'class="course-pdf"'


def toc_pages(root: Path = ROOT) -> list[str]:
    """The pages of _toc.yml in reading order, as paths inside _build/html."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [re.sub(r"\.(md|ipynb|rst)$", "", f) + ".html" for f in files]


def find_chromium() -> str | None:
    """$BACKCOURSE_CHROMIUM, else Debian's /usr/bin/chromium, else `chromium` on PATH."""
    configured = os.environ.get("BACKCOURSE_CHROMIUM")
    for candidate in [configured] if configured else ["/usr/bin/chromium", shutil.which("chromium") or ""]:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def print_pages(html: Path, pages: list[str], chromium: str) -> tuple[list[tuple[str, str, bytes]], str]:
    """(page, title, PDF bytes) of each page, printed by Chromium from a local server (no other host), and
    the server's address (links to it are links between pages)."""
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(html)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    printed = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, headless=True,
                args=["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--export-tagged-pdf"],
            )
            context = browser.new_context(viewport={"width": 1024, "height": 900})
            for page in pages:
                tab = context.new_page()
                tab.goto(base + page, wait_until="load")
                tab.wait_for_load_state("networkidle")
                # What the Print button does first: open every folded part (reader.js listens for this).
                tab.evaluate("window.dispatchEvent(new Event('beforeprint'))")
                title = tab.evaluate("(document.querySelector('article h1') || {}).textContent || document.title")
                pdf = tab.pdf(format="A4", print_background=True, tagged=True, outline=True,
                              margin={"top": "15mm", "bottom": "15mm", "left": "14mm", "right": "14mm"},
                              display_header_footer=True, header_template="<span></span>",
                              footer_template='<div style="font-size:8px;width:100%;text-align:center">'
                                              '<span class="pageNumber"></span></div>')
                printed.append((page, title.replace("#", "").strip(), pdf))
                tab.close()
            browser.close()
    finally:
        server.shutdown()
    return printed, base


def merge(printed: list[tuple[str, str, bytes]], base: str, title: str) -> bytes:
    """One PDF: the pages in order, a bookmark per page, links between pages pointing inside the PDF."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NullObject

    writer = PdfWriter()
    starts: dict[str, int] = {}
    for page, page_title, pdf in printed:
        starts[page] = len(writer.pages)
        writer.append(PdfReader(BytesIO(pdf)), outline_item=page_title or page)
    writer.add_metadata({"/Title": title, "/Creator": "backcourse.book.pdf (Chromium + pypdf)"})
    writer.page_mode = "/UseOutlines"
    for page_obj in writer.pages:
        for ref in page_obj.get("/Annots", []) or []:
            annot = ref.get_object()
            action = annot.get("/A")
            uri = action.get_object().get("/URI") if action is not None else None
            if not isinstance(uri, str) or not uri.startswith(base):
                continue
            target = urlsplit(urldefrag(uri)[0]).path.lstrip("/")
            if target in starts:
                dest = ArrayObject([writer.pages[starts[target]].indirect_reference, NameObject("/XYZ"),
                                    NullObject(), NullObject(), NullObject()])
                annot[NameObject("/A")] = DictionaryObject({NameObject("/S"): NameObject("/GoTo"),
                                                           NameObject("/D"): dest})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def link_from_landing(html: Path, pdf: Path, pages: int, landing: str) -> None:
    """Put a link to the PDF under the landing page's first paragraph (once)."""
    page = html / landing
    text = page.read_text(encoding="utf-8")
    if LINK_MARK in text:
        text = re.sub(r'<p class="course-pdf">.*?</p>\n', "", text, flags=re.S)
    relative = os.path.relpath(pdf, page.parent).replace(os.sep, "/")
    size = pdf.stat().st_size / 1024 / 1024
    link = (f'<p class="course-pdf"><a href="{relative}">The whole course as one PDF booklet</a> '
            f"({pages} pages, {size:.1f} MB), to print or read offline.</p>\n")
    end = text.find("</p>", text.find("<h1"))
    if end != -1:
        page.write_text(text[: end + 4] + "\n" + link + text[end + 4:], encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--out", type=Path, default=None, help=f"default: HTML/{PDF_NAME}")
    args = parser.parse_args(argv)
    pages = toc_pages()
    if not all((args.html / page).is_file() for page in pages):
        print(f"No complete built book in {args.html}: run `make build` first.", file=sys.stderr)
        return 2
    chromium = find_chromium()
    if chromium is None:
        print("Chromium not found: install Debian's chromium (make browser) or set BACKCOURSE_CHROMIUM.",
              file=sys.stderr)
        return 2
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    printed, base = print_pages(args.html, pages, chromium)
    out = args.out or args.html / PDF_NAME
    out.write_bytes(merge(printed, base, config.get("title", "")))
    from pypdf import PdfReader

    count = len(PdfReader(out).pages)
    link_from_landing(args.html, out, count, pages[0])
    print(f"{out}: {count} pages from {len(pages)} book pages, {out.stat().st_size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
