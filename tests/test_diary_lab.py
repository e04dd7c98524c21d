"""The pain-diary notebook as a learner uses it, in real JupyterLab driven by Debian's Chromium (Playwright).

A copy of the notebook runs in a temporary folder against a temporary "own" diary (BACKCOURSE_DIARY), never the
checkout's notebook and never a real diary. Checks: after the first own entry every view shows the learner's
diary without re-running cells; a second entry with the same pain saves; button labels are not cut off; views
fit a 375 px phone; and after Ctrl+S none of the learner's entries are in the saved .ipynb file. The browser
is offline: any request to another host fails the test.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parent.parent
PORT = 18411
SECRET = "SECRET-NOTE-4417 about my own back"


def _wait_for_server(url: str, proc: subprocess.Popen, limit: float = 90) -> None:
    end = time.time() + limit
    while time.time() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter lab exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError("jupyter lab did not start")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving a copy of the notebook, with an empty own diary in a temporary folder."""
    folder = tmp_path_factory.mktemp("lab")
    shutil.copy(ROOT / "notebooks" / "pain-diary.ipynb", folder / "pain-diary.ipynb")
    diary = folder / "data" / "pain-diary.csv"
    # Render every cell (no windowing), so the test sees all outputs as a learner scrolling down would.
    settings = folder / "settings" / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    settings.parent.mkdir(parents=True)
    settings.write_text('{"windowingMode": "none"}')
    env = dict(os.environ, PYTHONPATH=str(ROOT), BACKCOURSE_DIARY=str(diary), JUPYTER_CONFIG_DIR=str(folder / "cfg"),
               JUPYTER_RUNTIME_DIR=str(folder / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(folder / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(folder / "ws"))
    env.pop("BACKCOURSE_DIARY_SAMPLE", None)  # tests/conftest.py sets it; a learner's kernel does not have it
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", PORT)) != 0, f"port {PORT} is in use"
    jupyter = Path(sys.executable).parent / "jupyter"
    proc = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", "--ServerApp.token=", "--ServerApp.password=", f"--port={PORT}",
         "--ip=127.0.0.1", f"--ServerApp.root_dir={folder}", "--allow-root", "--LabApp.news_url=",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for_server(f"http://127.0.0.1:{PORT}/api/status", proc)
        yield folder, diary
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_the_notebook_in_jupyterlab_follows_the_learner_and_never_saves_their_entries(lab, browser):
    folder, diary = lab
    foreign: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:  # the session's one Chromium (tests/conftest.py): Playwright's sync API allows one per thread
        page = context.new_page()
        page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(
            (f"http://127.0.0.1:{PORT}", f"ws://127.0.0.1:{PORT}", "data:", "blob:", "about:")) else None)
        try:
            page.goto(f"http://127.0.0.1:{PORT}/lab/tree/pain-diary.ipynb")
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
            select = page.locator(".jp-Dialog button", has_text="Select")
            try:  # JupyterLab may ask which kernel to use: the notebook's own (Python 3)
                select.wait_for(timeout=15_000)
                select.click()
            except Exception:  # noqa: BLE001 - no dialog this time
                pass
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_text("Run All Cells", exact=True).click()
            page.wait_for_selector("button:has-text('Save entry')", timeout=120_000)
            page.wait_for_function(
                "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
                ".every(p => /\\[\\d+\\]/.test(p.textContent))", timeout=180_000)

            banner = page.locator(".diary-banner").first
            assert "MADE-UP SAMPLE" in banner.inner_text()
            # The sample's 14 weeks, before any own entry.
            page.wait_for_function(
                "() => document.querySelector('table.diary-weekly tbody')?.rows.length === 14", timeout=60_000)

            # Button labels are not cut off (the export buttons sit in a closed section: open it first).
            page.get_by_text("Export, import, or make a PDF for your clinician").first.click()
            for label in ("Save entry", "Export a copy", "Import entries", "Make the PDF", "Save rating"):
                button = page.locator("button", has_text=label).first
                button.scroll_into_view_if_needed()
                cut = button.evaluate("b => b.scrollWidth > b.clientWidth + 1")
                assert not cut, f"the label of {label!r} is cut off"

            # First own entry: pain 7 with a note.
            handle = page.locator(".noUi-handle").first
            handle.scroll_into_view_if_needed()
            handle.click()
            for _ in range(7):
                page.keyboard.press("ArrowRight")
            page.get_by_placeholder("anything you want to remember").fill(SECRET)
            page.locator("button", has_text="Save entry").click()
            page.wait_for_selector("text=Saved:", timeout=30_000)
            assert "pain 7" in page.locator("p[role=status]", has_text="Saved:").first.inner_text()

            # Every view now shows the learner's own diary, without re-running a cell.
            page.wait_for_function("() => document.querySelector('.diary-banner').textContent.includes('your diary')",
                                   timeout=30_000)
            assert ": 1 entry from" in banner.inner_text()
            page.wait_for_function(
                "() => document.querySelector('table.diary-weekly tbody')?.rows.length === 1", timeout=30_000)

            # A second entry with the same pain saves.
            page.locator("button", has_text="Save entry").click()
            page.wait_for_function("() => document.querySelector('.diary-banner').textContent.includes('2 entries')",
                                   timeout=30_000)
            assert diary.read_text("utf-8-sig").count("\n") == 3

            # Readable at 375 px: no chart or table sticks out of the page.
            page.set_viewport_size({"width": 375, "height": 800})
            page.locator(".jp-Notebook").first.click(position={"x": 5, "y": 5})
            page.keyboard.press("Control+b")  # close the file browser, as on a phone
            page.wait_for_timeout(2000)
            too_wide = page.evaluate(
                "() => [...document.querySelectorAll('.jp-OutputArea-output img')]"
                ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.alt || e.src.slice(0, 40))")
            assert too_wide == []
            page.set_viewport_size({"width": 1280, "height": 900})

            # Ctrl+S, then read the file the learner would share.
            before = (folder / "pain-diary.ipynb").stat().st_mtime
            page.locator(".jp-Notebook").first.click()
            page.keyboard.press("Control+s")
            end = time.time() + 30
            while (folder / "pain-diary.ipynb").stat().st_mtime == before and time.time() < end:
                time.sleep(0.3)
        except Exception:
            page.screenshot(path=str(folder / "lab-failure.png"), full_page=True)
            print(f"screenshot: {folder / 'lab-failure.png'}")
            raise
    finally:
        context.close()
    saved = (folder / "pain-diary.ipynb").read_text("utf-8")
    assert (folder / "pain-diary.ipynb").stat().st_mtime != before, "the notebook was not saved"
    json.loads(saved)
    for private in (SECRET, "<strong>your diary</strong>", str(diary), "pain 7", "2 entries from"):
        assert private not in saved, f"{private!r} was saved into the notebook"
    assert foreign == []


def test_pytest_on_notebooks_alone_uses_the_sample_not_the_runners_diary(tmp_path):
    """`pytest notebooks/` without tests/ (so without tests/conftest.py) must not show the runner's diary."""
    own = tmp_path / "runner-diary.csv"
    own.write_bytes(b"date,time,pain,minutes_walked,exercises,tags,flare_up,notes,schema_version\r\n"
                    b"2025-01-06,08:30,9,,,,no,the runner's own entry,1\r\n")
    env = dict(os.environ, BACKCOURSE_DIARY=str(own), MPLBACKEND="Agg", PYTHONHASHSEED="0", PYTHONPATH=str(ROOT))
    env.pop("BACKCOURSE_DIARY_SAMPLE", None)
    proc = subprocess.run([sys.executable, "-m", "pytest", "notebooks/pain-diary.ipynb", "-q", "-p", "no:cacheprovider"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "runner's own entry" not in proc.stdout
