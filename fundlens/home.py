"""Where a FundLens home keeps things, and what is published there.

    <home>/
      warehouse.duckdb -> current/warehouse.duckdb   everything (the app's server side)
      public.duckdb    -> current/public.duckdb      public marts only (analysts)
      spark            -> current/spark              public marts as Parquet, one folder
                                                     per mart (versions built by Spark)
      current          -> versions/<version_id>      flipped atomically on publish
      versions/<version_id>/                         the last few published versions
      candidates/<run_id>/                           refreshes being built (never read)
      runs/<run_id>.json                             one record per refresh
      refresh.lock                                   held by the running refresh

Readers open `warehouse.duckdb` / `public.duckdb` read-only and reopen when
`published_version()` changes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from fundlens import PROJECT_DIR

WAREHOUSE = "warehouse.duckdb"
PUBLIC = "public.duckdb"
SPARK_MARTS = "spark"


def resolve_home(home: str | os.PathLike | None = None) -> Path:
    """The home given, else $FUNDLENS_HOME, else `.fundlens/` in the project root."""
    if home is None:
        home = os.environ.get("FUNDLENS_HOME") or PROJECT_DIR / ".fundlens"
    return Path(home).expanduser().resolve()


def published_version(home: Path) -> str | None:
    """The version id currently published in `home`, or None before the first refresh."""
    try:
        return Path(os.readlink(home / "current")).name
    except FileNotFoundError:
        return None


def warehouse_path(home: Path) -> Path:
    return home / WAREHOUSE


def public_path(home: Path) -> Path:
    return home / PUBLIC


def read_runs(home: Path, limit: int = 20) -> list[dict]:
    """The newest `limit` run records, newest first (see refresh.py for the fields)."""
    runs_dir = home / "runs"
    if not runs_dir.is_dir():
        return []
    records = []
    for path in sorted(runs_dir.glob("*.json"), reverse=True)[:limit]:
        try:
            records.append(json.loads(path.read_text()))
        except (OSError, json.JSONDecodeError):
            continue  # a record being written right now; the next read sees it
    return records
