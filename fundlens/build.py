"""Build a warehouse database: load the input CSVs, then run `dbt build` on it.

dbt runs in a child process: it holds its DuckDB connection until it exits (so the
file can be reopened afterwards), keeps no state between builds, and dies with the
refresh that started it, even when that refresh is killed with SIGKILL.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fundlens import PROJECT_DIR
from fundlens.errors import FundLensError
from fundlens.load import load

DBT = Path(sys.executable).with_name("dbt")
PROGRESS_EVERY = 25  # nodes


@dataclass
class DbtRun:
    """What one dbt command did: its exit code and each node's status."""

    returncode: int
    results: list[dict] = field(default_factory=list)  # run_results.json "results"
    errors: list[str] = field(default_factory=list)  # error-level log messages
    warnings: list[str] = field(default_factory=list)  # warn-level log messages

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


def _die_with_parent() -> None:  # runs in the child, before exec
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def run_dbt(
    args: Sequence[str],
    db_path: Path,
    work_dir: Path,
    on_progress: Callable[[str], None] | None = None,
    *,
    dbt: Sequence[str] = (str(DBT),),
    env: dict[str, str] | None = None,
) -> DbtRun:
    """Run one dbt command against `db_path`; dbt's target/ and logs/ go to `work_dir`.

    `on_progress` hears every PROGRESS_EVERY finished nodes, for long builds. `dbt` is
    the command that runs dbt (the Spark engine's runs it inside a Spark session), `env`
    extra environment variables.
    """
    cmd = [
        *dbt,
        "--log-format",
        "json",
        "--no-use-colors",
        *args,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
    ]
    env = {
        **os.environ,
        "FUNDLENS_DB_PATH": str(db_path),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        **(env or {}),
    }
    errors: list[str] = []
    warnings: list[str] = []
    done = 0
    with subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=PROJECT_DIR,
        preexec_fn=_die_with_parent,
    ) as proc:
        for line in proc.stdout:
            try:
                info = json.loads(line)["info"]
            except (ValueError, KeyError):
                errors.append(line.rstrip())  # not dbt's JSON: a crash; keep it
                continue
            if info["level"] == "error":
                errors.append(info["msg"])
            elif info["level"] == "warn":
                warnings.append(info["msg"])
            if info["name"].startswith("Log") and info["name"].endswith("Result"):
                done += 1
                if on_progress and done % PROGRESS_EVERY == 0:
                    on_progress(f"[{args[0]}] {done} nodes done")
    results_path = work_dir / "target" / "run_results.json"
    results = json.loads(results_path.read_text())["results"] if results_path.exists() else []
    run = DbtRun(proc.returncode, results, errors, warnings)
    if not run.success and not results:
        raise FundLensError(f"dbt {args[0]} could not run:\n  " + "\n  ".join(errors[-20:]))
    return run


def build(seeds_dir: Path, db_path: Path, work_dir: Path) -> None:
    """Load `seeds_dir` into a new database at `db_path` and build every model and test."""
    load(seeds_dir, db_path)
    run = run_dbt(["build"], db_path, work_dir)
    if not run.success:
        raise FundLensError("dbt build failed:\n  " + "\n  ".join(run.failures()))
