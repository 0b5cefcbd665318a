"""The main journeys in a real browser: Playwright driving Debian's Chromium against
`fundlens app` on localhost. Needs /usr/bin/chromium (`make browser` installs it)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

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

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed: run `make browser`"
)


@pytest.fixture(scope="module")
def app_url(demo_home: Path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [str(FUNDLENS), "app", "--home", str(demo_home), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "FUNDLENS_HOME": ""},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health").read()
            break
        except OSError:
            assert proc.poll() is None and time.monotonic() < deadline, "app did not start"
            time.sleep(0.3)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    page.screenshot(path=str(tmp_path / "last.png"), full_page=True)  # kept for debugging
    context.close()


def _first_fund(warehouse) -> tuple[str, str]:
    return warehouse.execute(
        "select fund_id, fund_name from marts.dim_funds order by vintage_year, fund_id limit 1"
    ).fetchone()


def test_exposure_page_shows_charts_and_tables(app_url, page, warehouse):
    _, fund_name = _first_fund(warehouse)
    page.goto(app_url)
    page.wait_for_selector('[data-testid="stVegaLiteChart"]', timeout=60_000)
    page.get_by_text(fund_name).first.wait_for()
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=60_000)  # slow machines
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 2
    assert page.locator('[data-testid="stDataFrame"]').count() >= 2
    assert page.locator('[data-testid="stException"]').count() == 0


def test_performance_page_shows_the_latest_multiples(app_url, page, warehouse):
    fund_id, _ = _first_fund(warehouse)
    tvpi, dpi = warehouse.execute(
        "select tvpi, dpi from marts.fund_performance where fund_id = ? "
        "order by quarter_end desc limit 1",
        [fund_id],
    ).fetchone()
    page.goto(app_url)
    page.get_by_role("link", name="Performance").click()
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=60_000)
    page.get_by_text(f"{tvpi:.2f}x").first.wait_for(timeout=30_000)
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert f"{tvpi:.2f}x" in values and f"{dpi:.2f}x" in values, values
    assert page.locator('[data-testid="stException"]').count() == 0


def test_the_app_asks_nothing_of_other_servers(app_url, page):
    """Offline-safe: every request (page icon included) goes to the app itself."""
    from urllib.parse import urlparse

    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(app_url)
    page.wait_for_selector('[data-testid="stVegaLiteChart"]', timeout=60_000)
    page.wait_for_load_state("networkidle")
    icon = page.locator("link[rel*='icon']").first.get_attribute("href") or ""
    assert not icon.startswith("http") or urlparse(icon).hostname == "127.0.0.1", icon
    hosts = {urlparse(u).hostname for u in requested if u.startswith("http")}
    assert hosts == {"127.0.0.1"}, sorted(u for u in requested if "127.0.0.1" not in u)
