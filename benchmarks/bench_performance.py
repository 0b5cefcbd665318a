"""Does computing fund performance dominate a refresh?

Generates a synthetic portfolio with `fundlens.generate.generate` (default 200 funds, about
40 quarters each), builds it with `fundlens.build.build` (the refresh's load and `dbt
build`) into a temporary directory, and prints, from dbt's run_results.json, the time
of the performance step (the fund_performance model and its int_fund_* parents, XIRR
UDF calls included) next to the time of the whole refresh (load + dbt build, wall
clock), and their ratio.
Target: under 10%.

    .venv/bin/python benchmarks/bench_performance.py
    .venv/bin/python benchmarks/bench_performance.py --funds 50 --companies 500
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, the project root is not on sys.path (and the editable install's
# finder then resolves `fundlens` as an empty namespace package).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb

from fundlens.build import build
from fundlens.generate import generate

# The performance step: fund_performance and the parents built for it alone
# (int_fund_quarters and the position models are shared with the exposure marts).
PERFORMANCE_MODELS = {
    "int_fund_benchmark_closes_ranged",
    "int_fund_cash_flows_indexed",
    "int_fund_portfolio_valued",
    "int_fund_navs_rolled_forward",
    "int_fund_returns_computed",
    "fund_performance",
}
PRIVATE_MODELS = {"lp_capital_accounts"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--funds", type=int, default=200)
    parser.add_argument("--companies", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="fundlens-bench-") as tmp:
        tmp_path = Path(tmp)
        seeds = tmp_path / "seeds"
        t0 = time.perf_counter()
        generate(seeds, seed=args.seed, funds=args.funds, companies=args.companies)
        generate_s = time.perf_counter() - t0

        db = tmp_path / "warehouse.duckdb"
        t0 = time.perf_counter()
        build(seeds, db, tmp_path)
        refresh_s = time.perf_counter() - t0

        results = json.loads((tmp_path / "target" / "run_results.json").read_text())
        by_model: dict[str, float] = {}
        dbt_total = 0.0
        for r in results["results"]:
            dbt_total += r["execution_time"]
            uid = r["unique_id"]
            if uid.startswith("model."):
                by_model[uid.split(".")[-1]] = r["execution_time"]
        perf_s = sum(by_model.get(m, 0.0) for m in PERFORMANCE_MODELS)
        private_s = sum(by_model.get(m, 0.0) for m in PRIVATE_MODELS)

        con = duckdb.connect(str(db), read_only=True)
        rows, series = con.execute(
            "select count(*), count(net_irr) + count(direct_alpha) + count(gross_irr) "
            "from marts.fund_performance"
        ).fetchone()
        flows = con.execute("select count(*) from raw.fund_cash_flows").fetchone()[0]
        con.close()

    print(f"synthetic portfolio: {args.funds} funds, {args.companies} companies")
    print(f"  generated in {generate_s:.1f} s; {flows} LP cash flows")
    print(f"  fund_performance: {rows} fund-quarters, {series} non-null IRRs")
    print(f"  ({rows / max(args.funds, 1):.1f} quarters per fund)")
    print()
    print(f"whole refresh (load + dbt build, wall clock): {refresh_s:8.2f} s")
    print(f"  dbt node time, summed over threads:         {dbt_total:8.2f} s")
    print(f"performance step (models below):              {perf_s:8.2f} s")
    for m in sorted(PERFORMANCE_MODELS, key=lambda m: -by_model.get(m, 0.0)):
        print(f"  {m:<40} {by_model.get(m, 0.0):8.2f} s")
    print(f"lp_capital_accounts (private mart):           {private_s:8.2f} s")
    print()
    ratio = perf_s / refresh_s
    verdict = "OK" if ratio < 0.10 else "ABOVE TARGET"
    print(f"performance / whole refresh: {ratio:.1%} (target < 10%: {verdict})")
    print(f"performance / dbt node time: {perf_s / dbt_total:.1%}")
    print(
        "(node times include waiting for the GIL and the cores while dbt runs other nodes\n"
        " on its other threads; FUNDLENS_DBT_THREADS=1 measures each node alone)"
    )


if __name__ == "__main__":
    main()
