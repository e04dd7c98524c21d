"""The routine builder in a real JupyterLab, driven by Chromium as a learner would: times the redraw after a
click and runs the weekly check-in end to end. Prints the figures and saves screenshots.

Run: ``python benchmarks/jupyterlab_routine.py [port]`` (default port 18310). It starts ``jupyter lab`` from
this checkout with a temporary home and diary (``$BACKCOURSE_DIARY``), opens the routine notebook, runs all
cells, answers the safety questions, then:

1. times a change of the week shown and of "Sessions per week" until the plan's HTML has changed (target
   <= 300 ms);
2. sets "First day" to last week's Monday and saves (handout files and the plan beside the diary);
3. logs that week in the diary notebook, as a learner would: opens notebooks/pain-diary.ipynb, runs it, and saves
   an entry per day through its form (date, pain, the exercises done, minutes walked): two calm weeks before the
   plan, every planned session and walk of its first week, and the day after;
4. re-runs the routine notebook, whose check-in reads the saved plan and that diary, and checks that next week's
   plan steps up and was saved, then screenshots it.

Offline: every request to another host is refused and counted.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import CHROMIUM_ARGS, find_chromium  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

OUT = Path(tempfile.gettempdir()) / "routine-jupyterlab"


def wait_port(port: int, timeout: float = 90) -> None:
    end = time.time() + timeout
    while time.time() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise RuntimeError(f"jupyter lab did not open port {port}")


def main(port: int = 18310) -> int:
    OUT.mkdir(exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="routine-lab-"))
    diary = home / "diary" / "pain-diary.csv"
    env = dict(os.environ, HOME=str(home), PYTHONPATH=str(ROOT), BACKCOURSE_DIARY=str(diary),
               JUPYTER_CONFIG_DIR=str(home / ".jupyter"), MPLBACKEND="Agg")
    env.pop("BACKCOURSE_DIARY_SAMPLE", None)
    # Every cell in the page (no windowing, so the check-in's output is in the DOM), and no autosave (the
    # run must not change the committed notebook).
    settings = home / ".jupyter" / "lab" / "user-settings" / "@jupyterlab"
    for ext, value in (("notebook-extension/tracker", '{"windowingMode": "none"}'),
                       ("docmanager-extension/plugin", '{"autosave": false}'),
                       ("apputils-extension/notification", '{"fetchNews": "false"}')):
        target = settings / f"{ext}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(value)
    jupyter = str(Path(sys.executable).with_name("jupyter"))
    server = subprocess.Popen(
        [jupyter, "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1", "--ServerApp.token=",
         "--ServerApp.password=", f"--ServerApp.root_dir={ROOT}", "--allow-root",
         "--LabApp.news_url=", "--LabServerApp.announcements_url="],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    outside: list[str] = []
    try:
        wait_port(port)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})

            def route(r):
                if r.request.url.startswith(f"http://127.0.0.1:{port}") or r.request.url.startswith(
                        f"ws://127.0.0.1:{port}") or r.request.url.startswith("data:"):
                    return r.continue_()
                outside.append(r.request.url)
                return r.abort()

            page.route("**/*", route)
            original = page.wait_for_function

            def waiting(*args, **kwargs):
                try:
                    return original(*args, **kwargs)
                except Exception:
                    page.screenshot(path=str(OUT / "failed.png"))
                    print("gave up waiting for:", args[0][:120])
                    raise

            page.wait_for_function = waiting
            open_and_run(page, f"http://127.0.0.1:{port}/lab/tree/notebooks/build-your-routine.ipynb")
            try:
                page.wait_for_selector(".routine-app", timeout=120_000)
            except Exception:
                page.screenshot(path=str(OUT / "failed.png"))
                raise
            # Answer every safety question "No".
            app = page.locator(".routine-app")
            nos = app.locator(".widget-toggle-buttons button", has_text="No")
            for i in range(nos.count()):
                nos.nth(i).click()
            page.wait_for_function("document.querySelector('.routine-app') && "
                                   "document.querySelector('.routine-app').innerText.includes('Week 1 (')",
                                   timeout=60_000)
            times = {"week shown": [], "sessions per week": []}
            week_select = app.locator("select").last
            for n in (2, 3, 1, 2, 3, 1):
                times["week shown"].append(timed_change(page, lambda: week_select.select_option(str(n - 1)) if False
                                                        else week_select.select_option(label=f"Week {n}")))
            slider = app.locator(".widget-slider", has_text="Sessions per week").locator(".noUi-handle")
            for key in ("ArrowRight", "ArrowRight", "ArrowLeft", "ArrowLeft", "ArrowRight", "ArrowLeft"):
                slider.focus()
                times["sessions per week"].append(timed_change(page, lambda: page.keyboard.press(key)))
            for label, ms in times.items():
                print(f"redraw after changing {label:<20} median {statistics.median(ms):6.0f} ms  "
                      f"max {max(ms):6.0f} ms  (n={len(ms)})")
            page.screenshot(path=str(OUT / "app.png"), full_page=False)

            # The plan starts last Monday week, so that week is over: save it beside the diary.
            today = date.today()
            start = today - timedelta(days=today.weekday() + 7)
            picker = app.locator("input[type=date]")
            picker.fill(start.isoformat())
            picker.press("Enter")
            page.wait_for_function(
                f"document.querySelector('.routine-app').innerText.includes('{start:%a} {start.day} {start:%b}')",
                timeout=30_000)
            app.locator(".widget-text", has_text="Save in folder").locator("input").fill(str(home / "back-routine"))
            app.locator("button", has_text="Save handout").click()
            page.wait_for_function("document.querySelector('.routine-app').innerText.includes('Saved ')",
                                   timeout=60_000)
            from backcourse.library.plain import default_library
            from backcourse.routine import checkin

            plan = checkin.load_plan(checkin.plan_path(diary))
            assert plan.start == start, (plan.start, start)
            names = {ex.id: ex.name for ex in default_library().exercises.values()}
            days = [(start - timedelta(days=n), (), None) for n in range(14, 0, -1)]
            for day in plan.weeks[0].days:
                done = tuple(names[i.exercise_id] for i in day.session.items) if day.session else ()
                walked = day.aerobic.minutes if day.aerobic and day.aerobic.exercise_id == "walking" else None
                days.append((day.date, done, walked))
            days.append((start + timedelta(days=7), (), None))
            diary_tab = browser.new_page(viewport={"width": 1280, "height": 900})
            diary_tab.route("**/*", route)
            t0 = time.perf_counter()
            log_in_diary_notebook(diary_tab, port, days, pain=3)
            print(f"diary notebook: {len(days)} entries saved through its form in {time.perf_counter() - t0:.1f} s")
            saved_rows = diary.read_text(encoding="utf-8-sig").strip().count("\n")
            assert saved_rows == len(days), (saved_rows, len(days))
            diary_tab.close()

            t0 = time.perf_counter()
            page.bring_to_front()
            run_all(page)
            page.wait_for_function(
                "[...document.querySelectorAll('.jp-OutputArea-output')].some(e => "
                "e.innerText.includes(\"Saved next week's plan\"))", timeout=120_000)
            page.wait_for_function(
                "[...document.querySelectorAll('table.routine-checkin')].some(t => t.innerText.includes('Step up'))",
                timeout=120_000)
            print(f"end to end: Run All to the check-in's decisions {time.perf_counter() - t0:.1f} s")
            table = page.locator("table.routine-checkin").first
            table.scroll_into_view_if_needed()
            text = table.inner_text()
            steps = text.count("Step up")
            print(f"check-in in JupyterLab: {steps} step-ups, {text.count('Stay')} stays, "
                  f"{text.count('Step back')} step-backs")
            page.screenshot(path=str(OUT / "checkin.png"), full_page=False)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"requests to other hosts: {len(outside)}  screenshots in {OUT}")
    return 1 if outside else 0


def log_in_diary_notebook(page, port: int, days, pain: int) -> None:
    """Open the diary notebook, run it, and save one entry per (date, exercise names, minutes walked) through its
    form, as a learner would: date picker, pain slider, exercise list, minutes, Save entry."""
    # A workspace of its own, so only the diary notebook is open in this tab
    open_and_run(page, f"http://127.0.0.1:{port}/lab/workspaces/diary/tree/notebooks/pain-diary.ipynb?reset")
    save = page.locator("button", has_text="Save entry").first
    save.wait_for(timeout=120_000)
    form = page.locator(".widget-vbox", has=page.locator("text=Add an entry to your pain diary")).last
    handle = form.locator(".widget-slider", has_text="Pain").locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.click()
    page.keyboard.press("Home")
    for _ in range(pain):
        page.keyboard.press("ArrowRight")
    for when, exercises, walked in days:
        form.locator("input[type=date]").first.fill(when.isoformat())
        form.locator("input[type=date]").first.dispatch_event("change")
        form.locator("select[multiple]").first.select_option(label=list(exercises))
        minutes = form.locator(".widget-text", has_text="Walked").locator("input")
        minutes.fill("" if walked is None else str(walked))
        minutes.dispatch_event("change")
        save.click()
        page.wait_for_function(
            "(t) => [...document.querySelectorAll('.widget-html-content')].some(e => e.innerText.includes(t))",
            arg=f"{when.isoformat()}, pain {pain}.", timeout=30_000)


def open_and_run(page, url: str) -> None:
    """Open a notebook in JupyterLab, take its own kernel if asked, and Run All, as a learner would."""
    page.goto(url)
    page.wait_for_selector(".jp-Notebook", timeout=120_000)
    select = page.locator(".jp-Dialog button", has_text="Select")
    try:
        select.wait_for(timeout=15_000)
        select.click()
    except Exception:
        pass   # the kernel started without asking
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
    run_all(page)


def run_all(page) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    page.wait_for_timeout(500)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=180_000)


def timed_change(page, act) -> float:
    """Milliseconds from the learner's action until the plan's HTML in the page has changed."""
    page.evaluate("""() => {
        const out = [...document.querySelectorAll('.routine-app .widget-html-content')]
            .find(e => e.querySelector('.routine-plan'));
        window.__routineDone = null;
        const obs = new MutationObserver(() => { window.__routineDone = performance.now(); obs.disconnect(); });
        obs.observe(out, {childList: true, subtree: true, characterData: true});
        window.__routineStart = performance.now();
    }""")
    act()
    page.wait_for_function("window.__routineDone !== null", timeout=30_000)
    return page.evaluate("window.__routineDone - window.__routineStart")


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 18310))
