"""Build a warehouse database: load the input CSVs, then run `dbt build` on it."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from fundlens import PROJECT_DIR
from fundlens.errors import FundLensError
from fundlens.load import load


def run_dbt(
    args: Sequence[str],
    db_path: Path,
    work_dir: Path,
    on_node_done: Callable[[str], None] | None = None,
):
    """Run one dbt command against `db_path` in this process; return dbt's result.

    `work_dir` receives dbt's target/ and logs/, so builds never share them.
    `on_node_done` is told every 25 finished nodes, for progress on long builds.
    """
    from dbt.cli.main import dbtRunner

    done = 0

    def count(event) -> None:
        nonlocal done
        if on_node_done and event.info.name == "NodeFinished":
            done += 1
            if done % 25 == 0:
                on_node_done(f"[{args[0]}] {done} nodes done")

    os.environ["FUNDLENS_DB_PATH"] = str(db_path)
    res = dbtRunner(callbacks=[count]).invoke(
        [
            *args,
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--target-path",
            str(work_dir / "target"),
            "--log-path",
            str(work_dir / "logs"),
            "--quiet",
        ]
    )
    if res.exception is not None:
        raise FundLensError(f"dbt {args[0]} could not run: {res.exception}")
    return res


def build(seeds_dir: Path, db_path: Path, work_dir: Path) -> None:
    """Load `seeds_dir` into a new database at `db_path` and build every model and test."""
    load(seeds_dir, db_path)
    res = run_dbt(["build"], db_path, work_dir)
    if not res.success:
        failed = [
            f"{r.node.unique_id}: {r.message}"
            for r in res.result
            if str(r.status) in ("error", "fail")
        ]
        raise FundLensError("dbt build failed:\n  " + "\n  ".join(failed))
