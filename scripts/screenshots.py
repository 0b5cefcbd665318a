"""Render the README's screenshots of the app (Overview, Exposure, Capital account) into
docs/img/*.png, from the demo warehouse in a temporary home.

    .venv/bin/python scripts/screenshots.py            # refreshes a temporary demo home
    .venv/bin/python scripts/screenshots.py --home H   # uses an already published home H
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from appdriver import chromium, open_page, running_app  # noqa: E402

SHOTS = {"Overview": "overview.png", "Exposure": "exposure.png"}
WIDTH, HEIGHT = 1280, 900


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="a published FundLens home (default: build one)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fundlens-shots-") as tmp:
        home = args.home
        if home is None:
            from fundlens import SEEDS_DIR
            from fundlens.refresh import refresh

            home = Path(tmp) / "home"
            print("Building the demo warehouse ...", flush=True)
            refresh(SEEDS_DIR, home)
        with running_app(home) as url, chromium() as browser:
            context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
            page = context.new_page()
            for title, name in SHOTS.items():
                open_page(page, url, title)
                page.screenshot(path=str(args.out / name), full_page=False)
                print(f"{title}: {args.out / name}")
            context.close()


if __name__ == "__main__":
    main()
