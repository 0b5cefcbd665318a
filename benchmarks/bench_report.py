"""How long does the LP quarterly report take? Targets: one report under 5 s, the demo's
whole quarterly batch (every LP of every fund) under 60 s.

Uses the published warehouse in --home (default: refresh the demo seeds into a temporary
home first) and prints, each next to a baseline measured in the same run (a one-page
reportlab PDF holding one matplotlib chart: the floor of any PDF with a chart):

- one LP report in a fresh process (`fundlens report`, imports included: what an operator
  waits for);
- one LP report in a warm process (what the app's download button costs);
- the whole batch (`write_batch`: the fund-level part and its charts are built once per
  fund and shared by its LPs).

    .venv/bin/python benchmarks/bench_report.py
    .venv/bin/python benchmarks/bench_report.py --home .fundlens
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, the project root is not on sys.path (and the editable install's
# finder then resolves `fundlens` as an empty namespace package).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fundlens import SEEDS_DIR, report
from fundlens.refresh import refresh
from fundlens.report import charts

ONE_REPORT_TARGET_S = 5.0
BATCH_TARGET_S = 60.0


def baseline_s() -> float:
    """A one-page PDF with one chart and a short table, with the same libraries."""
    import pandas as pd
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Image, SimpleDocTemplate, Table

    history = pd.DataFrame(
        {
            "quarter_end": pd.date_range("2019-03-31", periods=30, freq="QE"),
            "tvpi": [1 + i / 30 for i in range(30)],
            "dpi": [i / 60 for i in range(30)],
            "rvpi": [1 + i / 60 for i in range(30)],
        }
    )
    t0 = time.perf_counter()
    png = charts.multiples_over_time(history)
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build(
        [Table([["a", "1"], ["b", "2"]]), Image(io.BytesIO(png), width=300, height=200)]
    )
    return time.perf_counter() - t0


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="a home with a published warehouse")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="fundlens-bench-report-") as tmp:
        tmp_path = Path(tmp)
        home = args.home
        if home is None:
            home = tmp_path / "home"
            print("Refreshing the demo seeds into a temporary home ...", flush=True)
            refresh(SEEDS_DIR, home)
        with report.published(home) as pub:
            jobs = report.plan_batch(pub, None)
        job = jobs[0]

        baseline_s()  # warm the libraries up
        base = timed(baseline_s)
        fundlens = Path(sys.executable).with_name("fundlens")
        cold = timed(
            lambda: subprocess.run(
                [
                    str(fundlens),
                    "report",
                    "--home",
                    str(home),
                    "--fund",
                    job.fund_id,
                    "--lp",
                    job.lp_id,
                    "--out",
                    str(tmp_path / "cold.pdf"),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            ),
            repeat=2,
        )
        warm = timed(lambda: report.build_report(home, job.fund_id, job.quarter_end, job.lp_id))
        t0 = time.perf_counter()
        paths = report.write_batch(home, tmp_path / "batch")
        batch = time.perf_counter() - t0
        funds = len({j.fund_id for j in jobs})

    print(f"\nBaseline: a one-page PDF with one chart        {base:6.2f} s")
    print(
        f"One LP report, fresh process (CLI)            {cold:6.2f} s  "
        f"{cold / base:5.1f}x baseline  (target < {ONE_REPORT_TARGET_S:.0f} s: "
        f"{'ok' if cold < ONE_REPORT_TARGET_S else 'MISSED'})"
    )
    print(
        f"One LP report, warm process (app download)   {warm:6.2f} s  {warm / base:5.1f}x baseline"
    )
    print(
        f"Batch: {len(paths)} LP reports of {funds} fund(s)          {batch:6.2f} s  "
        f"{batch / base:5.1f}x baseline, {batch / len(paths):.2f} s per report  "
        f"(target < {BATCH_TARGET_S:.0f} s: {'ok' if batch < BATCH_TARGET_S else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
