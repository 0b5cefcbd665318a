"""Drive the FundLens app in headless Chromium: start `fundlens app` on a free localhost
port, open pages, wait until their charts have rendered. Used by the app benchmark
(`benchmarks/bench_app.py`) and the README screenshots (`scripts/screenshots.py`).

Needs Debian's Chromium at /usr/bin/chromium (`make browser`) and Playwright (dev extra);
no browser is ever downloaded and no request leaves 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FUNDLENS = Path(sys.executable).with_name("fundlens")
# The pages of the app's navigation: title as in the sidebar, and its URL path.
PAGES = {
    "Overview": "",
    "Exposure": "exposure",
    "Performance": "performance",
    "Companies": "companies",
    "Market": "market",
    "Capital account": "capital_account",
}


def home_with_user(source: Path | None, dest: Path, username: str) -> str:
    """Fill `dest` with a published home (a copy of `source`, or the demo data refreshed
    when it is None; `source` is never modified) and add an operator `username`; return
    the operator's generated password."""
    if source is None:
        from fundlens import SEEDS_DIR
        from fundlens.refresh import refresh

        print("Building the demo warehouse ...", flush=True)
        refresh(SEEDS_DIR, dest)
    else:
        shutil.copytree(source, dest, symlinks=True)
    from fundlens import users

    password = secrets.token_urlsafe(16)
    users.add_user(dest, username, "operator", password)
    return password


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(home: Path, timeout: float = 60) -> Iterator[str]:
    """`fundlens app` serving `home` on 127.0.0.1; yields its URL, stops it on exit."""
    if not FUNDLENS.exists():
        raise SystemExit(f"{FUNDLENS} not found: run `make .venv/.installed-dev` first.")
    port = free_port()
    proc = subprocess.Popen(
        [str(FUNDLENS), "app", "--home", str(home), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "FUNDLENS_HOME": ""},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health").read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"The app did not start on {url}.") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """Headless Chromium driven by Playwright (a Browser)."""
    if not CHROMIUM.exists():
        raise SystemExit("Debian's chromium is not installed: run `make browser` (as root).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_rendered(page, timeout_ms: int = 60_000) -> None:
    """Wait until the script run is over and every visible chart on the page has drawn."""
    # the app's root says whether the script runs (initial -> running -> notRunning)
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            const state = app && app.getAttribute('data-test-script-state');
            return state && state !== 'initial' && state !== 'running'
                && document.querySelectorAll('[data-testid="stSkeleton"]').length === 0;
        }""",
        timeout=timeout_ms,
    )
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
                 .filter(c => c.offsetParent !== null)  // charts in hidden tabs never draw
                 .every(c => c.querySelector('canvas, svg'))""",
        timeout=timeout_ms,
    )
    page.wait_for_function(
        """() => document.querySelectorAll('[data-testid="stVegaLiteChart"]').length
                 + document.querySelectorAll('[data-testid="stMetricValue"]').length
                 + document.querySelectorAll('[data-testid="stAlert"]').length > 0""",
        timeout=timeout_ms,
    )


def sign_in(page, url: str, username: str, password: str) -> None:
    """Sign in through the app's login form (it is all a visitor sees)."""
    page.goto(url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def open_page(page, url: str, title: str) -> None:
    """Go to one page of the app (signed in) by its link in the sidebar and wait for it to
    render."""
    page.get_by_role("link", name=title).first.click()
    page.wait_for_url(f"{url}/{PAGES[title]}", timeout=60_000)
    page.locator("h1").filter(has_text=title).first.wait_for(timeout=60_000)
    wait_rendered(page)


def full_page_screenshot(page, path: str) -> None:
    """A screenshot of the whole page. Streamlit scrolls inside its main container, so
    the viewport is made as tall as the content first (and restored afterwards)."""
    size = page.viewport_size
    height = page.evaluate(
        """() => Math.max(...[...document.querySelectorAll(
                 '[data-testid="stMain"], [data-testid="stMainBlockContainer"]')]
                 .map(e => e.scrollHeight))"""
    )
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height + 80)})
    wait_rendered(page)
    page.screenshot(path=path, full_page=True)
    page.set_viewport_size(size)
