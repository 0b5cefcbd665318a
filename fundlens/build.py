"""Build a warehouse database: load the input CSVs, then run `dbt build` on it.

dbt runs in a child process (fundlens.dbt_cli): it holds its DuckDB connection until
it exits (so the file can be reopened afterwards) and dies with the refresh that
started it, even when that refresh is killed with SIGKILL. It may be started before
its database is ready: it imports dbt, then waits to be let go (`dbt_started`).

The one state kept between builds is dbt's parse of the project (its partial-parse
file in `target/`), when the caller passes a `parse_cache` directory: dbt then
re-parses only the files whose checksums changed, and everything when its version,
the profile or the command-line vars change. For the profile to stay the same, dbt
opens the database by its file name from the database's own directory (the absolute
path, which differs for every candidate, would count as a profile change).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fundlens import PROJECT_DIR, dbt_cli
from fundlens.errors import FundLensError
from fundlens.load import load
from fundlens.processes import die_with_parent

# dbt's command line, printing only the events run_dbt reads (see dbt_cli); -P: its
# working directory (the candidate's) is not on its import path
DBT = (sys.executable, "-P", "-m", "fundlens.dbt_cli")
PROGRESS_EVERY = 25  # nodes
# What a refresh runs: every model and data test. dbt's unit tests check the models' SQL
# on fixed rows, not the data, so (as dbt advises for production) a refresh leaves them
# out; the test suite runs them (tests/test_dbt_project.py).
BUILD = ("build", "--exclude-resource-type", "unit_test")


@dataclass
class DbtRun:
    """What one dbt command did: its exit code and each node's status."""

    returncode: int
    results: list[dict] = field(default_factory=list)  # run_results.json "results"
    errors: list[str] = field(default_factory=list)  # error-level log messages
    warnings: list[str] = field(default_factory=list)  # warn-level log messages
    parse_seconds: float | None = None  # from go until dbt reported what it found
    partial_parse: bool = False  # dbt reused (and updated) a previous parse of the project
    target: Path | None = None  # dbt's target/ of this run (manifest.json, run_results.json)

    def node_timings(self) -> list[dict]:
        """Each node's status and execution time, slowest first."""
        timings = [
            {
                "node": r["unique_id"],
                "status": r["status"],
                "seconds": round(r.get("execution_time") or 0.0, 3),
            }
            for r in self.results
        ]
        return sorted(timings, key=lambda t: (-t["seconds"], t["node"]))

    @property
    def success(self) -> bool:
        return self.returncode == 0

    def failures(self) -> list[str]:
        """The nodes that failed (not those skipped because of them), or dbt's errors."""
        failed = [
            f"{r['unique_id']}: {r['status']}: {r.get('message') or ''}".rstrip(": ")
            for r in self.results
            if r["status"] in ("error", "fail", "runtime error")
        ]
        if not failed:
            return self.errors
        skipped = sum(r["status"] == "skipped" for r in self.results)
        if skipped:
            failed.append(f"({skipped} downstream node(s) skipped because of these)")
        return failed


def run_dbt(
    args: Sequence[str],
    db_path: Path,
    work_dir: Path,
    on_progress: Callable[[str], None] | None = None,
    parse_cache: Path | None = None,
    project_dir: Path = PROJECT_DIR,
    *,
    dbt: Sequence[str] = DBT,
    env: dict[str, str] | None = None,
) -> DbtRun:
    """Run one dbt command against `db_path` (see `dbt_started`) and report what it did."""
    with dbt_started(args, db_path, work_dir, parse_cache, project_dir, dbt=dbt, env=env) as run:
        return run(on_progress)


@contextmanager
def dbt_started(
    args: Sequence[str],
    db_path: Path,
    work_dir: Path,
    parse_cache: Path | None = None,
    project_dir: Path = PROJECT_DIR,
    *,
    dbt: Sequence[str] = DBT,
    env: dict[str, str] | None = None,
) -> Iterator[Callable[[Callable[[str], None] | None], DbtRun]]:
    """Start one dbt command against `db_path` in a child that imports dbt (about 3 s),
    then waits; yield `run(on_progress)`, which lets it go and returns what it did. The
    caller works meanwhile (refresh loads the inputs); leaving without `run`, or when
    `run` fails, stops the child.

    dbt's target/ and logs/ go to `work_dir`, or target/ to `parse_cache` (kept between
    runs, so dbt can reuse its parse; one dbt at a time may use it: refresh holds the
    cache's lock, see refresh.parse_cache). `on_progress` hears when the parse is done
    and every PROGRESS_EVERY finished nodes. `dbt` is the command that runs dbt_cli (the
    Spark engine's runs it inside a Spark session), `env` extra environment variables.
    """
    target = (parse_cache or work_dir) / "target"
    (target / "run_results.json").unlink(missing_ok=True)  # never read a previous run's
    cmd = [
        *dbt,
        "--wait",  # for run() (see dbt_cli)
        # dbt's debug log file (every query, as JSON) costs about half of a small
        # build's time, and it would go with the candidate anyway: errors reach us on stdout
        "--log-level-file",
        "none",
        "--no-use-colors",  # in the messages it tells
        *args,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(target),
        "--log-path",
        str(work_dir / "logs"),
    ]
    env = {
        **os.environ,
        "FUNDLENS_DB_PATH": db_path.name,  # opened from its directory (see the docstring)
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        **(env or {}),
    }
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with subprocess.Popen(
        cmd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=db_path.parent,
        preexec_fn=die_with_parent,
    ) as proc:
        finished = False

        def run(on_progress: Callable[[str], None] | None = None) -> DbtRun:
            nonlocal finished
            try:
                proc.stdin.write(dbt_cli.GO)
                proc.stdin.close()
            except BrokenPipeError:  # it ended already: its output says why
                pass
            dbt_run = _follow(proc, args[0], on_progress)
            dbt_run.target = target
            results_path = target / "run_results.json"
            if results_path.exists():
                dbt_run.results = json.loads(results_path.read_text())["results"]
            finished = True
            if not dbt_run.success and not dbt_run.results:
                raise FundLensError(
                    f"dbt {args[0]} could not run:\n  " + "\n  ".join(dbt_run.errors[-20:])
                )
            return dbt_run

        try:
            yield run
        finally:
            if not finished:
                proc.kill()


def _follow(
    proc: subprocess.Popen, command: str, on_progress: Callable[[str], None] | None
) -> DbtRun:
    """Read a dbt_cli child's events until it ends."""
    errors: list[str] = []
    warnings: list[str] = []
    done = 0
    parse_seconds: float | None = None
    total: int | None = None  # nodes dbt will run, from its result events
    partial_parse = True  # until dbt says it cannot
    started = time.perf_counter()
    for line in proc.stdout:
        try:
            event = json.loads(line)
            info = event["info"]
        except (ValueError, KeyError):
            errors.append(line.rstrip())  # not dbt's JSON: a crash; keep it
            continue
        if info["level"] == "error":
            errors.append(info["msg"])
        elif info["level"] == "warn":
            warnings.append(info["msg"])
        name = info["name"]
        if name == "UnableToPartialParse":
            partial_parse = False
        elif name in dbt_cli.PARSED_EVENTS and parse_seconds is None:
            parse_seconds = round(time.perf_counter() - started, 3)
            if on_progress:
                how = "reused" if partial_parse else "full"
                on_progress(f"[{command}] parsed the project in {parse_seconds:.1f}s ({how})")
        elif name.startswith("Log") and name.endswith("Result"):
            done += 1
            data = event.get("data", {})
            total = total or data.get("total") or data.get("num_models")
            if on_progress and done % PROGRESS_EVERY == 0:
                of = f" of {total}" if total else ""
                on_progress(f"[{command}] {done}{of} nodes done")
    returncode = proc.wait()
    if returncode < 0:  # killed (out of memory, say): what it said before is not why
        try:
            name = signal.Signals(-returncode).name
        except ValueError:  # a real-time signal
            name = str(-returncode)
        errors.append(f"dbt was killed by signal {name}")
    return DbtRun(
        returncode,
        errors=errors,
        warnings=warnings,
        parse_seconds=parse_seconds,
        partial_parse=partial_parse and parse_seconds is not None,
    )


def build(seeds_dir: Path, db_path: Path, work_dir: Path) -> None:
    """Load `seeds_dir` into a new database at `db_path` and run BUILD on it, as a refresh
    does (without its candidate, checks and publishing)."""
    load(seeds_dir, db_path)
    run = run_dbt(BUILD, db_path, work_dir)
    if not run.success:
        raise FundLensError("dbt build failed:\n  " + "\n  ".join(run.failures()))
