"""Our XIRR (fundlens/xirr.py, vectorised numpy) against pyxirr (Rust) on the same series.

The series look like gross IRR's: for each fund and quarter end, every investment to
date (negative), the realizations to date (positive) and the fair value at the quarter
end (positive), i.e. funds x quarters series of growing length. Prints both timings,
their ratio and how often the two agree (within 1e-9 relative, or both without a root).

    .venv/bin/python benchmarks/bench_xirr.py --funds 100 --quarters 40 --flows 250
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import pyxirr

from fundlens.xirr import xirr_ragged


def fund_series(rng: random.Random, quarters: int, flows: int) -> list[tuple[list, list]]:
    start = date(2015, 1, 1)
    events = []
    for _ in range(flows):
        day = start + timedelta(days=rng.randint(0, quarters * 91))
        if rng.random() < 0.85:
            events.append((day, -rng.uniform(1e5, 5e6)))
        else:
            events.append((day, rng.uniform(1e5, 2e7)))
    events.sort()
    out = []
    for q in range(1, quarters + 1):
        end = start + timedelta(days=q * 91)
        to_date = [(d, a) for d, a in events if d <= end]
        invested = -sum(a for _, a in to_date if a < 0)
        if not to_date:
            continue
        fair_value = invested * rng.uniform(0.5, 2.5)
        out.append(([a for _, a in to_date] + [fair_value], [d for d, _ in to_date] + [end]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--funds", type=int, default=100)
    parser.add_argument("--quarters", type=int, default=40)
    parser.add_argument("--flows", type=int, default=250, help="investments + exits per fund")
    args = parser.parse_args()
    rng = random.Random(1)
    series = [s for _ in range(args.funds) for s in fund_series(rng, args.quarters, args.flows)]
    n_flows = sum(len(a) for a, _ in series)

    t0 = time.perf_counter()
    offsets = np.concatenate([[0], np.cumsum([len(a) for a, _ in series])])
    amounts = np.fromiter((x for a, _ in series for x in a), float, count=n_flows)
    days = np.fromiter((d.toordinal() for _, ds in series for d in ds), float, count=n_flows)
    ours = xirr_ragged(amounts, days, offsets)
    ours_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    theirs = []
    for a, d in series:
        try:
            theirs.append(pyxirr.xirr(d, a, silent=True))
        except pyxirr.InvalidPaymentsError:
            theirs.append(None)
    theirs_s = time.perf_counter() - t0

    agree = sum(
        (np.isnan(o) and t is None)
        or (t is not None and not np.isnan(o) and abs(o - t) <= 1e-9 * max(1.0, abs(t)))
        for o, t in zip(ours, theirs, strict=True)
    )
    print(f"{len(series)} series, {n_flows:,} flows")
    print(f"  ours (numpy)  {ours_s:7.3f}s")
    print(f"  pyxirr (Rust) {theirs_s:7.3f}s   ours / pyxirr = {ours_s / theirs_s:.1f}x")
    print(f"  agree on {agree} of {len(series)} series ({100 * agree / len(series):.1f}%)")


if __name__ == "__main__":
    main()
