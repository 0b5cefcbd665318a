"""How fast does the app show each page? Starts `fundlens app` on a copy of a published
home, signs in through the form in headless Chromium, and prints for every page the time
until its charts have rendered: on the first visit after the server starts (cold: every
query runs) and again in a fresh browser session (warm: the server's caches are filled).

The baseline, measured in the same run, is the sign-in form (a page that runs no query):
ratios say how many sign-in forms a page costs (the Overview, the landing page, includes
signing in). Targets on the demo data: the first page
under 2 s, every page warm under 1 s; on a large generated portfolio, warm under 2 s.

    .venv/bin/python benchmarks/bench_app.py              # refreshes a temporary demo home
    .venv/bin/python benchmarks/bench_app.py --home H     # a published home (not modified)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from appdriver import (  # noqa: E402
    PAGES,
    chromium,
    home_with_user,
    open_page,
    running_app,
    sign_in,
    wait_rendered,
)

TIMED = [title for title in PAGES if title != "Capital account"] + ["Capital account"]


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def visit_all(browser, url: str, password: str) -> tuple[float, dict[str, float]]:
    """One browser session: the sign-in form's time, then each page's."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    form = timed(lambda: (page.goto(url), page.get_by_role("button", name="Sign in").wait_for()))
    times = {
        "Overview": timed(lambda: (sign_in(page, url, "bench", password), wait_rendered(page)))
    }
    for title in TIMED[1:]:
        times[title] = timed(lambda t=title: open_page(page, url, t))
    context.close()
    return form, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="a published FundLens home (default: demo)")
    parser.add_argument("--warm-runs", type=int, default=3, help="warm sessions (median shown)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fundlens-bench-app-") as tmp:
        home = Path(tmp) / "home"
        password = home_with_user(args.home, home, "bench")
        with running_app(home) as url, chromium() as browser:
            form_cold, cold = visit_all(browser, url, password)
            warm_runs = [visit_all(browser, url, password) for _ in range(args.warm_runs)]
    form = statistics.median(f for f, _ in warm_runs)
    print(f"\nbaseline: the sign-in form {form:.2f} s (first {form_cold:.2f} s)\n")
    print(f"{'page':<17}{'first (s)':>10}{'warm (s)':>10}{'first/form':>12}{'warm/form':>11}")
    for title in TIMED:
        warm = statistics.median(times[title] for _, times in warm_runs)
        print(
            f"{title:<17}{cold[title]:>10.2f}{warm:>10.2f}"
            f"{cold[title] / form:>12.1f}{warm / form:>11.1f}"
        )


if __name__ == "__main__":
    main()
