"""Shared fixtures: the demo warehouse is refreshed once per test session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from fundlens import PROJECT_DIR, SEEDS_DIR

SHARED_DATA = PROJECT_DIR.parent / "shared" / "data"  # tests only; the product never reads it


@pytest.fixture(scope="session", autouse=True)
def dbt_parse_cache(tmp_path_factory) -> Iterator[Path]:
    """The session's refreshes share one dbt parse cache, never the user's own."""
    from fundlens.refresh import CACHE_ENV

    with pytest.MonkeyPatch.context() as patch:
        path = tmp_path_factory.mktemp("parse-cache")
        patch.setenv(CACHE_ENV, str(path))
        yield path


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory) -> Path:
    """A FUNDLENS_HOME where `fundlens refresh` published the demo seeds. Do not modify:
    tests that change a home take a copy with `home_copy`."""
    from fundlens.refresh import refresh

    home = tmp_path_factory.mktemp("home")
    refresh(SEEDS_DIR, home)
    return home


@pytest.fixture
def home_copy(demo_home, tmp_path) -> Path:
    """A private copy of the published demo home (links kept as links)."""
    dest = tmp_path / "home"
    shutil.copytree(demo_home, dest, symlinks=True)
    return dest


@pytest.fixture(scope="session")
def warehouse(demo_home) -> duckdb.DuckDBPyConnection:
    """Read-only connection to the published demo warehouse (every schema)."""
    con = duckdb.connect(str(demo_home / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def public_db(demo_home) -> duckdb.DuckDBPyConnection:
    """Read-only connection to the published analysts' database."""
    con = duckdb.connect(str(demo_home / "public.duckdb"), read_only=True)
    yield con
    con.close()
