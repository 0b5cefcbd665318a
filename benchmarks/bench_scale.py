"""How does a refresh scale with the portfolio? One preset, measured in one run.

1. `fundlens generate --preset P` into a temporary directory (timed, rows per input);
2. the load floor: DuckDB alone reading every input CSV into a table (one connection,
   `create table ... as select * from read_csv(...)`), i.e. what no refresh can beat;
3. `fundlens refresh` into a fresh home with an empty parse cache (cold: dbt parses the
   project), then again (warm: dbt reuses its parse), each in its own process, with the
   peak memory of the whole process tree (refresh + dbt) sampled from /proc;
4. the dbt floor: what dbt itself costs to run our graph, i.e. a bare dbt project with
   the same models (same dependencies and materializations, each `select 1 as id`) and
   the same tests (each on the same models, returning no row), built cold then warm with
   the refresh's own dbt invocation (`build.run_dbt`) into a fresh database each time.
   No refresh of our project with dbt can beat floor + dbt floor.

Prints a summary and writes it as JSON (--json, default benchmarks/results/<preset>.json):
rows per input, wall times, floor, dbt floor, ratio refresh / floor, each step's time (load,
parse, build, public copy, publish), the 10 slowest dbt nodes and peak memory.

    make bench-scale PRESET=medium
    .venv/bin/python benchmarks/bench_scale.py --preset large --runs 1
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

# Run as a script, the project root is not on sys.path (and the editable install's
# finder then resolves `fundlens` as an empty namespace package).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb
import yaml

from fundlens import PROJECT_DIR
from fundlens.build import run_dbt
from fundlens.contract import FILES
from fundlens.generate import PRESETS
from fundlens.refresh import CACHE_ENV

ROOT = Path(__file__).resolve().parent.parent
FUNDLENS = Path(sys.executable).with_name("fundlens")


def _tree_rss(root: int) -> int:
    """Resident memory of `root` and all its descendants, in bytes."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry.name), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack += children.get(pid, [])
    return total


def run_measured(cmd: list[str], **kwargs) -> tuple[float, int, subprocess.CompletedProcess]:
    """Run `cmd`; return its wall time, the peak RSS of its process tree and the result."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            **kwargs)  # fmt: skip
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    done.set()
    sampler.join()
    wall = time.perf_counter() - started
    return wall, peak, subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def load_floor(seeds: Path, work: Path) -> float:
    """DuckDB alone reading every input CSV into a table of a new database file."""
    db = work / "floor.duckdb"
    started = time.perf_counter()
    con = duckdb.connect(str(db))
    for spec in FILES.values():
        con.execute(
            f'create table "{spec.name}" as select * from read_csv(?, header = true)',
            [str(seeds / spec.filename)],
        )
    con.execute("checkpoint")
    con.close()
    return time.perf_counter() - started


def bare_project(manifest: dict, dest: Path) -> tuple[int, int]:
    """Write a dbt project into `dest` with the graph of `manifest` and none of its work:
    one model per model (its materialization and dependencies, `select 1 as id`) and
    one singular test per test (depending on the same models, returning no row).
    Returns (models, tests)."""
    nodes = manifest["nodes"].values()
    models = {n["unique_id"]: n for n in nodes if n["resource_type"] == "model"}
    tests = [n for n in nodes if n["resource_type"] == "test"]

    def refs(node: dict) -> str:
        return "".join(
            f"-- depends_on: {{{{ ref('{models[uid]['name']}') }}}}\n"
            for uid in node["depends_on"]["nodes"]
            if uid in models
        )

    (dest / "models").mkdir(parents=True)
    (dest / "tests").mkdir()
    (dest / "dbt_project.yml").write_text(
        "name: bare\nversion: '1.0'\nprofile: bare\nmodel-paths: [models]\ntest-paths: [tests]\n"
    )
    # the refresh's profile, less the plugin (fundlens's SQL functions)
    target = yaml.safe_load((PROJECT_DIR / "profiles.yml").read_text())["fundlens"]["outputs"]
    duckdb_target = {k: v for k, v in target["duckdb"].items() if k != "plugins"}
    profile = {"bare": {"target": "duckdb", "outputs": {"duckdb": duckdb_target}}}
    (dest / "profiles.yml").write_text(yaml.safe_dump(profile))
    for node in models.values():
        materialized = node["config"]["materialized"]
        (dest / "models" / f"{node['name']}.sql").write_text(
            f"{{{{ config(materialized='{materialized}') }}}}\n{refs(node)}select 1 as id\n"
        )
    for i, node in enumerate(tests):
        test = dest / "tests" / f"test_{i:04d}.sql"
        test.write_text(f"{refs(node)}select 1 as id where false\n")
    return len(models), len(tests)


def dbt_floor(manifest: dict, work: Path) -> dict:
    """Build the bare project of `manifest`'s graph twice: cold (dbt parses it), then warm
    (dbt reuses that parse, as a warm refresh does); a fresh database each time."""
    project = work / "bare"
    models, tests = bare_project(manifest, project)
    seconds = []
    for label in ("cold", "warm"):
        db = work / f"bare-{label}" / "bare.duckdb"
        started = time.perf_counter()
        run = run_dbt(
            ["build"], db, db.parent, parse_cache=work / "bare-cache", project_dir=project
        )
        seconds.append(round(time.perf_counter() - started, 2))
        if not run.success:
            sys.exit("the bare dbt project failed:\n  " + "\n  ".join(run.failures()))
    return {
        "models": models,
        "tests": tests,
        "cold_seconds": seconds[0],
        "warm_seconds": seconds[1],
    }


def refresh_once(seeds: Path, home: Path) -> dict:
    wall, peak, result = run_measured(
        [str(FUNDLENS), "refresh", "--seeds", str(seeds), "--home", str(home)]
    )
    if result.returncode != 0:
        sys.exit(f"fundlens refresh failed ({result.returncode}):\n{result.stderr[-3000:]}")
    record = json.loads(max((home / "runs").glob("*.json")).read_text())
    timings = record["timings"]
    dbt = record.get("dbt", {})
    parse = dbt.get("parse_seconds") or 0.0
    return {
        "wall_seconds": round(wall, 2),
        "peak_rss_mib": round(peak / 2**20),
        "steps": {
            "load": timings["load"],
            "parse": parse,
            "build": round(timings["build"] - parse, 3),
            "public": timings["public"],
            "publish": timings["publish"],
        },
        "partial_parse": dbt.get("partial_parse"),
        "slowest_nodes": dbt.get("nodes", [])[:10],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", choices=list(PRESETS), default="medium")
    parser.add_argument("--funds", type=int, help="override the preset's number of funds")
    parser.add_argument("--companies", type=int, help="override the preset's companies")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, choices=(1, 2), default=2,
                        help="1: cold refresh only; 2: cold, then warm (default)")  # fmt: skip
    parser.add_argument("--json", type=Path, help="where to write the results")
    parser.add_argument("--seeds", type=Path, metavar="DIR",
                        help="time the refresh on DIR, generated before with the same "
                        "preset and seed (skips generating; for xlarge)")  # fmt: skip
    parser.add_argument("--keep-home", type=Path, metavar="DIR",
                        help="refresh into DIR and keep it (to inspect plans)")  # fmt: skip
    args = parser.parse_args()
    preset = PRESETS[args.preset]
    funds, companies = args.funds or preset.funds, args.companies or preset.companies
    out_json = args.json or ROOT / "benchmarks" / "results" / f"{args.preset}.json"

    with tempfile.TemporaryDirectory(prefix="fundlens-scale-") as tmp:
        work = Path(tmp)
        seeds = args.seeds or work / "seeds"
        generated = None
        if not args.seeds:
            gen_cmd = [str(FUNDLENS), "generate", "--out", str(seeds), "--seed", str(args.seed),
                       "--funds", str(funds), "--companies", str(companies)]  # fmt: skip
            gen_wall, gen_peak, result = run_measured(gen_cmd)
            if result.returncode != 0:
                sys.exit(f"fundlens generate failed:\n{result.stderr[-3000:]}")
            generated = {
                "wall_seconds": round(gen_wall, 2),
                "peak_rss_mib": round(gen_peak / 2**20),
            }
        rows = {
            spec.filename: sum(1 for _ in (seeds / spec.filename).open()) - 1
            for spec in FILES.values()
        }
        floor = load_floor(seeds, work)
        home = args.keep_home or work / "home"
        os.environ[CACHE_ENV] = str(work / "cache")  # the first refresh is cold
        runs = [refresh_once(seeds, home) for _ in range(args.runs)]
        (manifest,) = (work / "cache").glob("*/target/manifest.json")
        bare = dbt_floor(json.loads(manifest.read_text()), work)

    refresh = runs[-1]
    summary = {
        "preset": args.preset,
        "funds": funds,
        "companies": companies,
        "seed": args.seed,
        "cores": os.cpu_count(),
        "rows": rows,
        "total_rows": sum(rows.values()),
        "generate": generated,  # None: --seeds, generated before
        "floor_seconds": round(floor, 3),
        "dbt_floor": bare,
        "refresh": refresh,
        "ratio": round(refresh["wall_seconds"] / floor, 1),
        # what no refresh with dbt can beat, in multiples of the floor
        "best_ratio": round((floor + bare["warm_seconds"]) / floor, 1),
        "cold_refresh": runs[0] if len(runs) > 1 else None,
    }
    out_json.parent.mkdir(parents=True, exist_ok=True)
    out_json.write_text(json.dumps(summary, indent=2) + "\n")

    print(f"preset {args.preset}: {funds} funds, {companies} companies, "
          f"{summary['total_rows']:,} input rows")  # fmt: skip
    if generated:
        print(
            f"  generate  {generated['wall_seconds']:7.1f}s  peak {generated['peak_rss_mib']} MiB"
        )
    else:
        print(f"  generate  skipped: --seeds {seeds}")
    print(f"  floor     {floor:7.2f}s  (DuckDB read_csv of every input into tables)")
    print(
        f"  dbt floor {bare['warm_seconds']:7.2f}s  warm, {bare['cold_seconds']:.2f}s cold "
        f"(bare dbt: our {bare['models']} models, one row each, and {bare['tests']} tests)"
    )
    print(f"  best possible ratio with dbt: {summary['best_ratio']}x (floor + dbt floor, warm)")
    for label, run in zip(("cold", "warm")[: len(runs)], runs, strict=True):
        steps = "  ".join(f"{k} {v:.1f}s" for k, v in run["steps"].items())
        print(f"  refresh {label:<5} {run['wall_seconds']:6.1f}s  "
              f"({run['wall_seconds'] / floor:.1f}x floor)  peak {run['peak_rss_mib']} MiB  "
              f"[{steps}]")  # fmt: skip
    print("  slowest dbt nodes:")
    for node in refresh["slowest_nodes"]:
        print(f"    {node['seconds']:7.2f}s  {node['node']}")
    print(f"  written to {out_json}")


if __name__ == "__main__":
    main()
