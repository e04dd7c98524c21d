"""The live routine builder of the online book (backcourse/book/sphinxext/livebuilder.py, bundle.py,
backcourse/routine/browser.py and live-builder.js).

Two layers. Without a browser: the engine zip the build packs runs in a Python that has only the standard
library (``python -I -S``, the situation of Pyodide in the page) and gives the same plan HTML as the engine in
this process; the calendar zip makes an .ics that icalendar parses; the form lists every safety question.
In Debian's Chromium (offline, as tests/test_browser.py): nothing heavy loads before the button; an emergency
sign gives no plan and the emergency message; a safe profile gives exactly the notebook's plan HTML; the .ics
downloads and equals the engine's; no request goes to another host and the console stays clean.
"""

from __future__ import annotations

import html
import io
import json
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcourse import safety
from backcourse.book import bundle
from backcourse.book.sphinxext import livebuilder
from backcourse.routine import browser, engine, handout

PAGE = "notebooks/build-your-routine.html"
START = date(2026, 1, 5)
SAM = {
    "phase": "recovering", "aggravated_by": ["sitting"], "equipment": ["mat", "strap"],
    "minutes_per_session": 15, "sessions_per_week": 3, "aerobic": "walking",
    "aerobic_minutes_now": 10, "aerobic_days_now": 2,
}


def sam_plan(answers=None, **changes):
    profile = engine.Profile(**{**SAM, "aggravated_by": tuple(SAM["aggravated_by"]),
                                "equipment": tuple(SAM["equipment"]), **changes})
    return engine.build_plan(profile, answers or safety.all_no(), start=START, weeks=6)


def notebook_html(plan) -> str:
    """What the notebook's builder shows for a plan: the answers said back, the pain rule, then the plan."""
    return handout.screen_html(plan) + handout.plan_html(plan)


def form(answers=None, **changes) -> dict:
    given = answers or safety.all_no()
    return {"answers": {k: ("yes" if v else "no") for k, v in given.items()}, "cleared": False,
            "profile": {**SAM, **changes}, "weeks": "6", "start": START.isoformat()}


# --- Without a browser --------------------------------------------------------------------------------------

def _unzip(data: bytes, folder: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        z.extractall(folder)
    return folder


@pytest.fixture(scope="module")
def engine_dir(tmp_path_factory) -> Path:
    return _unzip(bundle.engine_zip(), tmp_path_factory.mktemp("engine"))


def run_isolated(folder: Path, code: str) -> str:
    """Run ``code`` in a Python with only the standard library and ``folder`` (no site-packages: like Pyodide)."""
    program = f"import sys; sys.path.insert(0, {str(folder)!r})\n" + code
    proc = subprocess.run([sys.executable, "-I", "-S", "-c", program], capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout.decode()


def test_packed_engine_runs_on_the_standard_library_alone_and_gives_the_notebooks_plan(engine_dir):
    out = run_isolated(engine_dir, (
        "import json, sys\n"
        "from backcourse.routine import browser\n"
        "browser.use_prerendered_drawings()\n"
        f"print(browser.build({json.dumps(json.dumps(form()))}))\n"
        "print(json.dumps(sorted(m.split('.')[0] for m in sys.modules if m.split('.')[0] in "
        "('matplotlib', 'pydantic', 'yaml', 'numpy'))))\n"
    ))
    built, third_party = out.splitlines()
    result = json.loads(built)
    assert result["status"] == "plan"
    assert result["html"] == notebook_html(sam_plan())
    assert json.loads(third_party) == []


def test_packed_engine_says_back_a_clearance_above_the_plan(engine_dir):
    """A "yes" to a see-soon sign with a clinician's clearance gives a plan that says what was answered."""
    sign = next(q for q in safety.red_flags() if q.level != safety.EMERGENCY)
    given = form(safety.all_no() | {sign.id: True})
    given["cleared"] = True
    out = run_isolated(engine_dir, (
        "from backcourse.routine import browser\n"
        f"print(browser.build({json.dumps(json.dumps(given))}))\n"
    ))
    result = json.loads(out)
    assert result["status"] == "plan"
    said = result["html"].split('class="routine-plan"')[0]
    assert "cleared you" in said and html.escape(sign.plain) in said
    assert "No warning signs" not in result["html"]
    assert safety.PAIN_RULE_TITLE in said


def test_packed_engine_refuses_a_plan_for_an_emergency_sign(engine_dir):
    answers = safety.all_no() | {"bladder-bowel": True}
    out = run_isolated(engine_dir, (
        "from backcourse.routine import browser\n"
        f"print(browser.build({json.dumps(json.dumps(form(answers)))}))\n"
    ))
    result = json.loads(out)
    assert result["status"] == safety.BLOCK_EMERGENCY
    assert 'class="routine-plan"' not in result["html"] and safety.EMERGENCY_MESSAGE in result["html"]
    assert result["html"] == handout.plan_html(sam_plan(answers))


def test_packed_engine_makes_the_notebooks_handout_and_csv(engine_dir):
    """The handout's drawings come from the build's drawings.json in the page; the result is the same file."""
    out = run_isolated(engine_dir, (
        "import json\n"
        "from backcourse.routine import browser\n"
        "browser.use_prerendered_drawings()\n"
        f"form = {json.dumps(json.dumps(form()))}\n"
        "print(json.dumps([browser.export(form, 'html'), browser.export(form, 'csv')]))\n"
    ))
    page_html, page_csv = json.loads(out)
    assert page_html == handout.handout_html(sam_plan())
    assert page_csv == handout.plan_csv(sam_plan())


def test_packed_calendar_makes_the_engines_ics(engine_dir, tmp_path):
    _unzip(bundle.calendar_zip(), engine_dir)
    out = run_isolated(engine_dir, (
        "import sys\n"
        "from backcourse.routine import browser\n"
        f"sys.stdout.buffer.write(browser.export({json.dumps(json.dumps(form()))}, 'ics'))\n"
    ))
    assert out.encode() == handout.plan_ics(sam_plan())


def test_build_copies_only_the_runtime_files_and_says_how_to_get_a_missing_pyodide(tmp_path):
    copied = bundle.copy_runtime(tmp_path / "static")
    assert sorted(p.name for p in (tmp_path / "static" / "pyodide").iterdir()) == sorted(
        (*bundle.RUNTIME_FILES, "NOTICE.txt"))
    assert len(copied) == len(bundle.RUNTIME_FILES) + 1
    with pytest.raises(bundle.BundleError, match="npm ci"):
        bundle.copy_runtime(tmp_path / "other", source=tmp_path / "no-node-modules")


def test_form_errors_name_the_field_and_value():
    with pytest.raises(browser.FormError, match=r"minutes_per_session.*'lots'"):
        browser.read_form(form(minutes_per_session="lots"))
    with pytest.raises(browser.FormError, match=r"leg-weakness.*'maybe'"):
        browser.read_form(form() | {"answers": {"leg-weakness": "maybe"}})
    out = json.loads(browser.build(json.dumps(form(sessions_per_week="9"))))
    assert out["status"] == "error" and "sessions_per_week" in out["message"] and "9" in out["message"]


@settings(max_examples=60, deadline=None)
@given(
    phase=st.sampled_from(engine.PHASES),
    aggravated_by=st.lists(st.sampled_from(tuple(engine.AGGRAVATORS)), unique=True),
    equipment=st.lists(st.sampled_from(engine.EQUIPMENT), unique=True),
    minutes=st.integers(*engine.MINUTES_RANGE), sessions=st.integers(*engine.SESSIONS_RANGE),
    aerobic=st.sampled_from(engine.AEROBIC), aerobic_minutes=st.integers(*engine.AEROBIC_MINUTES_RANGE),
    aerobic_days=st.integers(0, 7), weeks=st.integers(*engine.WEEKS_RANGE),
    answers=st.fixed_dictionaries({q.id: st.sampled_from((True, False, None)) for q in safety.QUESTIONS}),
)
def test_the_form_as_the_browser_sends_it_gives_the_engines_arguments(phase, aggravated_by, equipment, minutes,
                                                                       sessions, aerobic, aerobic_minutes,
                                                                       aerobic_days, weeks, answers):
    """Every value arrives as text (as a browser sends it); the engine gets exactly the profile and answers."""
    sent = {
        "answers": {k: {True: "yes", False: "no", None: None}[v] for k, v in answers.items()},
        "cleared": False, "weeks": str(weeks), "start": "2026-03-02",
        "profile": {"phase": phase, "aggravated_by": aggravated_by, "equipment": equipment,
                    "minutes_per_session": str(minutes), "sessions_per_week": str(sessions), "aerobic": aerobic,
                    "aerobic_minutes_now": str(aerobic_minutes), "aerobic_days_now": str(aerobic_days)},
    }
    profile, got_answers, cleared, start, got_weeks = browser.read_form(sent)
    assert profile == engine.Profile(phase, tuple(aggravated_by), tuple(equipment), minutes, sessions, aerobic,
                                     aerobic_minutes, aerobic_days)
    assert got_answers == answers and cleared is False and start == date(2026, 3, 2) and got_weeks == weeks


def test_unanswered_safety_question_counts_as_unanswered_never_as_no():
    answers = browser.answers_from_form({q.id: "no" for q in safety.QUESTIONS[1:]})
    assert answers[safety.QUESTIONS[0].id] is None


def test_form_asks_every_safety_question_first_in_the_screens_order():
    page = livebuilder.form_html("../_static/")
    positions = [page.index(f'data-question="{q.id}"') for q in safety.QUESTIONS]
    assert positions == sorted(positions)
    assert positions[-1] < page.index('name="phase"')
    for q in safety.QUESTIONS:
        assert q.text.replace("'", "&#x27;") in page
    for name in (*browser.INT_FIELDS, "aggravated_by", "equipment", "aerobic", "weeks", "start", "cleared"):
        assert f'name="{name}"' in page


# --- In the browser -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def live_site(book):
    from browser_support import BookServer

    if not (book.html / PAGE).is_file():
        pytest.fail(f"the book did not build: see {book.log_path}", pytrace=False)
    with BookServer(book.html) as server:
        yield server


@pytest.fixture(scope="module")
def tab_factory(live_site, request):
    # The session's one Chromium (tests/conftest.py); named here by lookup, as this module's `browser` is the
    # course's backcourse.routine.browser.
    chrome = request.getfixturevalue("browser")
    contexts = []

    def open_tab():
        context = chrome.new_context(viewport={"width": 375, "height": 900}, accept_downloads=True)
        contexts.append(context)
        tab = context.new_page()
        record = {"requests": [], "other_hosts": [], "errors": []}
        tab.on("request", lambda r: (record["requests"].append(r.url),
                                     None if live_site.is_local(r.url) else record["other_hosts"].append(r.url)))
        tab.on("console", lambda m: record["errors"].append(m.text) if m.type == "error" else None)
        tab.on("pageerror", lambda e: record["errors"].append(str(e)))
        tab.goto(live_site.base + PAGE, wait_until="load")
        return tab, record

    yield open_tab
    for context in contexts:
        context.close()


def fill(tab, answers: dict[str, bool]) -> None:
    for qid, yes in answers.items():
        tab.check(f'input[name="q-{qid}"][value="{"yes" if yes else "no"}"]')
    tab.fill('input[name="start"]', START.isoformat())
    tab.select_option('select[name="phase"]', SAM["phase"])
    for box in tab.query_selector_all('input[name="aggravated_by"], input[name="equipment"]'):
        box.set_checked(box.get_attribute("value") in SAM["aggravated_by"] + SAM["equipment"])
    for name in browser.INT_FIELDS:
        tab.fill(f'input[name="{name}"]', str(SAM[name]))
    tab.fill('input[name="weeks"]', "6")


def press_build(tab) -> dict:
    tab.click("button.live-build")
    tab.wait_for_function("document.querySelector('.live-result').dataset.status !== undefined", timeout=120_000)
    return tab.evaluate("""() => {
        const r = document.querySelector('.live-result');
        return {status: r.dataset.status, html: r.innerHTML, text: r.innerText};
    }""")


def same_dom(tab, expected_html: str) -> str:
    """``expected_html`` as the browser serialises it, to compare with the page's innerHTML."""
    return tab.evaluate("(h) => { const t = document.createElement('div'); t.innerHTML = h; return t.innerHTML; }",
                        expected_html)


@pytest.mark.browser
@pytest.mark.build
def test_nothing_heavy_loads_before_the_button(tab_factory):
    tab, record = tab_factory()
    tab.wait_for_timeout(500)
    heavy = [u for u in record["requests"] if "/_static/pyodide/" in u or "/_static/live/" in u]
    assert heavy == []
    assert record["other_hosts"] == [] and record["errors"] == []


@pytest.mark.browser
@pytest.mark.build
def test_emergency_sign_gives_no_plan_and_the_emergency_message(tab_factory):
    tab, record = tab_factory()
    answers = safety.all_no() | {"leg-weakness": True}
    fill(tab, answers)
    shown = press_build(tab)
    assert shown["status"] == safety.BLOCK_EMERGENCY
    assert safety.EMERGENCY_MESSAGE in shown["text"]
    assert tab.query_selector(".live-result .routine-plan") is None
    assert tab.is_hidden(".live-actions")
    assert record["other_hosts"] == [] and record["errors"] == []


@pytest.mark.browser
@pytest.mark.build
def test_safe_profile_gives_the_notebooks_plan_and_the_ics_downloads(tab_factory):
    tab, record = tab_factory()
    fill(tab, safety.all_no())
    shown = press_build(tab)
    assert shown["status"] == "plan"
    assert shown["html"] == same_dom(tab, notebook_html(sam_plan()))

    with tab.expect_download(timeout=60_000) as info:
        tab.click('button[data-download="ics"]')
    path = info.value.path()
    import icalendar

    data = Path(path).read_bytes()
    assert data == handout.plan_ics(sam_plan())
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert len(events) == sum(1 for d in sam_plan().days if (d.session and d.session.items) or d.aerobic)

    # A changed answer rebuilds the plan with the new answer.
    tab.fill('input[name="minutes_per_session"]', "25")
    tab.dispatch_event('input[name="minutes_per_session"]', "change")
    expected = same_dom(tab, notebook_html(sam_plan(minutes_per_session=25)))
    assert expected != shown["html"]
    tab.wait_for_function("(h) => document.querySelector('.live-result').innerHTML === h", arg=expected,
                          timeout=30_000)
    assert record["other_hosts"] == [] and record["errors"] == []


@pytest.mark.browser
@pytest.mark.build
def test_kept_answers_stay_in_this_browser_until_deleted(tab_factory):
    tab, record = tab_factory()
    fill(tab, safety.all_no())
    tab.fill('input[name="aerobic_minutes_now"]', "17")
    tab.click("button.live-save")
    kept = json.loads(tab.evaluate("localStorage.getItem('backcourse-live-builder')"))
    assert kept["profile"]["aerobic_minutes_now"] == "17"
    tab.reload(wait_until="load")
    assert tab.input_value('input[name="aerobic_minutes_now"]') == "17"
    assert tab.is_checked(f'input[name="q-{safety.QUESTIONS[0].id}"][value="no"]')
    tab.click("button.live-forget")
    assert tab.evaluate("localStorage.getItem('backcourse-live-builder')") is None
    assert record["other_hosts"] == [] and record["errors"] == []


@pytest.mark.browser
@pytest.mark.build
def test_without_webassembly_the_page_says_so_and_loads_nothing(tab_factory):
    tab, record = tab_factory()
    tab.add_init_script("delete window.WebAssembly")
    tab.reload(wait_until="load")
    fill(tab, safety.all_no())
    tab.click("button.live-build")
    assert "no WebAssembly" in tab.inner_text(".live-status")
    assert not [u for u in record["requests"] if "/_static/pyodide/" in u]
    assert record["other_hosts"] == [] and record["errors"] == []
