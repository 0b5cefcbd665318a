"""Shared fixtures: the demo warehouse is built once per test session."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from fundlens import PROJECT_DIR, SEEDS_DIR

SHARED_DATA = PROJECT_DIR.parent / "shared" / "data"  # tests only; the product never reads it


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory) -> Path:
    """A FUNDLENS_HOME with the demo seeds built and published."""
    from fundlens.build import build

    home = tmp_path_factory.mktemp("home")
    build(SEEDS_DIR, home / "warehouse.duckdb", home)
    return home


@pytest.fixture(scope="session")
def warehouse(demo_home) -> duckdb.DuckDBPyConnection:
    """Read-only connection to the demo warehouse (every schema)."""
    con = duckdb.connect(str(demo_home / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()
