"""How close is the validating loader to DuckDB's bare CSV speed?

Builds a valid input set (the demo seeds plus N synthetic investments, or a
`fundlens.generate.generate` portfolio with --funds/--companies), then times, in the
same run:

- baseline: a bare `CREATE TABLE ... AS SELECT * FROM read_csv(...)` of every file
- load():   `fundlens.load.load` of the same files (text read, strict conversion, `_line`,
            every row-level and cross-file rule)

    .venv/bin/python benchmarks/bench_load.py --rows 200000
    .venv/bin/python benchmarks/bench_load.py --funds 20 --companies 2000
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

# Run as a script, the project root is not on sys.path (and the editable install's
# finder then resolves `fundlens` as an empty namespace package).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fundlens import SEEDS_DIR
from fundlens.contract import FILES
from fundlens.load import load


def synthesize(out: Path, rows: int, seed: int = 1) -> None:
    """The demo seeds plus `rows` valid investments in existing funds and companies."""
    out.mkdir(parents=True, exist_ok=True)
    for spec in FILES.values():
        shutil.copyfile(SEEDS_DIR / spec.filename, out / spec.filename)
    with (SEEDS_DIR / "funds.csv").open(newline="") as f:
        funds = [r["fund_id"] for r in csv.DictReader(f)]
    with (SEEDS_DIR / "companies.csv").open(newline="") as f:
        companies = [r["company_id"] for r in csv.DictReader(f)]
    with (SEEDS_DIR / "investments.csv").open(newline="") as f:
        last = max(r["investment_date"] for r in csv.DictReader(f))
    year = int(last[:4])  # on or after every existing investment: other rules unchanged
    rng = random.Random(seed)
    rounds = ("seed", "series_a", "series_b", "series_c", "growth")
    with (out / "investments.csv").open("a", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        for i in range(rows):
            amount = round(rng.uniform(1e5, 5e7), 2)
            w.writerow(
                (
                    f"BENCH{i:08d}",
                    rng.choice(funds),
                    rng.choice(companies),
                    f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    rng.choice(rounds),
                    "equity",
                    amount,
                    "USD",
                    round(amount * rng.uniform(4, 20), 2),
                    round(rng.uniform(0.5, 30), 3),
                )
            )


def bare_read(seeds: Path, db: Path) -> float:
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    start = time.perf_counter()
    for spec in FILES.values():
        con.execute(
            f"CREATE TABLE {spec.name} AS SELECT * FROM read_csv('{seeds / spec.filename}')"
        )
    con.execute("CHECKPOINT")
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="synthetic investments")
    parser.add_argument("--funds", type=int, help="use fundlens.generate.generate instead")
    parser.add_argument("--companies", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3, help="best of N")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        seeds = Path(tmp) / "seeds"
        if args.funds:
            from fundlens.generate import generate

            generate(seeds, funds=args.funds, companies=args.companies)
        else:
            synthesize(seeds, args.rows)
        total = sum(
            sum(1 for _ in (seeds / s.filename).open(encoding="utf-8")) - 1 for s in FILES.values()
        )
        size = sum((seeds / s.filename).stat().st_size for s in FILES.values()) / 1e6
        print(f"input: {total:,} lines in {len(FILES)} files, {size:.1f} MB")
        bare = min(bare_read(seeds, Path(tmp) / "bare.duckdb") for _ in range(args.repeat))
        timings = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            counts = load(seeds, Path(tmp) / "load.duckdb")
            timings.append(time.perf_counter() - start)
        loaded = min(timings)
        print(f"rows loaded: {sum(counts.values()):,}")
        print(f"bare read_csv CTAS: {bare:.3f} s")
        print(f"load():             {loaded:.3f} s")
        print(f"ratio:              {loaded / bare:.2f}x")


if __name__ == "__main__":
    main()
