"""Shared fixtures: one build of the whole book per test session, reused by every test that needs it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The book and nbval always show the synthetic sample diary: build_support sets BACKCOURSE_DIARY_SAMPLE=1
# before any kernel starts.
from build_support import ROOT, BookBuild, build_book  # noqa: F401


@pytest.fixture(scope="session")
def book() -> BookBuild:
    """The book, built once per session with the README's command (cached notebook execution).

    Set BACKCOURSE_BUILD_PARENT to build somewhere other than the repository root (several builds at once).
    """
    parent = Path(os.environ.get("BACKCOURSE_BUILD_PARENT", ROOT))
    return build_book(parent)


from browser_support import find_chromium, launch_chromium, missing_chromium_message  # noqa: E402
from browser_support import pytest_terminal_summary  # noqa: E402,F401  (prints where the browser screenshots are)


# --- One Chromium per test session, shared by the book's browser tests and the JupyterLab tests ---------------
# (Playwright's sync API allows one running instance per thread.)

@pytest.fixture(scope="session")
def chromium() -> str:
    executable = find_chromium()
    if executable is None:
        pytest.fail(missing_chromium_message(), pytrace=False)
    return executable


@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chrome = launch_chromium(playwright, chromium)
        yield chrome
        chrome.close()
