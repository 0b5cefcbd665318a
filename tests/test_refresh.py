"""Write-audit-publish: what a refresh publishes, what a failed or killed one leaves alone."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from fundlens import PROJECT_DIR, SEEDS_DIR
from fundlens.build import run_dbt
from fundlens.home import published_version
from fundlens.refresh import refresh, refresh_lock, rollback

FUNDLENS = Path(sys.executable).with_name("fundlens")

PUBLIC_MARTS = {
    "dim_funds",
    "dim_companies",
    "fct_positions_quarterly",
    "exposure_by_segment",
    "exposure_by_industry",
    "exposure_by_geography",
    "exposure_by_stage",
    "portfolio_concentration",
    "market_coverage",
    "company_kpis_latest",
    "fund_performance",
    "company_industry_weights",
}


def published_digests(home: Path) -> dict[str, str]:
    """sha256 of the files the published names point at, plus the version they belong to."""
    digests = {"version": published_version(home) or ""}
    for name in ("warehouse.duckdb", "public.duckdb"):
        digests[name] = hashlib.sha256((home / name).read_bytes()).hexdigest()
    return digests


def fundlens(*args: str, env: dict | None = None, check: bool = False):
    return subprocess.run(
        [str(FUNDLENS), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=check,
        timeout=900,
    )


def positions_fingerprint(db: Path) -> tuple[str, float]:
    """(version id, total fair value) as one reader sees them in one connection."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "select (select version_id from meta.build_info), "
            "round(sum(fair_value), 2) from marts.fct_positions_quarterly"
        ).fetchone()
    finally:
        con.close()


def variant_seeds(dest: Path) -> Path:
    """The demo seeds with one mark changed: a valid input whose marts differ."""
    shutil.copytree(SEEDS_DIR, dest)
    path = dest / "valuations.csv"
    lines = path.read_text().splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    fv = header.index("fair_value")
    for i in range(len(lines) - 1, 0, -1):  # the last mark with a positive value
        cells = lines[i].rstrip("\n").split(",")
        if float(cells[fv]) > 0:
            cells[fv] = f"{float(cells[fv]) * 2 + 1000:.2f}"
            lines[i] = ",".join(cells) + "\n"
            break
    path.write_text("".join(lines))
    return dest


# -- what a successful refresh publishes ----------------------------------------------------


def test_published_layout(demo_home: Path):
    version = published_version(demo_home)
    assert version is not None
    assert (demo_home / "current").resolve() == (demo_home / "versions" / version).resolve()
    for name in ("warehouse.duckdb", "public.duckdb"):
        assert (demo_home / name).is_symlink()
        assert (demo_home / name).resolve().parent == (demo_home / "versions" / version)
    assert not any((demo_home / "candidates").iterdir()), "a successful run leaves no candidate"
    assert positions_fingerprint(demo_home / "warehouse.duckdb")[0] == version


def test_public_database_holds_public_marts_only(demo_home: Path, public_db):
    schemas = {
        r[0] for r in public_db.execute("select schema_name from duckdb_tables()").fetchall()
    }
    assert schemas == {"marts", "meta"}
    tables = {
        r[0]
        for r in public_db.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts'"
        ).fetchall()
    }
    assert tables >= PUBLIC_MARTS
    assert "lp_capital_accounts" not in tables
    for table in PUBLIC_MARTS:
        assert public_db.execute(f"select count(*) from marts.{table}").fetchone()[0] > 0, table
    # the column descriptions from dbt travel with the tables, for analysts, and
    # meta.build_info has its own: every column an analyst can list has one
    undocumented = public_db.execute(
        "select schema_name, table_name, column_name from duckdb_columns() "
        "where not internal and (comment is null or comment = '')"
    ).fetchall()
    assert undocumented == []


def test_run_record_describes_the_run(demo_home: Path):
    from fundlens.home import read_runs

    [record] = read_runs(demo_home)
    assert record["outcome"] == "published"
    assert record["version_id"] == published_version(demo_home)
    for name, info in record["inputs"].items():
        expected = hashlib.sha256((SEEDS_DIR / name).read_bytes()).hexdigest()
        assert info["sha256"] == expected, name
        data_lines = (SEEDS_DIR / name).read_text().count("\n") - 1
        assert info["rows"] == data_lines, name
    assert record["marts"]["marts.dim_funds"] > 0
    assert record["marts"]["private.lp_capital_accounts"] > 0
    assert record["tests"].get("pass", 0) > 50
    assert set(record["tests"]) <= {"pass", "warn"}, record["tests"]  # no fail, error, skip
    # warn-level tests are recorded as data warnings, one each, with their rows counted
    assert record["tests"].get("warn", 0) == len(record["data_warnings"])
    assert all(w["count"] > 0 and w["examples"] for w in record["data_warnings"])
    assert record["warnings"] == []  # dbt build said nothing else at warn level
    assert set(record["timings"]) == {"load", "build", "public", "publish"}
    # dbt's side: parse time (full or reused, see the parse-cache tests) and every node's time
    dbt = record["dbt"]
    assert 0 < dbt["parse_seconds"] < record["timings"]["build"]
    assert isinstance(dbt["partial_parse"], bool)
    nodes = dbt["nodes"]
    statuses = {n["node"]: n["status"] for n in nodes}
    assert {s for node, s in statuses.items() if not node.startswith("exposure.")} <= {
        "pass",
        "success",
        "warn",  # the data warnings above: tests with severity warn
    }
    assert sum(s == "warn" for s in statuses.values()) == len(record["data_warnings"])
    built = {n["node"].split(".")[-1] for n in nodes if n["node"].startswith("model.")}
    assert {name.split(".")[1] for name in record["marts"]} <= built
    seconds = [n["seconds"] for n in nodes]
    assert seconds == sorted(seconds, reverse=True) and seconds[-1] >= 0
    # two dbt threads: the nodes' times cannot add up to more than twice the build step
    assert sum(seconds) <= 2 * record["timings"]["build"]


def test_status_shows_published_version(demo_home: Path):
    out = fundlens("status", "--home", str(demo_home), "--json", check=True).stdout
    status = json.loads(out)
    assert status["published"] == published_version(demo_home)
    assert status["runs"][0]["outcome"] == "published"
    text = fundlens("status", "--home", str(demo_home), check=True).stdout
    assert published_version(demo_home) in text


@pytest.mark.parametrize("command", ["", "refresh", "rollback", "status", "app"])
def test_every_command_explains_itself(command: str):
    result = fundlens(*([command] if command else []), "--help", check=True)
    assert "usage: fundlens" in result.stdout
    assert "--home" in result.stdout or command == ""


# -- failures change nothing ------------------------------------------------------------------


def test_bad_value_is_refused_and_nothing_changes(home_copy: Path, tmp_path: Path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    path = seeds / "investments.csv"
    lines = path.read_text().splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    cells = lines[3].rstrip("\n").split(",")
    cells[header.index("amount")] = "12x5"  # not a number
    lines[3] = ",".join(cells) + "\n"
    path.write_text("".join(lines))
    before = published_digests(home_copy)

    result = fundlens("refresh", "--seeds", str(seeds), "--home", str(home_copy))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "investments.csv, line 4, column amount" in result.stderr
    assert "12x5" in result.stderr
    assert published_digests(home_copy) == before
    status = json.loads(fundlens("status", "--home", str(home_copy), "--json").stdout)
    latest = status["runs"][0]
    assert latest["outcome"] == "failed"
    assert any(
        p["file"] == "investments.csv" and p["line"] == 4 and p["column"] == "amount"
        for p in latest["problems"]
    )
    assert "failed" in fundlens("status", "--home", str(home_copy)).stdout


def test_missing_seeds_dir_is_a_clear_error(home_copy: Path, tmp_path: Path):
    result = fundlens("refresh", "--seeds", str(tmp_path / "nope"), "--home", str(home_copy))
    assert result.returncode == 1
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr


def test_second_refresh_is_refused_while_one_runs(home_copy: Path):
    before = published_digests(home_copy)
    with refresh_lock(home_copy):
        result = fundlens("refresh", "--home", str(home_copy))
    assert result.returncode == 3
    assert "Another refresh is running" in result.stderr
    assert published_digests(home_copy) == before


def test_rollback_with_nothing_older_is_a_clear_error(home_copy: Path):
    result = fundlens("rollback", "--home", str(home_copy))
    assert result.returncode == 1
    assert "cannot roll back" in result.stderr


# -- readers, rollback, crashes (several full refreshes: slow) --------------------------------

READER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    import duckdb
    db, stop, out = Path(sys.argv[1]), Path(sys.argv[2]), open(sys.argv[3], "w")
    while not stop.exists():
        try:
            con = duckdb.connect(str(db), read_only=True)
            try:
                row = con.execute(
                    "select (select version_id from meta.build_info), "
                    "round(sum(fair_value), 2) from marts.fct_positions_quarterly"
                ).fetchone()
            finally:
                con.close()
            out.write(json.dumps({"seen": list(row)}) + "\\n")
        except Exception as exc:
            out.write(json.dumps({"error": repr(exc)}) + "\\n")
        out.flush()
        time.sleep(0.02)
    """
)


@pytest.mark.slow
def test_readers_never_notice_a_refresh_and_rollback_restores(home_copy: Path, tmp_path: Path):
    v1 = positions_fingerprint(home_copy / "warehouse.duckdb")
    stop = tmp_path / "stop"
    readers = []
    for i, name in enumerate(["warehouse.duckdb", "public.duckdb", "warehouse.duckdb"]):
        log = tmp_path / f"reader{i}.jsonl"
        proc = subprocess.Popen(
            [sys.executable, "-c", READER, str(home_copy / name), str(stop), str(log)]
        )
        readers.append((proc, log))
    try:
        time.sleep(1)
        record = refresh(variant_seeds(tmp_path / "seeds"), home_copy)
        time.sleep(1.5)
        assert record["dbt"]["partial_parse"], "the project did not change: reuse the parse"
    finally:
        stop.touch()
        for proc, _ in readers:
            proc.wait(timeout=60)

    v2 = positions_fingerprint(home_copy / "warehouse.duckdb")
    assert v2[0] == record["version_id"] != v1[0]
    assert v2[1] != v1[1], "the variant seeds must change the marts"
    for _, log in readers:
        events = [json.loads(line) for line in log.read_text().splitlines()]
        assert [e for e in events if "error" in e] == []
        seen = {tuple(e["seen"]) for e in events}
        # every read saw one whole version: old before the flip, new after, never a mix
        assert seen == {v1, v2}, seen

    assert rollback(home_copy) == v1[0]
    assert positions_fingerprint(home_copy / "warehouse.duckdb") == v1
    assert positions_fingerprint(home_copy / "public.duckdb") == v1


def _kill_at(failpoint: str, home: Path, seeds: Path) -> None:
    marker = home / f"failpoint-{failpoint}"
    proc = subprocess.Popen(
        [str(FUNDLENS), "refresh", "--seeds", str(seeds), "--home", str(home)],
        env={**os.environ, "FUNDLENS_FAILPOINT": failpoint},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 900
    while not marker.exists():
        assert proc.poll() is None, f"refresh ended before reaching {failpoint}"
        assert time.monotonic() < deadline, f"refresh never reached {failpoint}"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    marker.unlink()


@pytest.mark.slow
def test_sigkill_anywhere_leaves_the_published_version_intact(home_copy: Path, tmp_path: Path):
    seeds = variant_seeds(tmp_path / "seeds")
    before = published_digests(home_copy)
    for failpoint in ("during-load", "after-load", "mid-build", "before-flip"):
        _kill_at(failpoint, home_copy, seeds)
        assert published_digests(home_copy) == before, failpoint
        positions_fingerprint(home_copy / "warehouse.duckdb")  # still opens and reads

    # killed right after the flip: the new version is whole and published
    _kill_at("after-flip", home_copy, seeds)
    flipped = published_version(home_copy)
    assert flipped != before["version"]
    assert positions_fingerprint(home_copy / "public.duckdb")[0] == flipped

    # the next refresh clears the debris and succeeds
    record = refresh(SEEDS_DIR, home_copy)
    assert published_version(home_copy) == record["version_id"]
    assert not any((home_copy / "candidates").iterdir())
    runs = [json.loads(p.read_text()) for p in (home_copy / "runs").glob("*.json")]
    assert not [r for r in runs if r["outcome"] == "running"]
    by_id = {r["run_id"]: r for r in runs}
    assert by_id[flipped]["outcome"] == "published"
    versions = {p.name for p in (home_copy / "versions").iterdir()}
    assert versions == {before["version"], flipped, record["version_id"]}


def test_only_the_last_versions_are_kept_and_current_never_pruned(tmp_path: Path):
    from fundlens.refresh import _prune, publish

    home = tmp_path / "home"
    names = [f"2026010{i}T000000000Z-aaaaaa" for i in range(1, 9)]
    for name in names:
        (home / "versions" / name).mkdir(parents=True)
    publish(home, names[0])  # e.g. after rollbacks, the oldest is the published one
    _prune(home, keep=5)
    kept = sorted(p.name for p in (home / "versions").iterdir())
    assert kept == [names[0], *names[-5:]]
    assert published_version(home) == names[0]


@pytest.mark.slow
def test_a_reused_parse_sees_a_changed_model(tmp_path: Path):
    """dbt's parse is kept between refreshes; a model changed since must be re-parsed."""
    project = tmp_path / "project"
    for name in ("models", "macros", "analyses", "snapshots", "tests/dbt"):
        shutil.copytree(PROJECT_DIR / name, project / name)
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_DIR / name, project / name)
    cache = tmp_path / "cache"
    db = tmp_path / "db" / "warehouse.duckdb"

    first = run_dbt(["parse"], db, tmp_path / "run1", parse_cache=cache, project_dir=project)
    assert first.success and not first.partial_parse
    model = project / "models" / "marts" / "core" / "dim_funds.sql"
    model.write_text(model.read_text() + "\n-- changed after the first parse\n")
    second = run_dbt(["parse"], db, tmp_path / "run2", parse_cache=cache, project_dir=project)
    assert second.success and second.partial_parse
    manifest = json.loads((cache / "target" / "manifest.json").read_text())
    assert (
        "changed after the first parse" in manifest["nodes"]["model.fundlens.dim_funds"]["raw_code"]
    )


@pytest.mark.slow
def test_the_parse_cache_is_shared_by_homes_and_never_waited_for(tmp_path, monkeypatch):
    """A new home's first refresh reuses the parse another home's refresh left; while a
    refresh holds the cache, another one parses afresh rather than wait or share it."""
    from fundlens.refresh import CACHE_ENV, parse_cache

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    first = refresh(SEEDS_DIR, tmp_path / "home1")
    assert first["dbt"]["partial_parse"] is False  # an empty cache: a full parse
    with parse_cache() as held:
        assert held is not None and held.parent == tmp_path / "cache"
        assert oct(held.stat().st_mode & 0o777) == oct(0o700)
        with parse_cache() as other:
            assert other is None  # held: the refresh below parses on its own
        second = refresh(SEEDS_DIR, tmp_path / "home2")
    assert second["outcome"] == "published" and second["dbt"]["partial_parse"] is False
    third = refresh(SEEDS_DIR, tmp_path / "home3")
    assert third["dbt"]["partial_parse"] is True  # a new home, and yet the parse is reused
    assert third["dbt"]["parse_seconds"] < first["dbt"]["parse_seconds"]


def test_an_unusable_or_untrusted_cache_only_costs_a_full_parse(tmp_path, monkeypatch):
    from fundlens.refresh import CACHE_ENV, parse_cache

    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv(CACHE_ENV, str(blocker))
    with parse_cache() as cache:
        assert cache is None
    # a cache others may write into (or a link to one) is not trusted: dbt would load it
    shared = tmp_path / "shared"
    monkeypatch.setenv(CACHE_ENV, str(shared))
    with parse_cache() as cache:
        assert cache is not None
        cache.chmod(0o777)
    with parse_cache() as cache:
        assert cache is None
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    for entry in shared.iterdir():
        if entry.name.startswith("dbt-"):
            entry.chmod(0o700)
            entry.rename(tmp_path / "moved")
            entry.symlink_to(elsewhere)
    with parse_cache() as cache:
        assert cache is None
    # ... nor one in a folder others may write into (unless sticky, as /tmp is)
    open_parent = tmp_path / "open"
    open_parent.mkdir()
    open_parent.chmod(0o777)
    monkeypatch.setenv(CACHE_ENV, str(open_parent / "cache"))
    with parse_cache() as cache:
        assert cache is None
    open_parent.chmod(0o777 | stat.S_ISVTX)
    with parse_cache() as cache:
        assert cache == open_parent / "cache" / cache.name
    # a relative path is taken from here (dbt would take it from the project)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(CACHE_ENV, "relative")
    with parse_cache() as cache:
        assert cache is not None and cache.parent == tmp_path / "relative"
    # no cache setting and no home directory: no cache, and no crash
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", lambda: (_ for _ in ()).throw(RuntimeError("no home")))
    with parse_cache() as cache:
        assert cache is None


def test_an_error_inside_a_refused_cache_is_the_error_raised(tmp_path, monkeypatch):
    from fundlens.refresh import CACHE_ENV, parse_cache

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "not-a-directory"))
    (tmp_path / "not-a-directory").write_text("")
    with pytest.raises(FileNotFoundError, match="dbt is gone"), parse_cache() as cache:
        assert cache is None
        raise FileNotFoundError("dbt is gone")


def test_refresh_summary_names_the_steps_and_slowest_nodes(demo_home: Path, monkeypatch, capsys):
    """`fundlens refresh` ends with each step's time and the slowest dbt nodes."""
    from fundlens import cli
    from fundlens import refresh as refresh_module
    from fundlens.home import read_runs

    [record] = read_runs(demo_home)
    # the CLI imports refresh when the command runs (its module stays lean for `sql`)
    monkeypatch.setattr(refresh_module, "refresh", lambda *args, **kwargs: record)
    assert cli.main(["refresh", "--home", str(demo_home)]) == 0
    out = capsys.readouterr().out
    assert f"Published version {record['version_id']}" in out
    steps = out.split("steps: ")[1].splitlines()[0]
    for step, took in record["timings"].items():
        assert f"{step} {took:.1f}s" in steps
    assert f"dbt parse {record['dbt']['parse_seconds']:.1f}s" in steps
    slowest = out.split("slowest dbt nodes: ")[1].splitlines()[0].split(", ")
    expected = record["dbt"]["nodes"][: cli.SLOWEST_SHOWN]
    assert slowest == [f"{n['node'].split('.')[-1]} {n['seconds']:.1f}s" for n in expected]
