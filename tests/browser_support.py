"""Support for the browser tests and the page benchmark: serve the built book on 127.0.0.1, drive Debian's
Chromium through Playwright, and record what one page does in one viewport (requests, console, DOM facts,
an axe-core scan), so each page is opened once per width and every check reads the same record.

Nothing here downloads anything: Playwright drives the system Chromium (never `playwright install`), axe-core
is the copy inside the axe-playwright-python package, and Chromium sends every request for another host to a
dead proxy on 127.0.0.1 (so nothing leaves the machine); the page's record still lists each such request and
the tests count it as a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent

# Flags for a quiet, offline Chromium: no sandbox (containers), no GPU, no background calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTHS = {"phone": 375, "desktop": 1280}
VIEWPORT_HEIGHT = 900
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = ("serious", "critical")
# Folders of the HTML output that hold assets, not pages.
NOT_PAGES = ("_static", "_images", "_sources", "reports", "_sphinx_design_static", "__fixtures__")
# Alt texts that say nothing about the picture.
GENERIC_ALT = {
    "image", "img", "picture", "photo", "figure", "graphic", "icon", "chart", "plot", "graph", "diagram",
    "drawing", "png", "svg", "jpg", "untitled", "alt", "placeholder", "output", "none", "null", "undefined",
}
FILE_NAME = re.compile(r"^[\w\-. /]+\.(png|jpe?g|gif|svg|webp|avif|bmp)$", re.IGNORECASE)


# --- Which browser ----------------------------------------------------------------------------------------------

def find_chromium() -> str | None:
    """The Chromium to drive: $BACKCOURSE_CHROMIUM, else Debian's /usr/bin/chromium, else `chromium` on PATH."""
    configured = os.environ.get("BACKCOURSE_CHROMIUM")
    candidates = [configured] if configured else ["/usr/bin/chromium", shutil.which("chromium") or ""]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def missing_chromium_message() -> str:
    where = os.environ.get("BACKCOURSE_CHROMIUM") or "/usr/bin/chromium"
    ci = " (running in CI: .ci/run installs it through `make test`)" if os.environ.get("CI") else ""
    return (
        f"Chromium not found at {where}{ci}. The browser tests need Debian's chromium: run `make browser` "
        "(apt-get install chromium) or set BACKCOURSE_CHROMIUM=/path/to/chromium. They never skip."
    )


# Nothing leaves the machine: every host but 127.0.0.1 goes through a proxy at 127.0.0.1:9, where nothing listens
# (the request fails at once, IP literals and websockets included), and no other name resolves. Cheaper than
# intercepting each request in Playwright, which doubled page load times.
DEAD_PROXY = {"server": "http://127.0.0.1:9", "bypass": "127.0.0.1"}
OFFLINE_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


def launch_chromium(playwright, executable: str):
    """One headless, offline Chromium for the whole session (contexts per width are cheap; browsers are not)."""
    return playwright.chromium.launch(
        executable_path=executable, args=CHROMIUM_ARGS + OFFLINE_ARGS, proxy=DEAD_PROXY, headless=True
    )


# --- Which pages ------------------------------------------------------------------------------------------------

def toc_pages(root: Path = ROOT) -> list[str]:
    """Every page in _toc.yml as a path inside _build/html, in reading order, plus Sphinx's search and index."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files: list[str] = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    pages = [re.sub(r"\.(md|ipynb|rst)$", "", f) + ".html" for f in files]
    return pages + ["search.html", "genindex.html"]


def built_pages(html: Path) -> list[str]:
    """Every page the build wrote (HTML outside the asset folders), relative to the HTML root."""
    return sorted(
        p.relative_to(html).as_posix()
        for p in html.rglob("*.html")
        if p.relative_to(html).parts[0] not in NOT_PAGES
    )


# --- The local web server ---------------------------------------------------------------------------------------

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the book; paths under /__fixtures__/ come from the test's own folder (synthetic pages)."""

    fixtures: Path | None = None

    def translate_path(self, path: str) -> str:
        clean = unquote(urlsplit(path).path)
        if self.fixtures is not None and clean.startswith("/__fixtures__/"):
            return str(self.fixtures / clean.removeprefix("/__fixtures__/"))
        return super().translate_path(path)

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


class BookServer:
    """A threaded HTTP server for `html` on 127.0.0.1 and a free port, started and stopped by its owner."""

    def __init__(self, html: Path, fixtures: Path | None = None):
        handler = type("Handler", (_QuietHandler,), {"fixtures": fixtures})
        self.httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler, directory=str(html))
        )
        self.httpd.daemon_threads = True
        self.html = html
        self.fixtures = fixtures
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> BookServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about", "javascript", "mailto"):
            return True
        return parts.hostname == "127.0.0.1"

    def file_for(self, url: str) -> Path | None:
        """The file a same-origin URL maps to (None for other hosts)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}/" != self.base:
            return None
        path = unquote(parts.path).lstrip("/")
        if path.startswith("__fixtures__/") and self.fixtures is not None:
            target = self.fixtures / path.removeprefix("__fixtures__/")
        else:
            target = self.html / path
        if path == "" or path.endswith("/"):
            target = target / "index.html"
        return target


# --- What one page does in one viewport ------------------------------------------------------------------------

# Runs in the page after load: the facts the checks need, gathered in one round trip.
DOM_PROBE = r"""
() => {
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    const cls = (el.getAttribute('class') || '').trim().split(/\s+/).filter(Boolean).slice(0, 3);
    if (cls.length) s += '.' + cls.join('.');
    return s;
  };
  const path = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) parts.unshift(describe(e));
    return parts.join(' > ');
  };
  const hidden = (el) => !!el.closest('[aria-hidden="true"]');
  // The file a reader sees: a lazy image below the fold has no currentSrc yet, so pick the <source> the browser
  // will choose (first whose media matches) rather than the <img> fallback.
  const shownSrc = (img) => {
    if (img.currentSrc) return img.currentSrc;
    const picture = img.parentElement && img.parentElement.tagName === 'PICTURE' ? img.parentElement : null;
    const source = picture && Array.from(picture.querySelectorAll('source'))
      .find((s) => !s.media || window.matchMedia(s.media).matches);
    return source ? new URL(source.getAttribute('srcset').trim().split(/\s+/)[0], document.baseURI).href : img.src;
  };
  const article = document.querySelector('main') || document.body;
  const doc = document.documentElement;
  const cw = doc.clientWidth;
  let overflowing = [];
  if (doc.scrollWidth > cw + 1) {
    // An element widens the page unless a scrolling/clipping box or a fixed-position layer holds it.
    const clips = (el) => {
      for (let e = el; e && e !== document.body; e = e.parentElement) {
        const style = getComputedStyle(e);
        if (style.position === 'fixed') return true;
        if (e !== el && style.overflowX !== 'visible') return true;
      }
      return false;
    };
    const wide = Array.from(document.body.querySelectorAll('*')).filter((el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.right > cw + 1 && !clips(el);
    });
    overflowing = wide.filter((el) => !wide.some((o) => o !== el && el.contains(o)))
      .slice(0, 8).map((el) => `${path(el)} (right edge ${Math.round(el.getBoundingClientRect().right)} px)`);
  }
  const svgName = (svg) => {
    if (svg.getAttribute('aria-label')) return svg.getAttribute('aria-label');
    const ids = (svg.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
    const byIds = ids.map((id) => (document.getElementById(id) || {}).textContent || '').join(' ').trim();
    if (byIds) return byIds;
    const title = svg.querySelector(':scope > title');
    return title ? title.textContent.trim() : '';
  };
  const views = Array.from(document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]'));
  return {
    title: document.title,
    lang: doc.getAttribute('lang'),
    scrollWidth: doc.scrollWidth,
    clientWidth: cw,
    overflowing,
    links: Array.from(document.querySelectorAll('a[href]')).map((a) => ({
      href: a.href, raw: a.getAttribute('href'), where: path(a),
    })),
    images: Array.from(document.querySelectorAll('img')).map((img) => ({
      src: img.currentSrc || img.src, alt: img.getAttribute('alt'), complete: img.complete,
      naturalWidth: img.naturalWidth, hidden: hidden(img), where: path(img),
      role: img.getAttribute('role'),
    })),
    svgs: Array.from(article.querySelectorAll('svg')).map((svg) => ({
      role: svg.getAttribute('role'), name: svgName(svg), hidden: hidden(svg),
      inControl: !!svg.parentElement.closest('a, button, label, summary'), where: path(svg),
    })),
    svgImages: Array.from(article.querySelectorAll('img')).filter((img) => /\.svg($|[?#])/.test(shownSrc(img)))
      .filter((img) => !hidden(img)).map((img) => [shownSrc(img), img.getBoundingClientRect().width]),
    ids: Array.from(document.querySelectorAll('[id], a[name]')).map((e) => e.id || e.getAttribute('name')),
    widgets: {
      stateScripts: document.querySelectorAll('script[type="application/vnd.jupyter.widget-state+json"]').length,
      views: views.map((v) => {
        const prev = v.previousElementSibling;
        let model = '';
        try { model = JSON.parse(v.textContent).model_id; } catch (e) { model = 'unreadable view JSON'; }
        return { model, rendered: !!(prev && prev.classList.contains('widget-subarea') && prev.childElementCount > 0),
                 where: path(v) };
      }),
      errors: Array.from(document.querySelectorAll('.jupyter-widgets-error-widget')).map(path),
      emptySubareas: Array.from(document.querySelectorAll('.widget-subarea'))
        .filter((e) => e.childElementCount === 0).map(path),
    },
  };
}
"""

# True once every widget view that can render has rendered (or there is nothing to render).
WIDGETS_SETTLED = r"""
() => {
  const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]');
  if (!views.length) return true;
  if (!document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]')) return true;
  return Array.from(views).every((v) => {
    const prev = v.previousElementSibling;
    return prev && prev.classList.contains('widget-subarea') && prev.childElementCount > 0;
  });
}
"""


@dataclass
class Visit:
    """What happened when one page was opened in one viewport width."""

    page: str
    width: int
    url: str
    status: int | None = None
    load_ms: float = 0.0
    requests: list[str] = field(default_factory=list)
    other_hosts: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dom: dict = field(default_factory=dict)
    axe_violations: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Inflight:
    """Counts a tab's unfinished requests and when the last one started or ended."""

    def __init__(self):
        self.count = 0
        self.last = time.perf_counter()

    def watch(self, tab) -> None:
        tab.on("request", self._start)
        tab.on("requestfinished", self._end)
        tab.on("requestfailed", self._end)

    def _start(self, request) -> None:
        self.count += 1
        self.last = time.perf_counter()

    def _end(self, request) -> None:
        self.count -= 1
        self.last = time.perf_counter()


def wait_until_quiet(tab, inflight: Inflight, quiet_s: float = 0.2, limit_s: float = 10.0) -> bool:
    """Wait until no request has run for `quiet_s` (Playwright's "networkidle" waits a fixed 0.5 s)."""
    deadline = time.perf_counter() + limit_s
    while time.perf_counter() < deadline:
        if inflight.count <= 0 and time.perf_counter() - inflight.last >= quiet_s:
            return True
        tab.wait_for_timeout(50)
    return False


def open_page(context, server: BookServer, page_path: str, width: int, run_axe: bool = True) -> Visit:
    """Open one page in a fresh tab of `context`, wait until it is quiet, and record everything."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    url = server.base + page_path
    visit = Visit(page=page_path, width=width, url=url)
    tab = context.new_page()

    def on_request(request):
        visit.requests.append(request.url)
        if not server.is_local(request.url):
            visit.other_hosts.append(request.url)

    def on_failed(request):
        if server.is_local(request.url):
            visit.failed_requests.append(f"{request.url}: {request.failure}")

    def on_response(response):
        if response.status >= 400:
            referer = response.request.headers.get("referer")
            visit.bad_responses.append(f"HTTP {response.status} {response.url}" + (f" (from {referer})" if referer else ""))

    def on_console(message):
        if message.type == "error":
            loc = message.location or {}
            visit.console_errors.append(f"{message.text} ({loc.get('url', '?')}:{loc.get('lineNumber', '?')})")

    inflight = Inflight()
    inflight.watch(tab)
    tab.on("request", on_request)
    tab.on("requestfailed", on_failed)
    tab.on("response", on_response)
    tab.on("console", on_console)
    tab.on("pageerror", lambda error: visit.page_errors.append(str(error)))
    tab.on("websocket", lambda ws: None if server.is_local(ws.url) else visit.other_hosts.append(ws.url))
    try:
        start = time.perf_counter()
        response = tab.goto(url, wait_until="load")
        visit.load_ms = (time.perf_counter() - start) * 1000
        visit.status = response.status if response else None
        if not wait_until_quiet(tab, inflight):
            visit.notes.append("requests still running 10 s after load")
        try:
            tab.wait_for_function(WIDGETS_SETTLED, timeout=10_000)
        except PlaywrightTimeout:
            visit.notes.append("widget views still unrendered after 10 s")
        visit.dom = tab.evaluate(DOM_PROBE)
        if run_axe:
            visit.axe_violations = axe_scan(tab)
    finally:
        tab.close()
    return visit


def axe_scan(tab) -> list[dict]:
    """Serious and critical WCAG 2.1 A/AA violations, summarised (axe-core from the installed package)."""
    from axe_playwright_python.sync_playwright import Axe

    # preload off: axe would re-fetch stylesheets itself and resolve their @imports against the page (a 404
    # that is the scanner's, not the book's); same-origin CSS is readable from the page without it.
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"], "preload": False}
    results = Axe().run(tab, options=options).response
    found = []
    for violation in results["violations"]:
        if violation.get("impact") not in BLOCKING_IMPACTS:
            continue
        nodes = [
            f"{', '.join(map(str, node.get('target', [])))}: {node.get('html', '')[:160]}"
            for node in violation["nodes"][:5]
        ]
        found.append({
            "id": violation["id"], "impact": violation["impact"], "help": violation["help"],
            "count": len(violation["nodes"]), "nodes": nodes,
        })
    return found


# --- Judging what was recorded ----------------------------------------------------------------------------------

def alt_problem(alt: str | None, src: str) -> str | None:
    """Why an image's alt text fails a reader who cannot see it, or None when it is meaningful."""
    if alt is None:
        return "no alt attribute"
    text = alt.strip()
    if not text:
        return "empty alt text"
    if text.lower().strip(".:") in GENERIC_ALT:
        return f"generic alt text {text!r}"
    name = Path(urlsplit(src).path).name
    if FILE_NAME.match(text) or (name and text == name) or text == src:
        return f"alt text is a file name {text!r}"
    if len(text) < 4:
        return f"alt text too short {text!r}"
    return None


# A URL on another host (scheme-relative included); 127.0.0.1 is the test server.
_OTHER_HOST = r"(?:https?:)?//(?!127\.0\.0\.1[:/])"
_RESOURCE_TAG = re.compile(
    rf"<(?:script|img|iframe|source|audio|video|embed|track|input)\b[^>]*?\s(?:src|srcset|data)=[\"']{_OTHER_HOST}[^\"']*",
    re.IGNORECASE,
)
_LINK_TAG = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_LOADING_REL = re.compile(
    r"rel=[\"'][^\"']*\b(stylesheet|preload|prefetch|preconnect|dns-prefetch|icon|modulepreload|manifest)\b",
    re.IGNORECASE,
)
_CSS_URL = re.compile(rf"(?:url\(\s*[\"']?|@import\s+[\"']){_OTHER_HOST}[^)\"'\s]*", re.IGNORECASE)


def remote_resources_in_html(text: str) -> list[str]:
    """Tags in an HTML file that make the browser fetch from another host (links to read elsewhere are fine)."""
    found = [m.group(0)[:160] for m in _RESOURCE_TAG.finditer(text)]
    for m in _LINK_TAG.finditer(text):
        if _LOADING_REL.search(m.group(0)) and re.search(rf"href=[\"']{_OTHER_HOST}", m.group(0)):
            found.append(m.group(0)[:160])
    return found


def remote_resources_in_css(text: str) -> list[str]:
    """url(...) and @import in a stylesheet that point at another host (comments ignored)."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    return [m.group(0)[:160] for m in _CSS_URL.finditer(text)]


@functools.lru_cache(maxsize=None)
def anchors_in(path: Path) -> frozenset[str]:
    """The ids (and a names) an HTML file defines, for checking #fragments of links into it."""
    text = path.read_text(encoding="utf-8", errors="replace")
    return frozenset(re.findall(r'\s(?:id|name)="([^"]+)"', text))


def link_problems(visit: Visit, server: BookServer) -> list[str]:
    """Internal links and images of a visited page that do not resolve to a file (and #fragment) on disk."""
    problems = []
    page_ids = set(visit.dom.get("ids", []))
    for link in visit.dom.get("links", []):
        href, raw = link["href"], link["raw"] or ""
        if raw.startswith(("mailto:", "javascript:", "tel:")) or not server.is_local(href):
            continue
        target = server.file_for(href)
        if target is None:
            continue
        fragment = unquote(urlsplit(href).fragment)
        same_page = raw.startswith("#")
        if not same_page and not target.is_file():
            problems.append(f"link {raw!r} -> missing file {target.relative_to(server.html.parent)} ({link['where']})")
            continue
        if fragment:
            ids = page_ids if same_page else (anchors_in(target) if target.suffix == ".html" else None)
            if ids is not None and fragment not in ids:
                problems.append(f"link {raw!r} -> no element with id {fragment!r} ({link['where']})")
    for image in visit.dom.get("images", []):
        src = image["src"]
        if not src or src.startswith("data:"):
            continue
        target = server.file_for(src)
        if target is not None and not target.is_file():
            problems.append(f"image {src} -> missing file ({image['where']})")
        elif image["complete"] and image["naturalWidth"] == 0:
            problems.append(f"image {src} does not decode ({image['where']})")
    return problems


def describe_failures(visit: Visit) -> list[str]:
    """Console errors, uncaught exceptions, failed local requests and error responses of one visit."""
    return (
        [f"console error: {m}" for m in visit.console_errors]
        + [f"uncaught exception: {m}" for m in visit.page_errors]
        + [f"failed request: {m}" for m in visit.failed_requests]
        + [f"error response: {m}" for m in visit.bad_responses]
        + [f"note: {m}" for m in visit.notes]
    )


def format_axe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['count']} element(s))")
        lines.extend(f"      {node}" for node in v["nodes"])
    return "\n".join(lines)


# --- Reporting --------------------------------------------------------------------------------------------------

# Filled by the screenshot test; printed at the end of the pytest run.
SCREENSHOTS: dict[str, object] = {"folder": None, "files": []}


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Tell people where the page screenshots are (the browser tests write them for humans to look at)."""
    folder = SCREENSHOTS["folder"]
    if folder:
        terminalreporter.write_sep("-", "browser screenshots")
        terminalreporter.write_line(f"{len(SCREENSHOTS['files'])} screenshots of key pages at 375 and 1280 px: {folder}")


# --- Page weight (shared by tests/test_browser.py and benchmarks/bench_pages.py) ------------------------------

#: What one page may cost a first-time reader: bytes and requests with an empty cache, and the load time.
BUDGET = {"bytes": 1024 * 1024, "widget_bytes": int(1.5 * 1024 * 1024), "requests": 25, "load_ms": 1000}


def cold_load(browser, server: BookServer, page: str, width: int) -> dict:
    """Open `page` once in a new context (an empty cache, as a first-time reader); return what it cost:
    bytes of every same-origin file loaded (HTML included), their count, requests to other hosts, load and
    DOMContentLoaded times (navigation start to the end of the event), the largest file, and whether the page
    shows a live widget view."""
    context = browser.new_context(viewport={"width": width, "height": VIEWPORT_HEIGHT})
    tab = context.new_page()
    files: dict[str, int] = {}
    other_hosts: list[str] = []

    def on_finished(request):
        target = server.file_for(request.url)
        if target is not None and target.is_file():
            files[request.url.split("#")[0]] = target.stat().st_size

    tab.on("requestfinished", on_finished)
    tab.on("request", lambda request: None if server.is_local(request.url) else other_hosts.append(request.url))
    try:
        tab.goto(server.base + page, wait_until="load")
        tab.wait_for_load_state("networkidle")
        timing = tab.evaluate(
            "() => { const n = performance.getEntriesByType('navigation')[0];"
            " return {load: n.loadEventEnd, dcl: n.domContentLoadedEventEnd,"
            " widgets: document.querySelectorAll('script[type=\"application/vnd.jupyter.widget-view+json\"]').length}; }"
        )
    finally:
        context.close()
    return {
        "bytes": sum(files.values()),
        "html": (server.html / page).stat().st_size,
        "requests": len(files),
        "other_hosts": len(other_hosts),
        "load_ms": timing["load"],
        "dcl_ms": timing["dcl"],
        "widget_views": timing["widgets"],
        "largest": max(files.items(), key=lambda kv: kv[1]) if files else ("", 0),
    }


def over_budget(cost: dict, budget: dict = BUDGET) -> list[str]:
    """The ways a page's cost (from cold_load) breaks the budget, in words; empty when within it."""
    limit = budget["widget_bytes"] if cost["widget_views"] else budget["bytes"]
    problems = []
    if cost["bytes"] > limit:
        problems.append(f"{cost['bytes'] / 1024:.0f} KB > {limit / 1024:.0f} KB "
                        f"(largest file {cost['largest'][0].rsplit('/', 1)[-1]}, {cost['largest'][1] / 1024:.0f} KB)")
    if cost["requests"] > budget["requests"]:
        problems.append(f"{cost['requests']} requests > {budget['requests']}")
    if cost["load_ms"] > budget["load_ms"]:
        problems.append(f"load {cost['load_ms']:.0f} ms > {budget['load_ms']} ms")
    return problems


# --- Chart text size -------------------------------------------------------------------------------------------

# matplotlib writes text as glyph paths ("svg.fonttype": "path") at 100 units to the em, scaled per text run.
_GLYPH_SCALE = re.compile(r'<g transform="translate\([^)]*\)\s*scale\(([\d.]+)[ ,]+-?[\d.]+\)"')
_FONT_SIZE = re.compile(r'font-size[=:]\s*"?([\d.]+)(px|pt)?')
_VIEWBOX = re.compile(r'viewBox="[\d.\-]+ [\d.\-]+ ([\d.]+) [\d.]+"')


def svg_font_sizes(svg_text: str) -> tuple[float, list[float]]:
    """(viewBox width, every text size in the file in viewBox units) of an SVG drawn by matplotlib or by hand."""
    match = _VIEWBOX.search(svg_text)
    if match is None:
        return 0.0, []
    sizes = [float(s) * 100 for s in _GLYPH_SCALE.findall(svg_text)]
    sizes += [float(size) for size, _unit in _FONT_SIZE.findall(svg_text)]
    return float(match.group(1)), sizes
