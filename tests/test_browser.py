"""The published book, checked in a real browser (Debian's Chromium driven by Playwright).

Every page is served from a local HTTP server on 127.0.0.1 and opened at phone (375 px) and desktop (1280 px)
width, once each; the tests below read that record. A page passes when it loads with no console error and no
failed request, asks no other host for anything (a privacy feature: requests to other hosts are blocked and
fail the test), its internal links and images resolve, its images carry meaningful alt text, it does not
scroll sideways, axe-core finds no serious or critical WCAG 2.1 A/AA violation, and no widget is left blank.
Screenshots of key pages go to _build/screenshots/ (the path is printed at the end of the run).
"""

from __future__ import annotations

import html
import json
import re
import struct
from pathlib import Path

import pytest
import yaml

from browser_support import (
    ROOT,
    SCREENSHOTS,
    VIEWPORT_HEIGHT,
    WIDTHS,
    BookServer,
    alt_problem,
    built_pages,
    describe_failures,
    find_chromium,
    format_axe,
    launch_chromium,
    link_problems,
    missing_chromium_message,
    open_page,
    toc_pages,
)

pytestmark = [pytest.mark.browser, pytest.mark.build]

PAGES = toc_pages()
PHONE, DESKTOP = WIDTHS["phone"], WIDTHS["desktop"]
# Pages people look at first, screenshotted at both widths.
KEY_PAGES = {
    "landing": "book/intro.html",
    "safety": "book/safety.html",
    "exercise-library": "book/exercise-library.html",
    "notebook-routine": "notebooks/build-your-routine.html",
}
# Search words and the page that must come up for them.
SEARCHES = {"bird dog": "book/exercise-library.html", "red flags": "book/safety.html"}


# --- Fixtures: one server, one browser, one context per width, one visit per page and width ------------------

@pytest.fixture(scope="session")
def chromium() -> str:
    executable = find_chromium()
    if executable is None:
        pytest.fail(missing_chromium_message(), pytrace=False)
    return executable


@pytest.fixture(scope="session")
def fixture_pages(tmp_path_factory) -> Path:
    """A folder for synthetic pages served under /__fixtures__/ (they load the book's vendored scripts)."""
    return tmp_path_factory.mktemp("browser-fixtures")


@pytest.fixture(scope="session")
def site(book, fixture_pages):
    if not (book.html / "book" / "intro.html").is_file():
        pytest.fail(f"the book did not build, nothing to open in a browser: see {book.log_path}", pytrace=False)
    with BookServer(book.html, fixture_pages) as server:
        yield server


@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chrome = launch_chromium(playwright, chromium)
        yield chrome
        chrome.close()


@pytest.fixture(scope="session")
def context_for(browser, site):
    """One browser context per viewport width (the browser itself cannot reach other hosts)."""
    made = {}

    def get(width: int):
        if width not in made:
            context = browser.new_context(
                viewport={"width": width, "height": VIEWPORT_HEIGHT},
                service_workers="block",
                reduced_motion="reduce",
            )
            made[width] = context
        return made[width]

    yield get
    for context in made.values():
        context.close()


@pytest.fixture(scope="session")
def visit(context_for, site):
    """visit(page, width): the record of opening that page at that width (opened once, then cached)."""
    cache = {}

    def get(page: str, width: int):
        if (page, width) not in cache:
            cache[(page, width)] = open_page(context_for(width), site, page, width)
        return cache[(page, width)]

    return get


# --- Every page -----------------------------------------------------------------------------------------------

def test_every_built_page_is_checked(book):
    built = set(built_pages(book.html)) - {"index.html"}
    unchecked = sorted(built - set(PAGES))
    unbuilt = sorted(set(PAGES) - built)
    assert not unchecked and not unbuilt, (
        f"pages built but not in _toc.yml (so not checked here): {unchecked}; pages in _toc.yml not built: {unbuilt}"
    )


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_without_errors(page, visit):
    problems = []
    for width in WIDTHS.values():
        record = visit(page, width)
        if record.status != 200:
            problems.append(f"{width} px: HTTP status {record.status}")
        problems += [f"{width} px: {p}" for p in describe_failures(record)]
    assert not problems, f"{page}:\n" + "\n".join(problems)


@pytest.mark.parametrize("page", PAGES)
def test_page_asks_no_other_host_for_anything(page, visit):
    """Self-contained: no CDN, font service, analytics or embed. Such requests never left the machine; they fail."""
    asked = sorted({url for width in WIDTHS.values() for url in visit(page, width).other_hosts})
    assert not asked, f"{page} requested other hosts (vendor these into book/_static/vendor/):\n" + "\n".join(asked)


@pytest.mark.parametrize("page", PAGES)
def test_internal_links_and_images_resolve(page, visit, site):
    problems = link_problems(visit(page, DESKTOP), site)
    assert not problems, f"{page}:\n" + "\n".join(problems)


@pytest.mark.parametrize("page", PAGES)
def test_images_have_meaningful_alt_text(page, visit):
    record = visit(page, DESKTOP)
    problems = []
    for image in record.dom["images"]:
        why = alt_problem(image["alt"], image["src"])
        if why:
            problems.append(f"<img src={image['src'].rsplit('/', 1)[-1]}>: {why} ({image['where']})")
    for svg in record.dom["svgs"]:
        if svg["hidden"] or svg["inControl"]:
            continue  # decorative (aria-hidden) or named by the link/button around it
        if svg["role"] != "img" or alt_problem(svg["name"], "") is not None:
            problems.append(
                f"inline <svg> needs role=\"img\" and a meaningful aria-label or <title> "
                f"(role={svg['role']!r}, name={svg['name']!r}) ({svg['where']})"
            )
    assert not problems, f"{page}:\n" + "\n".join(problems)


@pytest.mark.parametrize("page", PAGES)
def test_no_sideways_scrolling_on_a_phone(page, visit):
    dom = visit(page, PHONE).dom
    assert dom["scrollWidth"] <= dom["clientWidth"] + 1, (
        f"{page} at {PHONE} px is {dom['scrollWidth']} px wide; elements past the right edge:\n"
        + "\n".join(dom["overflowing"])
    )


@pytest.mark.parametrize("page", PAGES)
def test_fits_a_desktop_screen(page, visit):
    dom = visit(page, DESKTOP).dom
    assert dom["scrollWidth"] <= dom["clientWidth"] + 1, (
        f"{page} at {DESKTOP} px is {dom['scrollWidth']} px wide; elements past the right edge:\n"
        + "\n".join(dom["overflowing"])
    )


@pytest.mark.parametrize("page", PAGES)
def test_accessibility_scan_finds_no_serious_violation(page, visit):
    reports = []
    for width in WIDTHS.values():
        violations = visit(page, width).axe_violations
        if violations:
            reports.append(f"at {width} px:\n{format_axe(violations)}")
    assert not reports, f"axe-core (WCAG 2.1 A/AA, serious or critical) on {page}:\n" + "\n".join(reports)


@pytest.mark.parametrize("page", PAGES)
def test_no_widget_is_blank_or_dead(page, visit):
    """A widget in the static book renders from saved state, or the page shows static output instead."""
    widgets = visit(page, DESKTOP).dom["widgets"]
    dead = [f"view of model {v['model']} did not render ({v['where']})" for v in widgets["views"] if not v["rendered"]]
    if widgets["views"] and not widgets["stateScripts"]:
        dead.insert(0, "widget views but no saved widget state: they can only be blank (tag the cell remove-cell)")
    dead += [f"widget error shown ({where})" for where in widgets["errors"]]
    dead += [f"empty widget area ({where})" for where in widgets["emptySubareas"]]
    assert not dead, f"{page}:\n" + "\n".join(dead)


# --- Whole-site checks --------------------------------------------------------------------------------------

def test_front_door_leads_to_the_course(context_for, site):
    tab = context_for(DESKTOP).new_page()
    try:
        tab.goto(site.base, wait_until="load")
        tab.wait_for_url(re.compile(r"book/intro\.html$"), timeout=10_000)
    finally:
        tab.close()


def test_built_files_link_no_resource_from_another_host(book):
    """Read every built page and stylesheet: no script, style, font, image or preconnect from another host."""
    external = r"(?:https?:)?//(?!127\.0\.0\.1)"
    tag = re.compile(
        rf"<(?:script|img|iframe|source|audio|video|embed|track|input)\b[^>]*?\s(?:src|srcset|data)=[\"']{external}[^\"']*",
        re.IGNORECASE,
    )
    link = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
    loading_rel = re.compile(r"rel=[\"'][^\"']*(stylesheet|preload|prefetch|preconnect|dns-prefetch|icon|modulepreload|manifest)",
                             re.IGNORECASE)
    css_url = re.compile(rf"(?:url\(\s*[\"']?|@import\s+[\"']){external}[^)\"'\s]*", re.IGNORECASE)
    found = []
    for path in sorted(book.html.rglob("*.html")):
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{path.relative_to(book.html)}: {m.group(0)[:160]}" for m in tag.finditer(text)]
        for m in link.finditer(text):
            if loading_rel.search(m.group(0)) and re.search(rf"href=[\"']{external}", m.group(0)):
                found.append(f"{path.relative_to(book.html)}: {m.group(0)[:160]}")
    for path in sorted(book.html.rglob("*.css")):
        text = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8", errors="replace"), flags=re.DOTALL)
        found += [f"{path.relative_to(book.html)}: {m.group(0)[:160]}" for m in css_url.finditer(text)]
    assert not found, "built files load resources from other hosts:\n" + "\n".join(found[:40])


def test_widget_and_maths_scripts_are_configured_locally(book):
    """_config.yml points MyST-NB's widget renderer and Sphinx's MathJax at files shipped in the book."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
    scripts = list(config.get("nb_ipywidgets_js", {})) + [config.get("mathjax_path", "")]
    remote = [s for s in scripts if not s or "//" in s]
    missing = [s for s in scripts if s and "//" not in s and not (book.html / "_static" / s).is_file()]
    assert scripts[:-1], "nb_ipywidgets_js is not set, so MyST-NB would load require.js and html-manager from CDNs"
    assert not remote and not missing, f"remote or unset: {remote}; not in _build/html/_static: {missing}"


def _widget_page(fixture_pages: Path) -> str:
    """A page shaped like MyST-NB's output for a notebook with saved widget state, using the configured renderer."""
    import ipywidgets as widgets
    from ipywidgets.embed import embed_data

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
    scripts = "\n".join(
        f'<script src="../_static/{html.escape(src)}"></script>' for src in config.get("nb_ipywidgets_js", {})
    )
    app = widgets.VBox([
        widgets.IntSlider(value=3, min=0, max=10, description="Pain today"),
        widgets.Dropdown(options=["acute", "recovering", "maintenance"], description="Phase"),
        widgets.HTML(value="<p>Worked example</p>"),
        widgets.Button(description="Build", icon="check"),
    ])
    data = embed_data(views=[app])
    state = json.dumps(data["manager_state"]).replace("</", "<\\/")
    views = "".join(
        f'<div class="cell_output"><div class="output"><script type="application/vnd.jupyter.widget-view+json">'
        f"{json.dumps(spec)}</script></div></div>"
        for spec in data["view_specs"]
    )
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Widget fixture</title>'
        f'<script type="application/vnd.jupyter.widget-state+json">{state}</script>{scripts}</head>'
        f"<body><main><h1>Widget fixture</h1>{views}</main></body></html>"
    )
    (fixture_pages / "widgets.html").write_text(page, encoding="utf-8")
    return "__fixtures__/widgets.html"


def test_vendored_widget_renderer_draws_widgets_offline(fixture_pages, context_for, site):
    page = _widget_page(fixture_pages)
    record = open_page(context_for(DESKTOP), site, page, DESKTOP, run_axe=False)
    widgets = record.dom["widgets"]
    assert widgets["views"] and all(v["rendered"] for v in widgets["views"]), widgets
    assert not widgets["errors"] and not widgets["emptySubareas"], widgets
    assert not record.other_hosts, f"the widget renderer asked other hosts: {record.other_hosts}"
    assert not describe_failures(record), describe_failures(record)
    assert any("/_static/vendor/" in url for url in record.requests), record.requests


def test_vendored_mathjax_typesets_offline(fixture_pages, context_for, site):
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
    src = f"../_static/{config['mathjax_path']}"
    # Sphinx's markup for maths; \cancel makes MathJax autoload a TeX extension from its own folder.
    (fixture_pages / "maths.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Maths fixture</title>'
        f'<script defer src="{src}"></script></head><body><main><h1>Maths fixture</h1>'
        r'<div class="math notranslate nohighlight">\[\frac{\text{steps}}{\text{day}} = \cancel{3000} 4000\]</div>'
        "</main></body></html>",
        encoding="utf-8",
    )
    tab = context_for(DESKTOP).new_page()
    asked, failed = [], []
    tab.on("request", lambda r: asked.append(r.url))
    tab.on("requestfailed", lambda r: failed.append(r.url))
    tab.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        tab.goto(site.base + "__fixtures__/maths.html", wait_until="load")
        tab.wait_for_selector("mjx-container mjx-mfrac", timeout=15_000)
        tab.wait_for_load_state("networkidle")
        errors = tab.locator("mjx-merror").count()
    finally:
        tab.close()
    assert not [u for u in asked if not site.is_local(u)], f"MathJax asked other hosts: {asked}"
    assert not failed and errors == 0, f"MathJax failed requests {failed} or showed {errors} TeX error(s)"
    assert any(u.endswith("/cancel.js") for u in asked), "the \\cancel extension was not autoloaded locally"


@pytest.mark.parametrize("words", sorted(SEARCHES))
def test_search_finds(words, context_for, site):
    expected = SEARCHES[words]
    tab = context_for(DESKTOP).new_page()
    failed = []
    tab.on("requestfailed", lambda r: failed.append(r.url))
    tab.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        tab.goto(site.base + "search.html?q=" + words.replace(" ", "+"), wait_until="load")
        tab.wait_for_function(
            "() => { const s = document.querySelector('#search-results .search-summary');"
            " return s && /finished|did not match/i.test(s.textContent); }",
            timeout=20_000,
        )
        summary = tab.locator("#search-results .search-summary").inner_text()
        hits = tab.eval_on_selector_all("#search-results ul.search li a", "els => els.map(a => a.href)")
    finally:
        tab.close()
    found = sorted({h.removeprefix(site.base).split("#")[0].split("?")[0] for h in hits})
    assert expected in found, f"searching {words!r}: {summary!r}; pages found: {found}"
    assert not failed, f"the search page had failed requests: {failed}"


def test_screenshots_of_key_pages(book, context_for, site):
    """Full-page screenshots for people to look at; the folder is printed at the end of the run."""
    folder = book.build_dir / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    SCREENSHOTS["folder"] = folder
    written = []
    for name, page in KEY_PAGES.items():
        for width in WIDTHS.values():
            tab = context_for(width).new_page()
            try:
                tab.goto(site.base + page, wait_until="load")
                tab.wait_for_load_state("networkidle")
                path = folder / f"{name}-{width}px.png"
                tab.screenshot(path=str(path), full_page=True)
            finally:
                tab.close()
            written.append(path)
    SCREENSHOTS["files"] = written
    sizes = {p.name: png_size(p) for p in written}
    wrong = {name: size for name, size in sizes.items() if size[0] != int(name.rsplit("-", 1)[1][:-6])}
    assert not wrong, f"screenshots not at their viewport width: {wrong}"
    short = {name: size for name, size in sizes.items() if size[1] < VIEWPORT_HEIGHT // 2}
    assert not short, f"screenshots of (nearly) empty pages: {short}"


def png_size(path: Path) -> tuple[int, int]:
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height
