"""Render the README's screenshots of the app (Overview, Exposure, Capital account) into
docs/img/*.png, from the demo warehouse in a temporary home.

    .venv/bin/python scripts/screenshots.py            # refreshes a temporary demo home
    .venv/bin/python scripts/screenshots.py --home H   # a copy of a published home H

A temporary operator signs in (in the temporary copy; H is never modified).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from appdriver import (  # noqa: E402
    chromium,
    home_with_user,
    open_page,
    running_app,
    sign_in,
    wait_rendered,
)

SHOTS = {
    "Overview": "overview.png",
    "Exposure": "exposure.png",
    "Capital account": "capital_account.png",
}
WIDTH, HEIGHT = 1280, 900


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="a published FundLens home (default: build one)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fundlens-shots-") as tmp:
        home = Path(tmp) / "home"
        password = home_with_user(args.home, home, "screenshots")
        with running_app(home) as url, chromium() as browser:
            context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
            page = context.new_page()
            sign_in(page, url, "screenshots", password)
            wait_rendered(page)
            for title, name in SHOTS.items():
                open_page(page, url, title)
                page.screenshot(path=str(args.out / name), full_page=False)
                print(f"{title}: {args.out / name}")
            context.close()


if __name__ == "__main__":
    main()
