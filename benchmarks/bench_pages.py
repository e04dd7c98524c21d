"""Page weight and load time of every page of the built book, in headless Chromium.

Why: the course is read on phones, often on slow connections. For each page in _toc.yml (plus search and the
index) this opens the page in a fresh browser context (an empty cache, as a first-time reader), serves the book
from 127.0.0.1 with Python's HTTP server (no compression, so bytes are the files' sizes), and reports
- bytes: the HTML plus every same-origin file the page loaded (CSS, scripts, fonts, images, search index);
- load: navigation start to the end of the load event (median of --runs runs), and DOMContentLoaded.
Each page is also judged against the budget the browser tests hold (browser_support.BUDGET). It also counts
requests to other hosts (there must be none; the browser cannot reach them here anyway).

Run from the repository root after a build:
    python benchmarks/bench_pages.py                     # uses _build/html
    python benchmarks/bench_pages.py --html /tmp/build-x/_build/html --runs 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import (  # noqa: E402
    BUDGET, BookServer, cold_load, find_chromium, launch_chromium, missing_chromium_message, over_budget, toc_pages,
)

KB = 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html", help="the built book (_build/html)")
    parser.add_argument("--runs", type=int, default=3, help="cold loads per page; the median load time is shown")
    parser.add_argument("--width", type=int, default=375, help="viewport width in px (default: a phone)")
    args = parser.parse_args()

    if not (args.html / "book" / "intro.html").is_file():
        print(f"No built book in {args.html}: run `make build` (or jupyter-book build .) first.", file=sys.stderr)
        return 2
    executable = find_chromium()
    if executable is None:
        print(missing_chromium_message(), file=sys.stderr)
        return 2

    from playwright.sync_api import sync_playwright

    pages = toc_pages()
    rows = []
    with BookServer(args.html) as server, sync_playwright() as playwright:
        browser = launch_chromium(playwright, executable)
        browser.new_page().close()  # warm the browser process up, so the first page is not charged for it
        for page in pages:
            runs = [cold_load(browser, server, page, args.width) for _ in range(args.runs)]
            first = runs[0]
            rows.append({
                "page": page, **first,
                "load_ms": statistics.median(r["load_ms"] for r in runs),
                "dcl_ms": statistics.median(r["dcl_ms"] for r in runs),
            })
        browser.close()

    print(f"Chromium {executable}, viewport {args.width} px, empty cache, median of {args.runs} load(s); "
          f"served uncompressed from 127.0.0.1.\n")
    print(f"budget: {BUDGET['bytes'] / KB:.0f} KB ({BUDGET['widget_bytes'] / KB:.0f} KB with live widgets), "
          f"{BUDGET['requests']} requests, {BUDGET['load_ms']} ms load\n")
    print(f"{'page':<40} {'HTML KB':>8} {'total KB':>9} {'files':>6} {'DCL ms':>7} {'load ms':>8}  {'budget':<7} biggest file")
    for r in sorted(rows, key=lambda r: -r["bytes"]):
        name, size = r["largest"]
        verdict = "over" if over_budget(r) else "ok"
        print(f"{r['page']:<40} {r['html'] / KB:8.1f} {r['bytes'] / KB:9.1f} {r['requests']:6d} "
              f"{r['dcl_ms']:7.0f} {r['load_ms']:8.0f}  {verdict:<7} {name.rsplit('/', 1)[-1].split('?')[0]} ({size / KB:.0f} KB)")
    heaviest = max(rows, key=lambda r: r["bytes"])
    slowest = max(rows, key=lambda r: r["load_ms"])
    total_other = sum(r["other_hosts"] for r in rows)
    print(f"\npages: {len(rows)}")
    print(f"largest page: {heaviest['page']} {heaviest['bytes'] / KB:.0f} KB "
          f"(HTML {heaviest['html'] / KB:.0f} KB + {heaviest['requests'] - 1} files)")
    print(f"slowest load: {slowest['page']} {slowest['load_ms']:.0f} ms")
    print(f"median load: {statistics.median(r['load_ms'] for r in rows):.0f} ms; "
          f"median page weight: {statistics.median(r['bytes'] for r in rows) / KB:.0f} KB")
    print(f"requests to other hosts: {total_other}")
    print(f"pages over budget: {sum(1 for r in rows if over_budget(r))}")
    return 1 if total_other else 0


if __name__ == "__main__":
    sys.exit(main())
