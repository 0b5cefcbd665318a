"""Analysts' SQL: how long `fundlens sql` takes from process start to result, and what the
sandbox adds over a plain read-only DuckDB query in the app. Prints how the time splits.

    .venv/bin/python benchmarks/bench_sql.py [--home DIR] [--runs N]

Targets (issue 10): a simple aggregate through `fundlens sql` under 300 ms, process
start-up included; the app's sandbox under 100 ms over a plain read-only query.
Baselines are measured in the same run, on the same machine.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from fundlens.home import public_path, resolve_home
from fundlens.sandbox import Sandbox, ShellUser

QUERY = (
    "select fund_id, count(*) as holdings, sum(fair_value) as fair_value "
    "from marts.fct_positions_quarterly group by fund_id order by fund_id"
)
BIN = Path(sys.executable).parent


def median_s(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, capture_output=True)


def bench_cli(home: Path, runs: int) -> None:
    py = [sys.executable, "-c"]
    total = median_s(lambda: run([str(BIN / "fundlens"), "sql", "--home", str(home), QUERY]), runs)
    python = median_s(lambda: run([*py, "pass"]), runs)
    cli_imports = median_s(lambda: run([*py, "import fundlens.cli, fundlens.sandbox"]), runs)
    engine = median_s(lambda: run([*py, "import _duckdb"]), runs)
    package = median_s(lambda: run([*py, "import duckdb"]), runs)
    sandbox = Sandbox("fork")
    steps: dict[str, list[float]] = {}
    for _ in range(runs):
        for step, secs in sandbox.run(QUERY, user=ShellUser(), home=home).timings.items():
            steps.setdefault(step, []).append(secs)
    split = {k: statistics.median(v) for k, v in steps.items()}

    print(f"fundlens sql, process start to result (median of {runs}):")
    print(f"  total                                 {total * 1000:7.0f} ms   (target < 300 ms)")
    print(f"    = {total / python:.1f}x a bare `python -c pass` on this machine now")
    print(f"  python start-up                       {python * 1000:7.0f} ms")
    print(f"  CLI imports (no duckdb)               {(cli_imports - python) * 1000:7.0f} ms")
    print(f"  worker: fork + import _duckdb         {split['worker_start'] * 1000:7.0f} ms")
    print(f"    (import _duckdb alone               {(engine - python) * 1000:7.0f} ms;")
    print(f"     import duckdb, the full package    {(package - python) * 1000:7.0f} ms)")
    for step in ("check", "connect", "query"):
        print(f"  worker: {step:<30}{split[step] * 1000:7.0f} ms")


def bench_app(home: Path, runs: int) -> None:
    import duckdb

    path = str(public_path(home).resolve())

    def plain() -> None:  # what app/queries.py does for its own queries
        con = duckdb.connect(path, read_only=True)
        try:
            con.execute(QUERY).fetchall()
        finally:
            con.close()

    plain()
    baseline = median_s(plain, runs)
    print(f"\napp: sandbox vs a plain read-only query in-process (median of {runs}):")
    print(f"  plain read-only connect + query       {baseline * 1000:7.0f} ms")
    variants = {
        "spawn, spare ready (the app)": Sandbox("spawn"),
        "spawn, no spare": Sandbox("spawn", keep_spare=False),
        "fork (the CLI)": Sandbox("fork"),
    }
    for label, box in variants.items():
        times: list[float] = []
        starts: list[float] = []
        for _ in range(runs):
            box.warm_up(home, wait=True)  # an analyst takes longer to type than a spare to start
            start = time.perf_counter()
            result = box.run(QUERY, user=ShellUser(), home=home)
            times.append(time.perf_counter() - start)
            starts.append(result.timings["worker_start"])
        box.close()
        took = statistics.median(times)
        print(
            f"  sandbox, {label:<29}{took * 1000:6.0f} ms = +{(took - baseline) * 1000:4.0f} ms"
            f" ({took / baseline:.1f}x; worker start {statistics.median(starts) * 1000:.0f} ms)"
        )
    print("  (target: the app's sandbox < 100 ms over plain)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="a published home (default: $FUNDLENS_HOME)")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    home = resolve_home(args.home)
    if not public_path(home).exists():
        sys.exit(f"Nothing is published in {home}: run `fundlens refresh` first.")
    bench_cli(home, args.runs)
    bench_app(home, args.runs)


if __name__ == "__main__":
    main()
