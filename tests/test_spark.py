"""The same dbt project on Apache Spark: every public mart equal to the DuckDB build.

Builds the demo seeds once with `fundlens refresh --engine spark` (a local Spark session,
several minutes on 2 cores) and compares each public mart, read from the Parquet folders
Spark wrote under <home>/spark/, with the DuckDB build of the same seeds (the session's
`demo_home`): same columns and types, same keys, same rows; numbers equal within 1e-9
relative (IRR and PME within 1e-6: an iterative solver fed sums in another order),
booleans, dates and text exact, nulls in the same places.

Skipped, with the reason, when the spark extra or Java 17 is missing (`make java spark`).
"""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pytest
import yaml

from fundlens import PROJECT_DIR, SEEDS_DIR
from fundlens.errors import FundLensError
from fundlens.refresh import refresh
from fundlens.spark import NOT_ON_SPARK, available

RETURN_COLUMNS = {"net_irr", "gross_irr", "ks_pme", "direct_alpha"}  # solver output
REL_TOL = 1e-9
RETURN_TOL = 1e-6

MISSING = available()
needs_spark = pytest.mark.skipif(
    MISSING is not None,
    reason=f"SPARK TESTS SKIPPED: {MISSING}. `make java spark` installs what they need.",
)


def _mart_keys() -> dict[str, list[str]]:
    """Each public mart's primary key, as its schema file tests it (not copied from the
    output). The private marts (models/marts/private/) are never published as Parquet."""
    keys: dict[str, list[str]] = {}
    for path in sorted((PROJECT_DIR / "models" / "marts").glob("*/_*.yml")):
        if path.parent.name == "private":
            continue
        for model in yaml.safe_load(path.read_text()).get("models", []):
            for test in model.get("data_tests", []):
                if isinstance(test, dict) and "unique_combination_of_columns" in test:
                    args = test["unique_combination_of_columns"]["arguments"]
                    keys[model["name"]] = list(args["combination_of_columns"])
            for column in model.get("columns", []):
                if "unique" in (column.get("data_tests") or []):
                    keys.setdefault(model["name"], [column["name"]])
    return keys


KEYS = _mart_keys()


@pytest.fixture(scope="module")
def spark_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("spark-home")
    record = refresh(SEEDS_DIR, home, engine="spark")
    assert record["outcome"] == "published"
    return home


@pytest.fixture(scope="module")
def public_marts(demo_home) -> list[str]:
    con = duckdb.connect(str(demo_home / "public.duckdb"), read_only=True)
    try:
        return [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
            ).fetchall()
        ]
    finally:
        con.close()


def _read(con: duckdb.DuckDBPyConnection, sql: str, key: list[str]):
    rel = con.sql(sql)
    types = dict(zip(rel.columns, [str(t) for t in rel.types], strict=True))
    rows = {tuple(r[: len(key)]): r for r in rel.order(", ".join(key)).fetchall()}
    return types, rows, rel.columns


def _equal(a, b, tol: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(a, b, rel_tol=tol, abs_tol=tol * 1e-3)
    return a == b


@needs_spark
def test_every_public_mart_is_published_as_parquet(spark_home, public_marts):
    assert set(KEYS) == set(public_marts), "a public mart has no tested primary key"
    folders = sorted(p.name for p in (spark_home / "spark").iterdir() if p.is_dir())
    assert folders == public_marts
    private = [p.stem for p in (PROJECT_DIR / "models" / "marts" / "private").glob("*.sql")]
    assert private and not set(private) & set(folders), "private data leaked"


@needs_spark
@pytest.mark.parametrize("mart", sorted(KEYS))
def test_spark_mart_equals_duckdb_mart(spark_home, demo_home, mart):
    key = [*KEYS[mart]]
    con = duckdb.connect()
    try:
        con.execute(f"attach '{demo_home / 'public.duckdb'}' as duck (read_only)")
        duck_types, duck_rows, columns = _read(con, f"select * from duck.marts.{mart}", key)
        parquet = spark_home / "spark" / mart / "*.parquet"
        cols = ", ".join(f'"{c}"' for c in columns)  # compare in the contract's order
        spark_types, spark_rows, _ = _read(
            con, f"select {cols} from read_parquet('{parquet}')", key
        )
    finally:
        con.close()
    assert spark_types == duck_types
    assert duck_rows, f"{mart} is empty: nothing compared"
    assert sorted(spark_rows) == sorted(duck_rows), f"{mart}: the keys differ"
    differences = []
    for k, duck_row in duck_rows.items():
        for column, d, s in zip(columns, duck_row, spark_rows[k], strict=True):
            tol = RETURN_TOL if column in RETURN_COLUMNS else REL_TOL
            if not _equal(d, s, tol):
                differences.append(f"{k} {column}: duckdb {d!r} spark {s!r}")
    assert differences == [], f"{mart}: {len(differences)} values differ: {differences[:10]}"


@needs_spark
def test_spark_run_passes_every_dbt_test_and_contract(spark_home, demo_home):
    from fundlens.home import read_runs

    spark_run = read_runs(spark_home, limit=1)[0]
    duck_run = read_runs(demo_home, limit=1)[0]
    assert spark_run["engine"] == "spark"
    # every data test the DuckDB build runs also ran, and passed, on Spark,
    # but the ones listed (with their reason) in the run record's warnings; and on Spark
    # the unit tests too (a DuckDB refresh leaves them to tests/test_dbt_project.py)
    assert set(spark_run["tests"]) <= {"pass", "warn"}  # no fail, error or skip
    assert set(spark_run["tests"]) == set(duck_run["tests"])
    unit_tests = {n["node"]: n["status"] for n in spark_run["dbt"]["nodes"]
                  if n["node"].startswith("unit_test.")}  # fmt: skip
    assert len(unit_tests) >= 7 and set(unit_tests.values()) == {"pass"}
    assert not any(n["node"].startswith("unit_test.") for n in duck_run["dbt"]["nodes"])
    assert spark_run["tests"]["pass"] == (
        duck_run["tests"]["pass"] - len(NOT_ON_SPARK) + len(unit_tests)
    )
    # the data warnings (tests with severity warn) find the same rows on both engines
    assert spark_run["tests"].get("warn", 0) == duck_run["tests"].get("warn", 0)
    assert [(w["check"], w["model"], w["count"]) for w in spark_run["data_warnings"]] == [
        (w["check"], w["model"], w["count"]) for w in duck_run["data_warnings"]
    ]
    for name, reason in NOT_ON_SPARK.items():
        assert f"not run on Spark: {name}: {reason}" in spark_run["warnings"]
    assert spark_run["marts"] == duck_run["marts"]  # same tables, same row counts


@needs_spark
def test_spark_built_version_serves_the_app_like_a_duckdb_one(spark_home):
    con = duckdb.connect(str(spark_home / "public.duckdb"), read_only=True)
    try:
        (n,) = con.execute("select count(*) from marts.fund_performance").fetchone()
        (version,) = con.execute("select version_id from meta.build_info").fetchone()
    finally:
        con.close()
    assert n > 0
    assert (spark_home / "current").resolve().name == version


def test_unknown_engine_is_refused(tmp_path):
    with pytest.raises(FundLensError, match="Unknown engine 'presto'"):
        refresh(SEEDS_DIR, tmp_path / "home", engine="presto")


def test_cli_offers_the_spark_engine(capsys):
    from fundlens.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["refresh", "--engine", "presto"])
    assert "invalid choice: 'presto'" in capsys.readouterr().err
    assert build_parser().parse_args(["refresh", "--engine", "spark"]).engine == "spark"


def test_missing_spark_is_a_clear_refusal(tmp_path, monkeypatch):
    import fundlens.spark

    monkeypatch.setattr(fundlens.spark, "available", lambda: "the spark extra is missing")
    home = tmp_path / "home"
    with pytest.raises(fundlens.spark.SparkUnavailable, match="the spark extra is missing"):
        refresh(SEEDS_DIR, home, engine="spark")
    from fundlens.home import published_version, read_runs

    assert published_version(home) is None
    (run,) = read_runs(home)
    assert run["outcome"] == "failed" and "spark extra" in run["error"]
