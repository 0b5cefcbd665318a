"""Load the input CSVs into the `raw` schema of a DuckDB database (dbt's sources).

STUB: loads good files only; the validating loader replaces it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from fundlens import SEEDS_DIR
from fundlens.contract import FILES


def load(seeds_dir: Path, db_path: Path) -> None:
    con = duckdb.connect(str(db_path))
    try:
        con.execute("create schema if not exists raw")
        for spec in FILES.values():
            path = seeds_dir / spec.filename
            if not path.exists() and spec.reference:
                path = SEEDS_DIR / spec.filename
            cols = ", ".join(f"'{c.name}': '{c.duckdb_type}'" for c in spec.columns)
            con.execute(
                f"create or replace table raw.{spec.name} as select * from read_csv("
                f"'{path}', header=true, delim=',', columns={{{cols}}})"
            )
    finally:
        con.close()
