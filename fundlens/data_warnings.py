"""Warnings that do not block a refresh: dbt tests with `severity: warn`.

The models' YAML declares them (a generic test from tests/dbt/generic with
`config: {severity: warn, meta: {warning: <what it means>}}`). A refresh that passes
every error-level check publishes even when some of them find rows, and records each
as: the check, what it means, how many rows it found and the first few of them, so an
operator sees it in the refresh output, in `fundlens status` and on the data-status page.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb

EXAMPLES = 5  # rows kept per warning


def collect(results: list[dict], manifest_path: Path, db: Path) -> list[dict]:
    """The warnings of a finished `dbt build` (its run_results `results`), in node order.

    Each is {"check", "model", "message", "count", "examples"}; examples are the first
    rows the test found, read from the candidate database `db`."""
    warned = [r for r in results if r.get("status") == "warn"]
    if not warned:
        return []
    nodes = json.loads(manifest_path.read_text())["nodes"] if manifest_path.exists() else {}
    out = []
    con = duckdb.connect(str(db), read_only=True)
    try:
        for result in warned:
            node = nodes.get(result["unique_id"], {})
            name = (node.get("test_metadata") or {}).get("name") or node.get("name")
            model = node.get("attached_node")  # e.g. model.fundlens.fund_performance
            meta = (node.get("config") or {}).get("meta") or {}
            out.append(
                {
                    "check": name or result["unique_id"],
                    "model": (model or "").rpartition(".")[2] or None,
                    "message": meta.get("warning") or result.get("message") or "",
                    "count": int(result.get("failures") or 0),
                    "examples": _examples(con, result.get("compiled_code")),
                }
            )
    finally:
        con.close()
    return sorted(out, key=lambda w: (w["check"], w["model"] or ""))


def _examples(con: duckdb.DuckDBPyConnection, sql: str | None) -> list[dict]:
    """The first EXAMPLES rows of a test's query, as JSON-friendly dicts."""
    if not sql:
        return []
    try:
        cursor = con.execute(f"select * from ({sql}) as found order by all limit {EXAMPLES}")
    except duckdb.Error:
        return []  # the count is still reported; examples are a courtesy
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, map(_plain, row), strict=True)) for row in cursor.fetchall()]


def _plain(value: object) -> object:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 2)
    return value
