"""The Spark engine: the same dbt project built by dbt-spark on a local Spark session.

`fundlens refresh --engine spark` loads and validates the CSVs exactly as the DuckDB
engine does (into the candidate's DuckDB file), then:

1. `export_inputs`: writes every validated `raw.<table>` as Parquet, so Spark reads
   typed inputs (the `register_inputs` macro, run on dbt's on-run-start, declares them
   as the `raw` tables dbt's sources name);
2. runs `python -m fundlens.spark <dbt args>` in a child process: it starts a Spark
   session (`SESSION_CONFIG`), registers the `xirr` function in it, then runs dbt's
   command line (`fundlens.dbt_cli`) in the same process, where dbt-spark's
   `method: session` finds that session (`SparkSession.builder.getOrCreate()`);
3. dbt builds every model and runs every test and contract on Spark; the public marts
   are Parquet tables, one folder per mart under `$FUNDLENS_SPARK_MARTS`.

On a cluster the same module is the driver program: `spark.master` from the
environment (`FUNDLENS_SPARK_MASTER`, e.g. `yarn` or `spark://host:7077`), with
fundlens, numpy and pyarrow installed on the executors' Python (the xirr UDF runs there).
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import duckdb

from fundlens.build import DbtRun, run_dbt
from fundlens.errors import FundLensError
from fundlens.validate import lit

INPUTS_ENV = "FUNDLENS_SPARK_INPUTS"  # folder of <table>/ Parquet inputs (read by dbt)
MARTS_ENV = "FUNDLENS_SPARK_MARTS"  # folder of <mart>/ Parquet tables (written by dbt)
WAREHOUSE_ENV = "FUNDLENS_SPARK_WAREHOUSE"  # Spark's own tables (staging, intermediate)
MASTER_ENV = "FUNDLENS_SPARK_MASTER"  # default local[*]: every core of this machine
TARGET = "spark"  # the profiles.yml target
MARTS_DIR = "spark"  # <candidate or version>/spark/<mart>/: the public marts as Parquet
PRIVATE_SCHEMAS = ("private",)  # Spark-managed tables, kept out of MARTS_DIR

# dbt tests Spark SQL cannot run, with the reason; every other test and contract runs.
NOT_ON_SPARK = {
    "assert_positions_follow_valuation_rules": (
        "its FX lookup is a correlated subquery nested two levels deep, and Spark resolves "
        "outer references one level only (the same rules are checked by the unique, "
        "not_null and expression tests of the position models, and by tests/test_marts.py)"
    ),
}


def session_config(warehouse: Path) -> dict[str, str]:
    """The Spark session a refresh runs in: local, in-memory catalog, quiet, UTC."""
    return {
        "spark.master": os.environ.get(MASTER_ENV, "local[*]"),
        "spark.app.name": "fundlens",
        "spark.sql.warehouse.dir": str(warehouse),
        # one dbt run is one session: no Hive metastore (Derby) files left behind
        "spark.sql.catalogImplementation": "in-memory",
        "spark.sql.session.timeZone": "UTC",
        # the demo is small: 200 shuffle partitions would cost more than the work
        "spark.sql.shuffle.partitions": os.environ.get("FUNDLENS_SPARK_PARTITIONS", "2"),
        "spark.sql.sources.default": "parquet",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.driver.host": "127.0.0.1",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
    }


def available() -> str | None:
    """None when this machine can run the Spark engine, else what is missing."""
    try:
        import dbt.adapters.spark  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError:
        return (
            "the Spark engine needs the spark extra: "
            "`make .venv/.installed-spark` (or `pip install -e '.[spark]'`)"
        )
    java_home = os.environ.get("JAVA_HOME")
    java = Path(java_home, "bin", "java") if java_home else None
    if not (java and java.exists()) and not any(
        Path(p, "java").exists() for p in os.environ.get("PATH", "").split(os.pathsep)
    ):
        return "the Spark engine needs Java 17: `make java` (Debian's openjdk-17-jre-headless)"
    return None


def export_inputs(db: Path, out_dir: Path) -> dict[str, Path]:
    """Write every table of schema `raw` in `db` as Parquet under `out_dir/<table>/`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'raw' order by 1"
            ).fetchall()
        ]
        written = {}
        for table in tables:
            folder = out_dir / table
            folder.mkdir()
            target = lit(str(folder / "part-0.parquet"))
            con.execute(f'copy raw."{table}" to {target} (format parquet)')
            written[table] = folder
        return written
    finally:
        con.close()


class SparkUnavailable(FundLensError):
    """The spark extra or Java is missing."""


def build(db: Path, candidate: Path, on_progress: Callable[[str], None]) -> DbtRun:
    """`dbt build` on Spark from the validated inputs in `db`; marts in `candidate/spark`.

    Then copies the built marts into `db` (schemas marts and private), so the app and
    public.duckdb serve a Spark-built version exactly as a DuckDB-built one."""
    missing = available()
    if missing:
        raise SparkUnavailable(f"Cannot refresh with --engine spark: {missing}.")
    inputs = candidate / "spark-inputs"
    warehouse = candidate / "spark-warehouse"
    export_inputs(db, inputs)
    exclude = sorted(NOT_ON_SPARK)
    # Unit tests run here too (a DuckDB refresh leaves them to the test suite): they
    # check this engine's SQL on the edge cases, which the demo data may not reach.
    run = run_dbt(
        ["build", "--exclude", *exclude],
        db,
        candidate / "dbt",
        on_progress,
        dbt=(sys.executable, "-P", "-m", "fundlens.spark"),
        env={
            # dbt threads overlap Spark's per-query latency (planning, scheduling)
            "FUNDLENS_DBT_THREADS": os.environ.get("FUNDLENS_DBT_THREADS", "4"),
            INPUTS_ENV: str(inputs),
            MARTS_ENV: str(candidate / MARTS_DIR),
            WAREHOUSE_ENV: str(warehouse),
        },
    )
    run.warnings += [f"not run on Spark: {name}: {NOT_ON_SPARK[name]}" for name in exclude]
    if run.success:
        import_marts(db, candidate / MARTS_DIR, warehouse)
    return run


def import_marts(db: Path, marts_dir: Path, warehouse: Path) -> None:
    """Copy the Parquet tables Spark built into `db`: every folder of `marts_dir` into
    schema marts, every table of the private schemas' warehouse folders likewise."""
    sources = [("marts", p) for p in sorted(marts_dir.iterdir()) if p.is_dir()]
    for schema in PRIVATE_SCHEMAS:
        folder = warehouse / f"{schema}.db"
        sources += [(schema, p) for p in sorted(folder.iterdir()) if p.is_dir()]
    con = duckdb.connect(str(db))
    try:
        for schema in {s for s, _ in sources}:
            con.execute(f'create schema if not exists "{schema}"')
        for schema, folder in sources:
            con.execute(
                f'create table "{schema}"."{folder.name}" as '
                f"select * from read_parquet({lit(str(folder / '*.parquet'))})"
            )
    finally:
        con.close()


def _xirr_udf():
    """`xirr(amounts array<double>, days array<int>) -> double`: the very function DuckDB
    runs (fundlens.udfs.xirr_arrow over Arrow list columns), as a Spark Arrow UDF.
    NULL where no root exists or where a list or any of its elements is NULL."""
    from pyspark.sql.functions import ArrowUDFType, arrow_udf

    from fundlens.udfs import xirr_arrow

    with warnings.catch_warnings():  # "prefer type hints": xirr_arrow is shared with DuckDB
        warnings.simplefilter("ignore", UserWarning)
        return arrow_udf(xirr_arrow, "double", ArrowUDFType.SCALAR)


def start_session(warehouse: Path):
    """Start (or join) the Spark session and register fundlens's SQL functions in it."""
    from pyspark.sql import SparkSession

    # Python workers (the xirr UDF) run this interpreter, with fundlens and its deps
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder
    for key, value in session_config(warehouse).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    # PySpark logs every failed query with its JVM stack on stdout; dbt reports the error
    from pyspark.logger import PySparkLogger

    PySparkLogger.getLogger("SQLQueryContextLogger").disabled = True
    spark.udf.register("xirr", _xirr_udf())
    return spark


def main(argv: list[str] | None = None) -> int:
    """`python -m fundlens.spark <dbt command and options>`: dbt in a prepared session."""
    args = list(sys.argv[1:] if argv is None else argv)
    warehouse = os.environ.get(WAREHOUSE_ENV)
    if not warehouse:
        print(f"fundlens.spark: set ${WAREHOUSE_ENV} to Spark's warehouse folder", file=sys.stderr)
        return 2
    missing = available()
    if missing:
        print(f"fundlens.spark: {missing}", file=sys.stderr)
        return 2
    spark = start_session(Path(warehouse))
    try:
        from fundlens import dbt_cli

        return dbt_cli.main([*args, "--target", TARGET])
    finally:
        spark.stop()


if __name__ == "__main__":
    sys.exit(main())
