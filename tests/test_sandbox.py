"""The analysts' SQL sandbox: what it runs, what it refuses, and that nothing leaks or breaks.

The hostile corpus runs through one `Sandbox("spawn")`, as the app's does; after
it, the published files must be byte-identical and a normal query must still work.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from fundlens.sandbox import Limits, QueryRefused, Sandbox, ShellUser

FUNDLENS = Path(sys.executable).with_name("fundlens")

# Small limits keep runaway queries short; DuckDB still needs ~0.8 GB of address space.
CORPUS_LIMITS = Limits(timeout_s=3, memory_mb=256, address_space_mb=1536, max_rows=1000)

FILES = "out of reach"  # the file system, network, extensions or settings
NOT_READ_ONLY = "Only read-only queries"
ONE_STATEMENT = "Only one statement"
MISSING = "does not exist"
TIME = "time limit"
MEMORY = "memory"


@dataclass(frozen=True)
class Case:
    sql: str
    expected: tuple[str, ...]  # the message names one of these rules


# {public} and {warehouse}: the published files; {tmp}: a scratch directory.
HOSTILE = {
    # reading, globbing or writing files
    "read_csv /etc/passwd": Case("select * from read_csv('/etc/passwd')", (FILES,)),
    "read_text": Case("select * from read_text('/etc/passwd')", (FILES,)),
    "read_blob of the db file": Case("select * from read_blob('{public}')", (FILES,)),
    "read_blob of warehouse": Case("select * from read_blob('{warehouse}')", (FILES,)),
    "glob": Case("select * from glob('/*')", (FILES,)),
    "read_parquet glob": Case("select * from read_parquet('{tmp}/**/*.parquet')", (FILES,)),
    "file as a table": Case("select * from '/etc/passwd'", (FILES, MISSING)),
    "read_json": Case("select * from read_json_auto('/etc/hosts')", (FILES,)),
    "sniff_csv": Case("select * from sniff_csv('/etc/passwd')", (FILES,)),
    "copy to": Case("copy (select 1) to '{tmp}/out.csv'", (NOT_READ_ONLY,)),
    "copy table to": Case("copy marts.dim_funds to '{tmp}/out.parquet'", (NOT_READ_ONLY,)),
    "explain analyze copy": Case(
        "explain analyze copy (select 1) to '{tmp}/out.csv'", (FILES, NOT_READ_ONLY)
    ),
    "export database": Case("export database '{tmp}/dump'", (NOT_READ_ONLY,)),
    # attaching and detaching
    "attach warehouse": Case("attach '{warehouse}' as w (read_only)", (NOT_READ_ONLY,)),
    "attach memory": Case("attach ':memory:' as scratch", (NOT_READ_ONLY,)),
    "attach url": Case("attach 'https://example.com/x.duckdb' as x", (NOT_READ_ONLY,)),
    "detach": Case("detach public", (NOT_READ_ONLY,)),
    "use": Case("use memory", (NOT_READ_ONLY,)),
    # extensions and settings
    "install": Case("install httpfs", (NOT_READ_ONLY,)),
    "load": Case("load httpfs", (NOT_READ_ONLY,)),
    "set threads": Case("set threads = 64", (NOT_READ_ONLY,)),
    "set external access": Case("set enable_external_access = true", (NOT_READ_ONLY,)),
    "unlock": Case("set lock_configuration = false", (NOT_READ_ONLY,)),
    "reset": Case("reset memory_limit", (NOT_READ_ONLY,)),
    "pragma": Case("pragma memory_limit = '100GB'", (NOT_READ_ONLY,)),
    "set variable": Case("set variable x = 1", (NOT_READ_ONLY,)),
    "call": Case("call pragma_version()", (NOT_READ_ONLY,)),
    "checkpoint": Case("checkpoint", (NOT_READ_ONLY,)),
    # DDL and DML
    "create table": Case("create table marts.x as select 1 as a", (NOT_READ_ONLY,)),
    "create temp table": Case("create temp table t as select 1 as a", (NOT_READ_ONLY,)),
    "create macro": Case("create macro m() as 1", (NOT_READ_ONLY,)),
    "drop": Case("drop table marts.dim_funds", (NOT_READ_ONLY,)),
    "insert": Case("insert into marts.dim_funds select * from marts.dim_funds", (NOT_READ_ONLY,)),
    "update": Case("update marts.dim_funds set fund_name = 'x'", (NOT_READ_ONLY,)),
    "delete": Case("delete from marts.dim_funds", (NOT_READ_ONLY,)),
    "alter": Case("alter table marts.dim_funds add column x integer", (NOT_READ_ONLY,)),
    "begin": Case("begin transaction", (NOT_READ_ONLY,)),
    "vacuum": Case("vacuum", (NOT_READ_ONLY,)),
    # several statements in one string
    "select then drop": Case("select 1; drop table marts.dim_funds", (ONE_STATEMENT,)),
    "two selects": Case("select 1; select 2", (ONE_STATEMENT,)),
    "comment hides a second": Case("select 1 /* ; */; select 2 -- ;", (ONE_STATEMENT,)),
    # private data by any name
    "private schema": Case("select * from private.lp_capital_accounts", (MISSING,)),
    "private table bare": Case("select * from lp_capital_accounts", (MISSING,)),
    "warehouse catalog": Case("select * from warehouse.private.lp_capital_accounts", (MISSING,)),
    "query_table": Case("select * from query_table('private.lp_capital_accounts')", (MISSING,)),
    "query()": Case("select * from query('select * from private.lp_capital_accounts')", (MISSING,)),
    "describe private": Case("describe private.lp_capital_accounts", (MISSING,)),
    # runaway queries
    "cross join": Case(
        "select sum(a.range * b.range) from range(1000000) a, range(1000000) b", (TIME, MEMORY)
    ),
    "endless recursion": Case(
        "with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r",
        (TIME, MEMORY),
    ),
    "giant string": Case("select length(repeat('x', 1500000000))", (MEMORY, TIME)),
    "giant aggregate": Case(
        "select length(string_agg(repeat('x', 1000), '')) from range(10000000)", (MEMORY, TIME)
    ),
    # careless
    "empty": Case("   ", ("empty",)),
    "only a comment": Case("-- nothing here", ("empty",)),
    "syntax error": Case("select from where", ("Parser Error",)),
}


def published_digests(home: Path) -> dict[str, str]:
    return {
        name: hashlib.sha256((home / name).read_bytes()).hexdigest()
        for name in ("public.duckdb", "warehouse.duckdb")
    }


@pytest.fixture(scope="module")
def sandbox():
    box = Sandbox("spawn")
    box.warm_up()
    yield box
    box.close()


@pytest.fixture(scope="module")
def digests_before(demo_home) -> dict[str, str]:
    return published_digests(demo_home)


def test_hostile_corpus_is_large_enough():
    assert len(HOSTILE) >= 30


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_query_is_refused_with_one_clear_sentence(
    name, sandbox, demo_home, digests_before, tmp_path
):
    case = HOSTILE[name]
    sql = case.sql.format(
        public=(demo_home / "public.duckdb").resolve(),
        warehouse=(demo_home / "warehouse.duckdb").resolve(),
        tmp=tmp_path,
    )
    started = time.monotonic()
    with pytest.raises(QueryRefused) as refused:
        sandbox.run(sql, user=ShellUser(), home=demo_home, limits=CORPUS_LIMITS)
    took = time.monotonic() - started
    message = str(refused.value)
    assert any(rule in message for rule in case.expected), message
    assert "\n" not in message and "Traceback" not in message, message
    assert message.endswith((".", "?", "!", '"')), message
    if TIME in case.expected:  # stopped, not run to completion (which takes hours)
        assert took < CORPUS_LIMITS.timeout_s + 15, took
    assert list(tmp_path.iterdir()) == [], "the query wrote a file"


def test_after_the_corpus_files_are_unchanged_and_queries_work(
    sandbox, demo_home, digests_before, public_db
):
    assert published_digests(demo_home) == digests_before
    result = sandbox.run(
        "select fund_id, count(*) as n from marts.fct_positions_quarterly group by fund_id "
        "order by fund_id",
        user=ShellUser(),
        home=demo_home,
    )
    expected = public_db.execute(
        "select fund_id, count(*) from marts.fct_positions_quarterly group by 1 order by 1"
    ).fetchall()
    assert result.rows == expected
    assert result.columns == ["fund_id", "n"]


def test_row_cap_truncates_and_says_so(sandbox, demo_home):
    result = sandbox.run(
        "select * from range(1000000000)", user=ShellUser(), home=demo_home, limits=CORPUS_LIMITS
    )
    assert len(result.rows) == CORPUS_LIMITS.max_rows
    assert result.truncated
    exact = sandbox.run(
        "select * from range(1000)", user=ShellUser(), home=demo_home, limits=CORPUS_LIMITS
    )
    assert len(exact.rows) == 1000 and not exact.truncated


@pytest.mark.parametrize(
    "sql",
    [
        "describe marts.dim_funds",
        "summarize marts.dim_funds",
        "show all tables",
        "explain select * from marts.dim_funds",
        "from marts.dim_funds",
        "with f as (select * from marts.dim_funds) select count(*) from f",
        "select * from duckdb_columns() where schema_name = 'marts'",
    ],
)
def test_read_only_statements_run(sql, sandbox, demo_home):
    result = sandbox.run(sql, user=ShellUser(), home=demo_home)
    assert result.rows and result.columns


def test_results_match_a_plain_connection(sandbox, demo_home, public_db):
    sql = "select * from marts.exposure_by_segment order by fund_id, quarter_end, segment_code"
    result = sandbox.run(sql, user=ShellUser(), home=demo_home)
    cursor = public_db.execute(sql)
    assert result.rows == cursor.fetchall()
    assert result.columns == [d[0] for d in cursor.description]
    assert result.version == (demo_home / "current").resolve().name


@dataclass(frozen=True)
class _User:
    role: str


@pytest.mark.parametrize("role", ["lp", "guest", ""])
def test_only_operators_and_analysts_may_run_sql(role, sandbox, demo_home):
    with pytest.raises(QueryRefused, match="operators and analysts only"):
        sandbox.run("select 1", user=_User(role), home=demo_home)


@pytest.mark.parametrize("role", ["operator", "analyst"])
def test_operators_and_analysts_run_sql(role, sandbox, demo_home):
    assert sandbox.run("select 42", user=_User(role), home=demo_home).rows == [(42,)]


def test_nothing_published_is_a_clear_refusal(sandbox, tmp_path):
    with pytest.raises(QueryRefused, match="Nothing is published"):
        sandbox.run("select 1", user=ShellUser(), home=tmp_path)


def test_worker_sees_no_environment(sandbox, demo_home, monkeypatch):
    # no getenv() in DuckDB today; if one appears, the worker's environment is empty anyway
    monkeypatch.setenv("FUNDLENS_SECRET_FOR_TEST", "s3cr3t")
    result = sandbox.run(
        "select count(*) from duckdb_settings() where value like '%s3cr3t%'",
        user=ShellUser(),
        home=demo_home,
    )
    assert result.rows == [(0,)]


# --- fundlens sql -------------------------------------------------------------------------


def fundlens_sql(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(FUNDLENS), "sql", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_import_path_is_lean():
    code = (
        "import sys, fundlens.cli, fundlens.sandbox; "
        "print(sorted(m for m in ('duckdb', '_duckdb', 'pandas', 'dbt', 'streamlit', 'numpy') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_cli_formats_agree_with_duckdb(demo_home, public_db):
    sql = (
        "select fund_id, quarter_end, tvpi, net_irr from marts.fund_performance "
        "order by fund_id, quarter_end"
    )
    expected = public_db.execute(sql).fetchall()

    res = fundlens_sql("--home", str(demo_home), "--format", "json", sql)
    assert res.returncode == 0, res.stderr
    records = json.loads(res.stdout)
    assert len(records) == len(expected)
    for got, row in zip(records, expected, strict=True):
        assert got["fund_id"] == row[0]
        assert got["quarter_end"] == row[1].isoformat()
        assert got["tvpi"] == pytest.approx(row[2])
        assert got["net_irr"] == (None if row[3] is None else pytest.approx(row[3]))
    assert f"{len(expected)} rows" in res.stderr

    res = fundlens_sql("--home", str(demo_home), "--format", "csv", stdin=sql)  # from stdin
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0] == "fund_id,quarter_end,tvpi,net_irr"
    assert len(lines) == len(expected) + 1
    assert lines[1].split(",")[:2] == [expected[0][0], expected[0][1].isoformat()]

    res = fundlens_sql("--home", str(demo_home), "select fund_id, fund_name from marts.dim_funds")
    assert res.returncode == 0, res.stderr
    header, rule, *body = res.stdout.splitlines()
    assert header.split() == ["fund_id", "fund_name"] and set(rule) <= {"-", " "}
    names = public_db.execute("select fund_name from marts.dim_funds").fetchall()
    assert sorted(line.split(None, 1)[1] for line in body) == sorted(n for (n,) in names)


def test_cli_row_cap_note(demo_home):
    res = fundlens_sql("--home", str(demo_home), "--max-rows", "5", "--format", "csv",
                       "select * from range(100)")  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines() == ["range", "0", "1", "2", "3", "4"]
    assert "showing the first 5 rows only" in res.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["attach '/tmp/x.duckdb' as x"], NOT_READ_ONLY),
        (["select * from read_text('/etc/passwd')"], FILES),
        (["select * from private.lp_capital_accounts"], MISSING),
        (
            [
                "--timeout",
                "1",
                "with recursive r(n) as (select 1 union all select n + 1 from r) "
                "select count(*) from r",
            ],
            TIME,
        ),
        (["select 1; select 2"], ONE_STATEMENT),
    ],
)
def test_cli_refusals_exit_1_with_one_line(demo_home, args, message):
    res = fundlens_sql("--home", str(demo_home), *args)
    assert res.returncode == 1
    assert res.stdout == ""
    assert res.stderr.startswith("fundlens sql: ") and message in res.stderr
    assert res.stderr.count("\n") == 1 and "Traceback" not in res.stderr


def test_cli_nothing_published(tmp_path):
    res = fundlens_sql("--home", str(tmp_path), "select 1")
    assert res.returncode == 1
    assert "Nothing is published" in res.stderr and "fundlens refresh" in res.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--max-rows", "0", "select 1"], "--max-rows"),
        (["--timeout", "-1", "select 1"], "--timeout"),
        (["--timeout", "soon", "select 1"], "--timeout"),
        (["--format", "xml", "select 1"], "--format"),
    ],
)
def test_cli_bad_options(args, message):
    res = fundlens_sql(*args)
    assert res.returncode == 2
    assert message in res.stderr and "Traceback" not in res.stderr


def test_cli_help_explains_itself():
    res = fundlens_sql("--help")
    assert res.returncode == 0
    for word in ("read-only", "--max-rows", "--timeout", "--format", "stdin", "examples"):
        assert word in res.stdout


def test_cli_runs_a_named_analysis(demo_home, public_db):
    res = fundlens_sql("--home", str(demo_home), "--format", "json", "--analysis",
                       "fund_vintage_comparison")  # fmt: skip
    assert res.returncode == 0, res.stderr
    funds = public_db.execute("select fund_id, vintage_year from marts.dim_funds").fetchall()
    got = {(r["fund_id"], r["vintage_year"]) for r in json.loads(res.stdout)}
    assert got == set(funds)

    res = fundlens_sql("--home", str(demo_home), "--analysis", "no_such_thing")
    assert res.returncode == 1 and "stale_marks" in res.stderr  # lists what there is
    res = fundlens_sql("--home", str(demo_home), "--analysis", "stale_marks", "select 1")
    assert res.returncode == 1 and "not both" in res.stderr


def make_home(root: Path, version: str) -> Path:
    """A minimal published home whose public.duckdb says which version it is."""
    import duckdb

    version_dir = root / "versions" / version
    version_dir.mkdir(parents=True)
    con = duckdb.connect(str(version_dir / "public.duckdb"))
    con.execute("create schema meta")
    con.execute("create table meta.build_info as select ? as version_id", [version])
    con.close()
    (root / "current").symlink_to(Path("versions") / version)
    (root / "public.duckdb").symlink_to(Path("current") / "public.duckdb")
    return root


def test_a_spare_opened_on_another_version_reads_the_one_asked_for(demo_home, tmp_path):
    box = Sandbox("spawn")
    try:
        box.warm_up(demo_home, wait=True)  # the spare opens the demo's public.duckdb
        other = make_home(tmp_path / "other", "v2")
        result = box.run("select version_id from meta.build_info", user=ShellUser(), home=other)
        assert result.rows == [("v2",)] and result.version == "v2"
        box.warm_up(wait=True)  # the next spare opens v2's file, the last one read
        again = box.run("select version_id from meta.build_info", user=ShellUser(), home=demo_home)
        assert again.rows == [((demo_home / "current").resolve().name,)]
    finally:
        box.close()


def test_queries_beyond_the_running_limit_are_refused(demo_home):
    """A hostile analyst opening many tabs cannot start a worker (up to address_space_mb
    each) per tab: beyond `max_running` at once, a query waits, then is refused."""
    import threading

    box = Sandbox("spawn", keep_spare=False, max_running=1, queue_wait_s=0.5)
    slow = "select sum(a.range * b.range) from range(1000000) a, range(1000000) b"
    outcome: list[str] = []

    def run_slow() -> None:
        try:
            box.run(slow, user=ShellUser(), home=demo_home, limits=CORPUS_LIMITS)
        except QueryRefused as exc:
            outcome.append(str(exc))

    first = threading.Thread(target=run_slow)
    first.start()
    try:
        time.sleep(0.2)  # the first query holds the only slot (it runs for ~3 s)
        with pytest.raises(QueryRefused, match="Too many queries are running"):
            box.run("select 1", user=ShellUser(), home=demo_home)
    finally:
        first.join()
    assert outcome and "time limit" in outcome[0]  # the first ran, then hit its own limit
    assert box.run("select 1", user=ShellUser(), home=demo_home).rows == [(1,)]  # slot freed
    box.close()
