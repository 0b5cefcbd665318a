"""Render the first pages of a demo LP's quarterly report to PNG for the README.

Refreshes the demo seeds into a temporary home (or uses --home), writes the report of
one LP (default: LP001 in F001, latest quarter) and renders its first pages with
pypdfium2 (a dev dependency) into docs/img/.

    .venv/bin/python scripts/report_pages.py            # or: make report-images
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

# Run as a script, the project root is not on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pypdfium2 as pdfium

from fundlens import SEEDS_DIR, report
from fundlens.refresh import refresh

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="a home with a published warehouse")
    parser.add_argument("--fund", default="F001")
    parser.add_argument("--lp", default="LP001")
    parser.add_argument("--pages", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="fundlens-report-pages-") as tmp:
        home = args.home
        if home is None:
            home = Path(tmp) / "home"
            print("Refreshing the demo seeds into a temporary home ...", flush=True)
            refresh(SEEDS_DIR, home)
        pdf = pdfium.PdfDocument(report.build_report(home, args.fund, None, args.lp))
        args.out.mkdir(parents=True, exist_ok=True)
        for i in range(min(args.pages, len(pdf))):
            path = args.out / f"report-page-{i + 1}.png"
            # 110 dpi: readable on GitHub, small in the repository.
            pdf[i].render(scale=110 / 72).to_pil().convert("P", palette=1, colors=256).save(
                path, optimize=True
            )
            print(f"Wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
