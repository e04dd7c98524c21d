"""A real JupyterLab for the tests: started on 127.0.0.1 in a copy of the course, driven with Playwright.

Why a copy: Run All in a learner's JupyterLab must not touch the repository's notebooks (their stored outputs
are what nbval compares). Why these settings: JupyterLab draws only the cells on screen by default
(``windowingMode``), which would hide most of a notebook from the checks; and it asks about "official Jupyter
news", a pop-up that covers the page in screenshots.
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

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("notebooks", "book", "data", "_config.yml", "_toc.yml")
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
}
#: Text that means MyST was shown as source instead of rendered.
RAW_MYST = (":::", "```", ":class:", "{doc}", "{ref}", "{cite", "{term}", "{exercise", "{solution", "{admonition",
            "{note}", "{bibliography", ":label:", ":filter:")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterLab:
    """``with JupyterLab(tmp) as lab:`` a JupyterLab serving a copy of the course; ``lab.url(path)``."""

    def __init__(self, workdir: Path, env: dict[str, str] | None = None, start_timeout: float = 180):
        self.workdir = workdir
        self.root = workdir / "course"
        self.port = free_port()
        self.extra_env = env or {}
        self.start_timeout = start_timeout
        self.process: subprocess.Popen | None = None
        self.log = workdir / "jupyterlab.log"

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def __enter__(self) -> JupyterLab:
        self.root.mkdir(parents=True, exist_ok=True)
        for name in COPIED:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, self.root / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
            else:
                shutil.copy2(source, self.root / name)
        settings = self.workdir / "settings"
        for name, value in SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value))
        env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings),
                   JUPYTERLAB_WORKSPACES_DIR=str(self.workdir / "workspaces"),
                   BACKCOURSE_DIARY=str(self.workdir / "diary.csv"), MPLBACKEND="Agg", **self.extra_env)
        command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={self.port}", "--ip=127.0.0.1",
                   "--ServerApp.token=", "--ServerApp.password=", "--LabApp.extension_manager=readonly",
                   f"--ServerApp.root_dir={self.root}", "--ServerApp.open_browser=False"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        self.process = subprocess.Popen(command, cwd=self.root, env=env, stdout=self.log.open("wb"),
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited: see {self.log}\n{self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url("lab"), timeout=5) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(1)
        self.__exit__()
        raise RuntimeError(f"JupyterLab did not answer within {self.start_timeout} s: see {self.log}")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def wait_idle(page, timeout_ms: int = 180_000) -> None:
    page.wait_for_function(
        "() => { const bar = document.querySelector('#jp-main-statusbar');"
        " return bar && bar.innerText.includes('Idle'); }", timeout=timeout_ms)


def open_notebook(page, lab: JupyterLab, relative: str) -> None:
    # ?reset: a fresh workspace, so only this notebook is open (no tabs restored from the last one).
    page.goto(lab.url(f"lab/tree/{relative}?reset"))
    page.locator(".jp-Notebook .jp-Cell:visible").first.wait_for(timeout=180_000)
    wait_idle(page)


def run_all(page, timeout_ms: int = 600_000) -> None:
    """Run → Run All Cells from the menu, as a learner would, and wait until the run has finished.

    Finished: every code cell ran ([n]) or the run stopped at an error (the cells after it stay [ ]), and the
    kernel is idle. The tests then look at what the learner sees.
    """
    # Clear the stored outputs first (Edit → Clear Outputs of All Cells), so the prompts show this run's numbers.
    page.get_by_role("menuitem", name="Edit", exact=True).click()
    page.get_by_role("menuitem", name="Clear Outputs of All Cells", exact=True).click()
    page.wait_for_function("() => ![...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
                           ".some(p => /\\[\\d+\\]/.test(p.textContent))")
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    page.wait_for_function(
        "() => { const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];"
        " const bar = document.querySelector('#jp-main-statusbar');"
        " return prompts.length > 0 && !prompts.some(p => p.textContent.includes('*'))"
        " && prompts.some(p => /\\[\\d+\\]/.test(p.textContent)) && bar && bar.innerText.includes('Idle'); }",
        timeout=timeout_ms)


RENDERED = ".jp-MarkdownCell .myst, .jp-MarkdownCell .jp-RenderedMarkdown"


def markdown_text(page) -> str:
    """The Markdown cells' rendered text (jupyterlab-myst renders into ``.myst``; plain Markdown into
    ``.jp-RenderedMarkdown``, which is where raw MyST would show)."""
    return "\n".join(page.eval_on_selector_all(RENDERED, "els => els.map(e => e.innerText)"))


def raw_myst(text: str) -> list[str]:
    return [pattern for pattern in RAW_MYST if pattern in text]
