"""Write a generated portfolio to disk, one CSV at a time, with a progress bar."""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

from tqdm import tqdm

from fundlens.contract import FILES
from fundlens.errors import FundLensError
from fundlens.generate.portfolio import simulate_portfolio
from fundlens.generate.presets import DEFAULT_SEED, PRESETS
from fundlens.generate.rows import tables


def generate(
    out_dir: Path,
    *,
    seed: int = DEFAULT_SEED,
    funds: int = PRESETS["demo"].funds,
    companies: int = PRESETS["demo"].companies,
    progress: bool = False,
) -> dict[str, int]:
    """Write every input CSV of the data contract into `out_dir` (created if missing);
    return the rows written per file. `progress` draws bars on stderr (when a terminal).

    Each file is written under a temporary name and renamed when complete, so a crash
    never leaves a half-written file behind under a contract name."""
    if funds < 1:
        raise FundLensError(f"--funds must be at least 1 (got {funds}).")
    if companies < funds:
        raise FundLensError(
            f"--companies ({companies}) must be at least --funds ({funds}): "
            "every fund leads at least one company."
        )
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise FundLensError(f"--out {out_dir} exists and is not a directory.")
    out_dir.mkdir(parents=True, exist_ok=True)

    bars: dict[str, tqdm] = {}

    def bar(phase: str, total: int) -> tqdm:
        if phase not in bars:
            for other in bars.values():
                other.close()
            bars[phase] = tqdm(
                total=total,
                desc=f"{phase:<10}",
                unit="",
                file=sys.stderr,
                disable=None if progress else True,  # None: only on a terminal
                mininterval=0.5,
            )
        return bars[phase]

    totals = {"companies": companies, "funds": funds}
    portfolio = simulate_portfolio(
        seed,
        funds,
        companies,
        tick=lambda phase, n: bar(phase, totals.get(phase, 0)).update(n),
    )
    totals["holdings"] = len(portfolio.holdings)
    write_bar = bar("writing", len(FILES) - 1 + companies)
    rows = tables(portfolio, on_company=lambda: write_bar.update(1))
    counts: dict[str, int] = {}
    try:
        for name, spec in FILES.items():
            write_bar.set_postfix_str(spec.filename, refresh=False)
            path = out_dir / spec.filename
            tmp = path.with_name(f".{spec.filename}.tmp")
            width = len(spec.columns)
            n = 0
            with tmp.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh, lineterminator="\n")
                writer.writerow(spec.column_names)
                for row in rows[name]:
                    if len(row) != width:
                        raise AssertionError(f"{spec.filename}: row of {len(row)} fields: {row}")
                    writer.writerow(row)
                    n += 1
            os.replace(tmp, path)
            counts[spec.filename] = n
            if name != "company_kpis":
                write_bar.update(1)
    finally:
        for b in bars.values():
            b.close()
    return counts
