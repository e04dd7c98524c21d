"""The whole course as one PDF booklet, printed from the built book by Chromium (``make pdf``).

Why Chromium: the book's pages already have a print layout (book/_static/course.css: no buttons, no code, every
week of a routine on its own page), so the booklet is what a reader gets from the Print button, page after page,
with nothing to keep in step with a second (LaTeX) layout. The pages of _toc.yml are gathered into one document
(each on new paper) and printed once by Playwright's ``page.pdf``: tagged, so screen readers get headings, lists,
figures and reading order; with an outline (a bookmark per page, its sections below it); links between pages are
links inside the PDF, links to other sites stay links. The landing page gets a link to the PDF.

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


class _Server(http.server.ThreadingHTTPServer):
    """The local server Chromium prints from; a request the browser drops when it leaves a page is not an error."""

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


#: Run in each page of the book: what the Print button shows, as one section of the booklet. Ids are prefixed
#: with the page's slug (every page has its own "overview" and "references"), links between the book's pages
#: become links inside the booklet, links to other files of the built site go to the published book (or are
#: dropped when it has no address), and image addresses are made absolute.
_PAGE_SECTION_JS = r"""
({slug, slugs, online}) => {
  window.dispatchEvent(new Event('beforeprint'));  // what the Print button does first: open every folded part
  const article = document.querySelector('article.bd-article') || document.querySelector('main');
  const clone = article.cloneNode(true);
  clone.querySelectorAll('.headerlink, script, .course-print, .course-pdf, .exercise-jump, .exercise-back').forEach((e) => e.remove());
  const local = (id) => `${slug}--${id}`;
  const html = (el) => !el.closest('svg');
  clone.querySelectorAll('[id]').forEach((el) => { if (html(el)) el.id = local(el.id); });
  for (const attr of ['aria-labelledby', 'aria-describedby', 'aria-controls', 'for', 'headers']) {
    clone.querySelectorAll(`[${attr}]`).forEach((el) => {
      if (html(el)) el.setAttribute(attr, el.getAttribute(attr).split(/\s+/).filter(Boolean).map(local).join(' '));
    });
  }
  clone.querySelectorAll('img').forEach((img) => { img.setAttribute('src', img.src); img.loading = 'eager'; });
  clone.querySelectorAll('source[srcset]').forEach((s) => {
    s.setAttribute('srcset', new URL(s.getAttribute('srcset').trim().split(/\s+/)[0], document.baseURI).href);
  });
  clone.querySelectorAll('a[href]').forEach((a) => {
    let url;
    try { url = new URL(a.getAttribute('href'), document.baseURI); } catch (e) { return; }
    if (url.origin !== location.origin) return;  // another site: stays a link
    const path = url.pathname.replace(/^\//, '');
    const target = slugs[path];
    const id = decodeURIComponent(url.hash.slice(1));
    if (target !== undefined) a.setAttribute('href', '#' + (id ? `${target}--${id}` : target));
    else if (online) a.setAttribute('href', online + path + url.hash);
    else a.removeAttribute('href');
  });
  const styles = Array.from(document.querySelectorAll('head style')).map((s) => s.textContent);
  const sheets = Array.from(document.querySelectorAll('link[rel="stylesheet"]')).map((l) => l.href);
  return {html: clone.innerHTML, styles, sheets};
}
"""

#: Run once in the first page: its body becomes the whole booklet, each book page a section on new paper.
_ASSEMBLE_JS = r"""
async ({sections, title}) => {
  const have = new Set(Array.from(document.querySelectorAll('link[rel="stylesheet"]')).map((l) => l.href));
  const styles = new Set(Array.from(document.querySelectorAll('head style')).map((s) => s.textContent));
  for (const section of sections) {
    for (const href of section.sheets) if (!have.has(href)) {
      const link = document.createElement('link');
      link.rel = 'stylesheet'; link.href = href; document.head.appendChild(link); have.add(href);
    }
    for (const text of section.styles) if (!styles.has(text)) {
      const style = document.createElement('style');
      style.textContent = text; document.head.appendChild(style); styles.add(text);
    }
  }
  const page = document.createElement('style');
  // Each page's own title prints (the theme hides an article's first h1 on paper and prints the document's title
  // above it instead, which here would be the landing page's alone).
  page.textContent = '.course-booklet-page + .course-booklet-page { break-before: page; }\n'
    + '@media print { .bd-main .bd-content .bd-article .course-booklet-page h1:first-of-type { display: block; }\n'
    + '  #jb-print-docs-body { display: none !important; } }';
  document.head.appendChild(page);
  const article = document.querySelector('article.bd-article') || document.querySelector('main');
  article.innerHTML = sections.map((s) => `<section class="course-booklet-page" id="${s.slug}">${s.html}</section>`)
    .join('\n');
  document.title = title;
  await Promise.all(Array.from(document.images).map((img) => img.complete ? null
    : new Promise((done) => { img.addEventListener('load', done); img.addEventListener('error', done); })));
  await document.fonts.ready;
}
"""


#: The printed headings' words in document order: Chromium's outline takes them from the laid-out lines, so a
#: heading that wraps can lose the space at the break or repeat itself.
_HEADINGS_JS = r"""
() => Array.from(document.querySelectorAll('article h1, article h2, article h3, article h4, article h5, article h6'))
  .filter((h) => getComputedStyle(h).display !== 'none' && h.getClientRects().length > 0)
  .map((h) => h.textContent.replace(/\s+/g, ' ').trim())
"""


def retitle_outline(pdf: bytes, headings: list[str]) -> bytes:
    """The PDF with its bookmarks named by the headings' own words (only if they are the same headings, in order).

    Everything else, the structure tags included, is copied unchanged.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(BytesIO(pdf)))
    items = []

    def walk(node):
        while node is not None:
            node = node.get_object()
            items.append(node)
            if "/First" in node:
                walk(node["/First"])
            node = node.get("/Next")

    outlines = writer.root_object.get("/Outlines")
    if outlines is not None and "/First" in outlines.get_object():
        walk(outlines.get_object()["/First"])
    if len(items) != len(headings):
        print(f"  outline kept as Chromium wrote it: {len(items)} bookmarks, {len(headings)} headings",
              file=sys.stderr)
        return pdf
    for item, words in zip(items, headings):
        item[NameObject("/Title")] = TextStringObject(words)
    writer.page_mode = "/UseOutlines"  # a reader opens the booklet with its bookmarks showing
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def slug_for(page: str) -> str:
    """The id of a book page's section in the booklet: ``book/safety.html`` -> ``book-safety``."""
    return re.sub(r"[^A-Za-z0-9]+", "-", re.sub(r"\.html$", "", page)).strip("-")


def print_booklet(browser, html: Path, pages: list[str], title: str, online: str = "") -> bytes:
    """The pages as one tagged PDF, printed by ``browser`` (a Playwright Chromium) from a local server.

    One document rather than one PDF per page joined afterwards: Chromium then writes the structure tags (headings,
    lists, figures with their alt text, reading order), an outline of the headings (a bookmark per page, its
    sections below it) and links between pages itself; joining separate PDFs keeps none of the tags.
    """
    server = _Server(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(html)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    slugs = {page: slug_for(page) for page in pages}
    context = browser.new_context(viewport={"width": 1024, "height": 900})
    try:
        tab = context.new_page()
        sections = []
        for number, page in enumerate(pages, 1):
            tab.goto(base + page, wait_until="load")
            tab.wait_for_load_state("networkidle")
            section = tab.evaluate(_PAGE_SECTION_JS, {"slug": slugs[page], "slugs": slugs, "online": online})
            sections.append({"slug": slugs[page], **section})
            print(f"  {number:2d}/{len(pages)} {page}", file=sys.stderr, flush=True)
        tab.goto(base + pages[0], wait_until="load")
        tab.evaluate(_ASSEMBLE_JS, {"sections": sections, "title": title})
        tab.wait_for_load_state("networkidle")
        tab.emulate_media(media="print")
        headings = tab.evaluate(_HEADINGS_JS)
        print("  printing…", file=sys.stderr, flush=True)
        pdf = tab.pdf(format="A4", print_background=True, tagged=True, outline=True,
                       margin={"top": "15mm", "bottom": "15mm", "left": "14mm", "right": "14mm"},
                       display_header_footer=True, header_template="<span></span>",
                       footer_template='<div style="font-size:8px;width:100%;text-align:center">'
                                       '<span class="pageNumber"></span></div>')
        return retitle_outline(pdf, headings)
    finally:
        context.close()
        server.shutdown()


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
    online = ((config.get("html") or {}).get("baseurl") or "").strip()
    if online and not online.endswith("/"):
        online += "/"
    from playwright.sync_api import sync_playwright

    print(f"Printing {len(pages)} pages of {args.html} into one PDF with {chromium}:", file=sys.stderr)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True,
            args=["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
        )
        try:
            pdf = print_booklet(browser, args.html, pages, config.get("title", ""), online)
        finally:
            browser.close()
    out = args.out or args.html / PDF_NAME
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(pdf)
    os.replace(tmp, out)
    from pypdf import PdfReader

    count = len(PdfReader(out).pages)
    link_from_landing(args.html, out, count, pages[0])
    print(f"{out}: {count} pages from {len(pages)} book pages, {out.stat().st_size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
