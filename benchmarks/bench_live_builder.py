"""How fast the online book's live routine builder is, and what it adds to the page, in Debian's Chromium.

Prints, for notebooks/build-your-routine.html of a built book (_build/html, or the folder given):
- bytes the page downloads as first loaded (before the button; the reader budget applies to this);
- bytes added by pressing "Build my plan here" (Pyodide's runtime, the engine zip);
- time to the first plan, cold (a fresh browser context, so nothing cached), from the button press;
- time to rebuild after a changed answer;
each the median of 5 runs. Offline: every request to another host is blocked (and counted).

    python benchmarks/bench_live_builder.py [_build/html]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import BookServer, find_chromium, launch_chromium  # noqa: E402

from backcourse import safety  # noqa: E402

PAGE = "notebooks/build-your-routine.html"
RUNS = 5


def run_once(browser, server) -> dict:
    context = browser.new_context(viewport={"width": 375, "height": 900})
    tab = context.new_page()
    sizes: dict[str, int] = {}
    other_hosts: list[str] = []

    def on_finished(request):
        response = request.response()
        try:
            body = response.body() if response else b""
        except Exception:  # a redirect or an aborted request has no body
            body = b""
        sizes[request.url] = len(body)

    tab.on("requestfinished", on_finished)
    tab.on("request", lambda r: None if server.is_local(r.url) else other_hosts.append(r.url))
    tab.goto(server.base + PAGE, wait_until="load")
    tab.wait_for_timeout(800)
    before = sum(sizes.values())
    seen = set(sizes)
    own = sum(size for url, size in sizes.items() if "/live-builder." in url)
    own += len(tab.evaluate("document.getElementById('live-builder').outerHTML").encode())
    for q in safety.QUESTIONS:
        tab.check(f'input[name="q-{q.id}"][value="no"]')
    tab.fill('input[name="start"]', "2026-01-05")
    start = time.perf_counter()
    tab.click("button.live-build")
    tab.wait_for_function("document.querySelector('.live-result').dataset.status === 'plan'", timeout=180_000)
    first = time.perf_counter() - start
    tab.wait_for_timeout(300)
    added = sum(size for url, size in sizes.items() if url not in seen)
    old = tab.inner_html(".live-result")
    start = time.perf_counter()
    tab.fill('input[name="sessions_per_week"]', "4")
    tab.dispatch_event('input[name="sessions_per_week"]', "change")
    tab.wait_for_function("(old) => document.querySelector('.live-result').innerHTML !== old", arg=old,
                          timeout=60_000)
    rebuild = time.perf_counter() - start
    context.close()
    return {"before": before, "own": own, "added": added, "first": first, "rebuild": rebuild, "other_hosts": len(other_hosts)}


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    html = Path(argv[0]) if argv else ROOT / "_build" / "html"
    if not (html / PAGE).is_file():
        print(f"{html / PAGE} is missing: build the book first (make build)")
        return 1
    executable = find_chromium()
    if executable is None:
        print("Chromium not found (/usr/bin/chromium or BACKCOURSE_CHROMIUM)")
        return 1
    with BookServer(html) as server, sync_playwright() as p:
        browser = launch_chromium(p, executable)
        runs = [run_once(browser, server) for _ in range(RUNS)]
        browser.close()
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    print(f"live routine builder, {PAGE}, median of {RUNS} cold runs at 375 px:")
    print(f"  page as first loaded:     {med['before'] / 1e6:.2f} MB (before the button, uncompressed)")
    print(f"    of which the builder:   {med['own'] / 1e3:.1f} kB (its form, script and styles)")
    print(f"  added by the button:      {med['added'] / 1e6:.2f} MB (Pyodide runtime + engine, uncompressed)")
    print(f"  first plan (cold):        {med['first']:.2f} s from the button press (aim <= 6 s)")
    print(f"  rebuild after a change:   {med['rebuild'] * 1000:.0f} ms (aim <= 300 ms)")
    print(f"  first plan, each run:     {', '.join(format(r['first'], '.2f') for r in runs)} s")
    print(f"  requests to other hosts:  {max(r['other_hosts'] for r in runs)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
