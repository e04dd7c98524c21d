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
    cold_load,
    describe_failures,
    format_axe,
    link_problems,
    open_page,
    over_budget,
    remote_resources_in_css,
    remote_resources_in_html,
    svg_font_sizes,
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
SCREENSHOT_MAX_HEIGHT = 8000
# Search words and the page that must come up for them.
SEARCHES = {"bird dog": "book/exercise-library.html", "red flags": "book/safety.html"}


# --- Fixtures: one server, one browser, one context per width, one visit per page and width ------------------

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


@pytest.mark.parametrize("width", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("page", PAGES)
def test_no_sideways_scrolling(page, width, visit):
    dom = visit(page, width).dom
    assert dom["scrollWidth"] <= dom["clientWidth"] + 1, (
        f"{page} at {width} px is {dom['scrollWidth']} px wide; elements past the right edge:\n"
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
    found = []
    for path in sorted(book.html.rglob("*.html")):
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{path.relative_to(book.html)}: {tag}" for tag in remote_resources_in_html(text)]
    for path in sorted(book.html.rglob("*.css")):
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{path.relative_to(book.html)}: {url}" for url in remote_resources_in_css(text)]
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
        '<link rel="icon" href="data:,">'
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
        '<link rel="icon" href="data:,">'
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
    """Screenshots for people to look at (whole page, up to 8000 px tall); the folder is printed at the end."""
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
                height = min(tab.evaluate("document.documentElement.scrollHeight"), SCREENSHOT_MAX_HEIGHT)
                tab.screenshot(path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height})
                if name == "landing" and width == DESKTOP:
                    # One screen of the landing page: the README's picture (copy it to docs/screenshot.png).
                    written.append(folder / "landing-1280px-screen.png")
                    tab.screenshot(path=str(written[-1]))
            finally:
                tab.close()
            written.append(path)
    SCREENSHOTS["files"] = written
    sizes = {p.name: png_size(p) for p in written}
    short = {name: size for name, size in sizes.items() if size[1] < VIEWPORT_HEIGHT}
    assert not short, f"screenshots shorter than one screen (a page that did not render?): {short}"


def png_size(path: Path) -> tuple[int, int]:
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return width, height


# --- The judges themselves (no browser): they must catch what they are meant to catch -------------------------

@pytest.mark.parametrize(
    ("alt", "src", "verdict"),
    [
        (None, "../_images/a.svg", "no alt attribute"),
        ("  ", "../_images/a.svg", "empty alt text"),
        ("Image", "../_images/a.svg", "generic alt text"),
        ("cat-cow.svg", "../_images/cat-cow.svg", "alt text is a file name"),
        ("fig1.png", "../_images/other.png", "alt text is a file name"),
        ("Two drawings: on hands and knees with the back rounded, then with the back gently hollowed",
         "../_images/cat-cow.svg", None),
    ],
)
def test_alt_text_judge(alt, src, verdict):
    problem = alt_problem(alt, src)
    assert (problem is None) if verdict is None else (problem or "").startswith(verdict), problem


def test_remote_resource_judges_tell_loading_from_linking():
    page = (
        '<script src="https://cdn.jsdelivr.net/npm/x.js"></script><link rel="stylesheet" href="//fonts.example/css">'
        '<link rel="preconnect" href="https://fonts.gstatic.com"><img src="https://example.org/a.png" alt="a">'
        '<a href="https://doi.org/10.1/x">a paper</a><link rel="stylesheet" href="../_static/course.css">'
        '<img src="../_images/a.svg" alt="a drawing"><link rel="canonical" href="https://example.org/page">'
    )
    assert len(remote_resources_in_html(page)) == 4
    css = '/* @import url(https://x.example/a.css); */ a{src:url(../fonts/a.woff2)} b{src:url("https://x.example/f.woff")}'
    assert remote_resources_in_css(css) == ['url("https://x.example/f.woff']


def _script(filename, **attributes):
    from sphinx.builders.html._assets import _JavaScript

    return _JavaScript(filename, **attributes)


def test_html_fixes_drop_repeated_inline_scripts_only():
    from backcourse.book.sphinxext.htmlfixes import drop_repeated_inline_scripts

    thebe = {"body": 'const THEBE_JS_URL = "x"', "priority": 500}
    context = {"script_files": [_script(None, **thebe), _script("_static/a.js"), _script("", **thebe),
                                _script(None, body="let other = 1", priority=500)]}
    drop_repeated_inline_scripts(None, "p", "page.html", context, None)
    bodies = [s.attributes.get("body") for s in context["script_files"]]
    assert bodies == ['const THEBE_JS_URL = "x"', None, "let other = 1"]


def test_html_fixes_make_reference_entries_list_items():
    from backcourse.book.sphinxext.htmlfixes import citations_as_list_items

    context = {"body": '<div role="list" class="citation-list"><div class="citation" role="doc-biblioentry">'}
    citations_as_list_items(None, "p", "page.html", context, None)
    assert context["body"] == '<div role="list" class="citation-list"><div class="citation" role="listitem">'


@pytest.mark.parametrize("has_view", [False, True])
def test_html_fixes_keep_widget_scripts_only_where_a_widget_shows(has_view):
    from types import SimpleNamespace

    from backcourse.book.sphinxext.htmlfixes import WIDGET_STATE, WIDGET_VIEW, drop_unused_widget_state

    app = SimpleNamespace(config={"nb_ipywidgets_js": {"vendor/w/embed.js": {}}})
    scripts = [_script("_static/doctools.js"), _script(None, type=WIDGET_STATE, body="{}"),
               _script("_static/vendor/w/embed.js")]
    body = f'<p>x</p><script type="{WIDGET_VIEW}">{{}}</script>' if has_view else "<p>static output</p>"
    context = {"body": body, "script_files": list(scripts)}
    drop_unused_widget_state(app, "p", "page.html", context, None)
    assert context["script_files"] == (scripts if has_view else scripts[:1])


# --- The reader's experience (issue 17): drawers, dark mode, head, print, weight, chart text ---------------------

# A dark-mode reader: the theme reads the mode from localStorage before it paints.
DARK_MODE_SCRIPT = "localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');"
MIN_CHART_TEXT_PX = 11


@pytest.fixture(scope="session")
def dark_context(browser, site):
    context = browser.new_context(viewport={"width": PHONE, "height": VIEWPORT_HEIGHT}, color_scheme="dark",
                                  service_workers="block", reduced_motion="reduce")
    context.add_init_script(DARK_MODE_SCRIPT)
    yield context
    context.close()


@pytest.mark.parametrize("page", PAGES)
def test_accessibility_scan_in_dark_mode(page, dark_context, site):
    record = open_page(dark_context, site, page, PHONE)
    assert not record.axe_violations, (
        f"axe-core in dark mode on {page}:\n{format_axe(record.axe_violations)}"
    )


@pytest.mark.parametrize("width", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_chapters_button_opens_the_chapter_list_and_its_links_work(width, browser, site):
    """☰ in the article header: on a phone it opens the chapter drawer; on a desktop it hides and shows the
    chapter column. Either way a chapter link in it then opens that chapter."""
    context = browser.new_context(viewport={"width": width, "height": VIEWPORT_HEIGHT})
    tab = context.new_page()
    try:
        tab.goto(site.base + "book/start-here.html", wait_until="load")
        button = tab.locator(".bd-header-article .primary-toggle")
        assert button.count() == 1 and button.is_visible(), "no visible ☰ button in the article header"
        assert tab.locator(".primary-toggle").count() == 1, "a second (hidden) ☰ button would take the theme's wiring"
        if width < 992:
            button.click()
            drawer = tab.locator("#pst-primary-sidebar-modal")
            drawer.wait_for(state="visible", timeout=3000)
            assert tab.evaluate("document.querySelector('#pst-primary-sidebar-modal').open"), "drawer did not open"
            link = drawer.locator("nav.bd-docs-nav a.reference", has_text="Safety").first
        else:
            sidebar = tab.locator("#pst-primary-sidebar")
            assert sidebar.is_visible()
            button.click()
            tab.wait_for_function("document.querySelector('#pst-primary-sidebar').classList.contains('pst-sidebar-hidden')", timeout=3000)
            button.click()
            tab.wait_for_function("!document.querySelector('#pst-primary-sidebar').classList.contains('pst-sidebar-hidden')", timeout=3000)
            link = sidebar.locator("nav.bd-docs-nav a.reference", has_text="Safety").first
        link.click()
        tab.wait_for_url("**/book/safety.html", timeout=5000)
    finally:
        context.close()


def test_contents_button_opens_the_page_contents_on_a_phone(browser, site):
    context = browser.new_context(viewport={"width": PHONE, "height": VIEWPORT_HEIGHT})
    tab = context.new_page()
    try:
        tab.goto(site.base + "book/why-backs-hurt.html", wait_until="load")
        button = tab.locator(".bd-header-article .secondary-toggle")
        assert button.is_visible(), "no visible ☷ button in the article header"
        button.click()
        drawer = tab.locator("#pst-secondary-sidebar-modal")
        drawer.wait_for(state="visible", timeout=3000)
        link = drawer.locator("nav a.nav-link").nth(1)
        target = link.get_attribute("href")
        link.click()
        tab.wait_for_function(f"location.hash === {json.dumps(target)}", timeout=3000)
    finally:
        context.close()


def test_desktop_has_no_empty_top_bar_and_one_search_box(browser, site):
    context = browser.new_context(viewport={"width": DESKTOP, "height": VIEWPORT_HEIGHT})
    tab = context.new_page()
    try:
        tab.goto(site.base + "book/intro.html", wait_until="load")
        header = tab.evaluate("() => { const h = document.querySelector('header.bd-header');"
                              " return h ? h.getBoundingClientRect().height : 0; }")
        fields = tab.locator(".search-button-field:visible").count()
    finally:
        context.close()
    assert header == 0, f"a {header:.0f} px top bar above the page"
    assert fields == 1, f"{fields} visible search boxes"


@pytest.mark.parametrize("page", PAGES)
def test_head_has_one_viewport_tag_and_a_description(page, book):
    text = (book.html / page).read_text(encoding="utf-8")
    head = text[: text.find("</head>")]
    viewports = head.count('name="viewport"')
    assert viewports == 1, f"{page}: {viewports} viewport tags"
    description = re.search(r'<meta name="description" content="([^"]*)"', head)
    assert description and len(description.group(1)) >= 20, f"{page}: no meaningful meta description"


def test_landing_title_names_the_course_once_and_root_index_is_a_page(book):
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    title = re.search(r"<title>(.*?)</title>", (book.html / "book" / "intro.html").read_text(encoding="utf-8")).group(1)
    assert html.unescape(title).count(config["title"]) == 1, title
    root = (book.html / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<html lang="\w+"', root) and "<title>" in root and '<a href="book/intro.html"' in root, root


def test_every_page_has_a_print_button(book):
    missing = [p for p in PAGES if 'class="btn btn-sm course-print' not in (book.html / p).read_text(encoding="utf-8")]
    assert not missing, f"pages without the Print button: {missing}"


def test_printed_routine_shows_every_week_and_no_code(browser, site):
    """Emulates printing after the page's beforeprint handler ran: every week visible, one per page, no code."""
    context = browser.new_context(viewport={"width": DESKTOP, "height": VIEWPORT_HEIGHT})
    tab = context.new_page()
    try:
        tab.goto(site.base + "notebooks/build-your-routine.html", wait_until="load")
        weeks = tab.locator(".routine-plan details:has(table.routine-week)").count()
        tab.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        tab.emulate_media(media="print")
        shown = tab.evaluate("""() => Array.from(document.querySelectorAll('.routine-plan table.routine-week'))
            .filter(t => t.getBoundingClientRect().height > 0).length""")
        breaks = tab.evaluate("""() => Array.from(document.querySelectorAll('.routine-plan details + details'))
            .filter(d => getComputedStyle(d).breakBefore === 'page').length""")
        code = tab.evaluate("""() => Array.from(document.querySelectorAll('.cell_input, div.highlight pre'))
            .filter(e => !e.closest('.cell_output') && e.getBoundingClientRect().height > 0).length""")
        pdf = tab.pdf(format="A4")
    finally:
        context.close()
    assert weeks >= 4, f"the routine page shows {weeks} weeks"
    assert shown == weeks, f"printing shows {shown} of {weeks} weeks"
    assert breaks >= weeks - 1, f"only {breaks} page breaks between {weeks} weeks"
    assert code == 0, f"{code} code blocks would print"
    from io import BytesIO

    from pypdf import PdfReader

    assert len(PdfReader(BytesIO(pdf)).pages) >= weeks, "fewer printed pages than weeks"


@pytest.mark.parametrize("page", PAGES)
def test_page_weight_within_budget(page, browser, site):
    """A first visit (empty cache) at phone width: bytes, requests and load time within BUDGET."""
    cost = cold_load(browser, site, page, PHONE)
    problems = over_budget(cost)
    assert not problems, f"{page}: " + "; ".join(problems)


@pytest.mark.parametrize("page", PAGES)
def test_chart_text_is_readable_on_a_phone(page, visit, site):
    """The smallest text of every SVG figure, as drawn at 375 px, is at least 11 CSS px."""
    small = []
    for src, width in visit(page, PHONE).dom.get("svgImages", []):
        target = site.file_for(src)
        if target is None or not target.is_file() or width <= 0:
            continue
        viewbox_width, sizes = svg_font_sizes(target.read_text(encoding="utf-8"))
        if viewbox_width and sizes and min(sizes) * width / viewbox_width < MIN_CHART_TEXT_PX - 0.05:
            small.append(f"{src.rsplit('/', 1)[-1]}: {min(sizes) * width / viewbox_width:.1f} px")
    assert not small, f"{page}: chart text under {MIN_CHART_TEXT_PX} px at {PHONE} px:\n" + "\n".join(small)


@pytest.mark.parametrize(("words", "expected"), [("sciatica", "book/glossary.html"),
                                                  ("slipped disc", "book/why-backs-hurt.html")])
def test_search_finds_lay_words_and_snippets_skip_the_buttons(words, expected, context_for, site):
    tab = context_for(DESKTOP).new_page()
    try:
        tab.goto(site.base + "search.html?q=" + words.replace(" ", "+"), wait_until="load")
        tab.wait_for_function(
            "() => { const s = document.querySelector('#search-results .search-summary');"
            " return s && /finished|did not match/i.test(s.textContent); }", timeout=20_000)
        tab.wait_for_timeout(500)
        hits = tab.eval_on_selector_all("#search-results ul.search li a", "els => els.map(a => a.href)")
        snippets = tab.eval_on_selector_all("#search-results ul.search li p.context", "els => els.map(p => p.textContent)")
    finally:
        tab.close()
    found = [h.removeprefix(site.base).split("#")[0].split("?")[0] for h in hits]
    assert expected in found, f"searching {words!r} found {found}"
    assert not [s for s in snippets if s.lstrip().startswith((".pdf", ".md", "Print", "Repository"))], snippets
