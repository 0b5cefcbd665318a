"""`fundlens refresh`: write, audit, publish.

1. Write: load the CSVs and build every model into `candidates/<run_id>/`.
2. Audit: the loader checks every rule of the data contract; `dbt build` runs every
   data test and contract (dbt's unit tests check the SQL, not the data: the test
   suite runs them). Any failure stops the run here: nothing published changes.
3. Publish: move the candidate to `versions/<run_id>/` and flip the `current` link
   with one atomic rename. Readers holding the old files keep reading them.

Every run leaves a record in `runs/<run_id>.json`. One refresh runs at a time per
home (an advisory lock the kernel drops if the process dies, even on SIGKILL), and
the next refresh clears whatever a killed one left behind.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from fundlens import PROJECT_DIR, SEEDS_DIR, data_warnings
from fundlens.build import BUILD, DbtRun, dbt_started
from fundlens.contract import FILES
from fundlens.errors import FundLensError, InputError
from fundlens.home import (
    LOCK,
    PUBLIC,
    SPARK_MARTS,
    WAREHOUSE,
    check_home,
    public_mode,
    published_version,
    record_problem,
    resolve_home,
    secure,
)
from fundlens.load import load, source_path
from fundlens.validate import lit

KEEP_VERSIONS = 5
ENGINES = ("duckdb", "spark")  # what runs dbt build; the load is always DuckDB's
PUBLIC_SCHEMAS = ("marts", "meta")  # the only schemas copied into public.duckdb
FAILPOINT_ENV = "FUNDLENS_FAILPOINT"  # tests: stop at a named point to be killed there

Progress = Callable[[str], None]


class RefreshBusy(FundLensError):
    """Another refresh holds the lock on this home."""

    exit_code = 3


class AuditError(FundLensError):
    """The candidate warehouse failed dbt's tests or contracts."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_run_id() -> str:
    """Sortable by time (to the millisecond), unique across machines: 20261126T223000123Z-3f9a1c."""
    now = datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%S}{now.microsecond // 1000:03d}Z-{secrets.token_hex(3)}"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_json(path: Path, data: dict) -> None:
    """Write-then-rename, so a reader never sees half a record."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w") as fh:
        fh.write(json.dumps(data, indent=2, default=str))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


@contextmanager
def _private_umask() -> Iterator[None]:
    """Create files and directories readable by the owner only (`home.secure` then opens
    the way to public.duckdb)."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


@contextmanager
def refresh_lock(home: Path, wait: bool = False) -> Iterator[None]:
    """Hold `<home>/refresh.lock` for the duration of a refresh or rollback."""
    home.mkdir(parents=True, exist_ok=True)
    with open(home / LOCK, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise RefreshBusy(
                f"Another refresh is running on {home} ({holder}). "
                "Wait for it to finish, or pass --wait to queue behind it."
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} since {_now()}")
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _table_counts(db: Path, schemas: tuple[str, ...]) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables() "
            "where schema_name in (select unnest(?)) order by all",
            [list(schemas)],
        ).fetchall()
        return {
            f"{s}.{t}": con.execute(f'select count(*) from "{s}"."{t}"').fetchone()[0]
            for s, t in tables
        }
    finally:
        con.close()


def write_public(warehouse: Path, public: Path) -> None:
    """Copy the public schemas, with their table and column comments, into `public`."""
    con = duckdb.connect(str(public))
    try:
        con.execute("attach ? as wh (read_only)", [str(warehouse)])
        tables = con.execute(
            "select schema_name, table_name, comment from duckdb_tables() "
            "where database_name = 'wh' and schema_name in (select unnest(?)) order by all",
            [list(PUBLIC_SCHEMAS)],
        ).fetchall()
        for schema in PUBLIC_SCHEMAS:
            con.execute(f'create schema if not exists "{schema}"')
        for schema, table, comment in tables:
            name = f'"{schema}"."{table}"'
            con.execute(f"create table {name} as select * from wh.{name}")
            if comment:
                con.execute(f"comment on table {name} is {lit(comment)}")
            for column, col_comment in con.execute(
                "select column_name, comment from duckdb_columns() "
                "where database_name = 'wh' and schema_name = ? and table_name = ? "
                "and comment is not null",
                [schema, table],
            ).fetchall():
                con.execute(f'comment on column {name}."{column}" is {lit(col_comment)}')
        con.execute("detach wh")
        con.execute("checkpoint")
    finally:
        con.close()


def _write_build_info(db: Path, version_id: str) -> None:
    """Stamp the candidate with its version, so every reader can tell which one it sees."""
    con = duckdb.connect(str(db))
    try:
        con.execute("create schema if not exists meta")
        con.execute(
            "create or replace table meta.build_info as select "
            "?::varchar as version_id, now()::timestamptz as built_at",
            [version_id],
        )
        con.execute("comment on table meta.build_info is 'The published version of this file.'")
        con.execute(
            "comment on column meta.build_info.version_id is "
            "'The version id: the refresh run that published this file (fundlens status).'"
        )
        con.execute(
            "comment on column meta.build_info.built_at is 'When that refresh loaded its inputs.'"
        )
    finally:
        con.close()


def _failpoint(home: Path, name: str) -> None:
    """For crash tests: when $FUNDLENS_FAILPOINT names this point, say so and wait to die."""
    if os.environ.get(FAILPOINT_ENV) == name:
        (home / f"failpoint-{name}").write_text(str(os.getpid()))
        while True:
            time.sleep(60)


_WARN_TEST_LOG = re.compile(r"^\d+ of \d+ WARN \d+ |^Warning in test |^Got \d+ results?,")


CACHE_ENV = "FUNDLENS_CACHE_DIR"  # where dbt's parse is kept (default: the user's cache)


def cache_dir() -> Path:
    """$FUNDLENS_CACHE_DIR, else $XDG_CACHE_HOME/fundlens, else ~/.cache/fundlens.

    Always absolute (dbt would take a relative path from the project, not from here);
    a relative XDG_CACHE_HOME is ignored, as the XDG spec says. Raises RuntimeError when
    there is no home directory to default to."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser().absolute()
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "fundlens"


def _trusted_dir(path: Path) -> bool:
    """A real directory that only we (or root) may change, all the way up: dbt runs what
    it loads from the parse cache, so no one else may be able to put or swap a file in."""
    me = os.getuid()
    info = path.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != me or info.st_mode & 0o022:
        return False
    for parent in path.parents:
        info = parent.stat()
        if info.st_uid not in (me, 0):
            return False
        if info.st_mode & 0o022 and not info.st_mode & stat.S_ISVTX:  # writable, not sticky
            return False
    return True


@contextmanager
def parse_cache() -> Iterator[Path | None]:
    """Where dbt keeps its parse of this project between refreshes, held for one refresh.

    One per user and project checkout, shared by all of the user's homes (the parse
    holds the project only, no data), so even a new home's first refresh reuses it.
    None when another refresh holds it, or it cannot be made or trusted (see
    `_trusted_dir`): dbt then parses afresh, which is slower and otherwise the same."""
    key = hashlib.sha256(str(PROJECT_DIR).encode()).hexdigest()[:12]
    lock = None
    try:
        path = cache_dir() / f"dbt-{key}"
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        if _trusted_dir(path):
            lock = (path / "lock").open("a")
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                lock.close()
                lock = None
    except (OSError, RuntimeError):  # RuntimeError: no home directory
        lock = None
    if lock is None:
        yield None
        return
    with lock:  # closing it releases the lock
        yield path


@contextmanager
def _dbt_started(engine: str, db: Path, candidate: Path) -> Iterator[Callable[[Progress], DbtRun]]:
    """Start the candidate's `dbt build`; yield `run(on_progress)`, which runs it. On
    DuckDB, dbt imports itself meanwhile, while the inputs load (see build.dbt_started),
    and the parse cache is held from now on: a refresh in another home that starts
    during this one's load parses afresh (slower, otherwise the same)."""
    if engine == "spark":  # its own parse: sharing the DuckDB target's would void it
        from fundlens import spark

        yield lambda on_progress: spark.build(db, candidate, on_progress)
        return
    with parse_cache() as cache, dbt_started(BUILD, db, candidate / "dbt", cache) as run:
        yield run


def _dbt_build(
    run_build: Callable[[Progress], DbtRun],
    db: Path,
    candidate: Path,
    progress: Progress,
    record: dict,
) -> tuple[dict[str, int], list[str], list[dict]]:
    """Run `dbt build` for the candidate; return test counts, dbt's own warnings and the
    data warnings (tests with severity warn, see data_warnings.py), and keep the parse
    time and each node's time in `record["dbt"]`.

    Raises AuditError when a model, contract or test fails."""
    run = run_build(progress)
    record["dbt"] = {
        "parse_seconds": run.parse_seconds,
        "partial_parse": run.partial_parse,
        "nodes": run.node_timings(),
    }
    tests: dict[str, int] = {}
    for r in run.results:
        if r["unique_id"].split(".")[0] in ("test", "unit_test"):
            tests[r["status"]] = tests.get(r["status"], 0) + 1
    if not run.success:
        raise AuditError(
            "The candidate warehouse failed its audit; nothing was published.\n  "
            + "\n  ".join(run.failures()[:50])
        )
    manifest = (run.target or candidate / "dbt" / "target") / "manifest.json"
    found = data_warnings.collect(run.results, manifest, db)
    # dbt also logs each warn-level test; those are in `found`, with counts and examples
    logged = [w for w in run.warnings if not _WARN_TEST_LOG.search(w)]
    return tests, logged, found


def _clear_leftovers(home: Path) -> list[str]:
    """Remove what killed runs left: candidates, unpublished versions, 'running' records.

    A record is data, never an instruction: one that is not a run record is set aside
    as `<name>.damaged`; what was set aside is returned as notes for the operator."""
    shutil.rmtree(home / "candidates", ignore_errors=True)
    shutil.rmtree(home / "cache", ignore_errors=True)  # dbt's parse was kept here before
    current = published_version(home)
    notes = []
    for path in sorted((home / "runs").glob("*.json")):
        try:
            record = json.loads(path.read_text())
            problem = record_problem(path, record)
        except (OSError, ValueError) as exc:
            problem = f"it cannot be read as JSON ({type(exc).__name__})"
        if problem:
            path.rename(path.with_name(path.name + ".damaged"))  # keep it for a look
            notes.append(f"runs/{path.name} was set aside as {path.name}.damaged: {problem}")
            continue
        if record["outcome"] != "running":
            continue
        run_id = record["run_id"]  # checked against RUN_ID: names no path outside
        if run_id == current:  # killed after the flip: it was published
            record.update(outcome="published", version_id=current)
        else:
            record.update(outcome="interrupted", error="interrupted: the process stopped mid-run")
            # moved into versions/ but killed before the flip: never published
            shutil.rmtree(home / "versions" / run_id, ignore_errors=True)
        _write_json(path, record)
    return notes


def _prune(home: Path, keep: int) -> None:
    current = published_version(home)
    versions = sorted(p.name for p in (home / "versions").iterdir() if p.is_dir())
    for name in versions[:-keep]:
        if name != current:
            shutil.rmtree(home / "versions" / name, ignore_errors=True)


def publish(home: Path, version_id: str) -> None:
    """Point `current` at versions/<version_id> with one atomic rename."""
    tmp = home / ".current.tmp"
    tmp.unlink(missing_ok=True)
    os.symlink(Path("versions") / version_id, tmp)
    os.replace(tmp, home / "current")
    for name in (WAREHOUSE, PUBLIC, SPARK_MARTS):  # stable names, created once
        if name == SPARK_MARTS and not (home / "current" / name).is_dir():
            continue  # only versions built by Spark have their marts as Parquet
        link = home / name
        if not link.is_symlink():
            link.unlink(missing_ok=True)
            os.symlink(Path("current") / name, link)
    _fsync_dir(home)


def refresh(
    seeds_dir: Path = SEEDS_DIR,
    home: Path | None = None,
    *,
    keep: int = KEEP_VERSIONS,
    wait: bool = False,
    engine: str = "duckdb",
    progress: Progress = lambda _msg: None,
    public_readable: str | None = None,
) -> dict:
    """Build the warehouse from `seeds_dir` and publish it in `home`; return the run record.

    `engine` runs dbt build: "duckdb" (in the candidate's DuckDB file) or "spark" (a local
    Spark session; the public marts are also published as Parquet in `<home>/spark/`).


    `public_readable` (owner, group, all; default $FUNDLENS_PUBLIC_MODE, else group) says
    who else may read public.duckdb; everything else in `home` is the owner's alone.
    Raises InputError (bad input), AuditError (a dbt test failed), RefreshBusy, or
    another FundLensError; in every failure case the published version is untouched.
    """
    home = resolve_home(home)
    mode = public_mode(public_readable)
    seeds_dir = Path(seeds_dir).resolve()
    if engine not in ENGINES:
        raise FundLensError(f"Unknown engine {engine!r}: use one of {', '.join(ENGINES)}.")
    if not seeds_dir.is_dir():
        raise FundLensError(f"The input directory {seeds_dir} does not exist.")
    check_home(home, write=True)
    with _private_umask(), refresh_lock(home, wait=wait):
        for sub in ("runs", "versions", "candidates"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        notes = _clear_leftovers(home)
        secure(home, mode)
        run_id = new_run_id()
        candidate = home / "candidates" / run_id
        candidate.mkdir(parents=True)
        files = {spec.filename: source_path(spec, seeds_dir) for spec in FILES.values()}
        record: dict = {
            "run_id": run_id,
            "version_id": None,
            "started_at": _now(),
            "finished_at": None,
            "outcome": "running",
            "engine": engine,
            "seeds_dir": str(seeds_dir),
            "inputs": {name: {"sha256": _sha256(p), "rows": None} for name, p in files.items()},
            "marts": {},
            "tests": {},
            "warnings": [],
            "data_warnings": [],
            "timings": {},
            "problems": [],
            "notes": notes,
            "error": None,
        }
        record_path = home / "runs" / f"{run_id}.json"
        _write_json(record_path, record)

        def step(name: str):
            progress(f"[{name}] ...")
            return _Timer(record["timings"], name, progress)

        try:
            db = candidate / WAREHOUSE
            with _dbt_started(engine, db, candidate) as run_build:
                with step("load"):

                    def on_file(name: str, rows: int) -> None:
                        progress(f"[load] {name}: {rows} rows")
                        _failpoint(home, "during-load")

                    rows = load(seeds_dir, db, on_file)
                    _write_build_info(db, run_id)
                _failpoint(home, "after-load")
                for name, count in rows.items():
                    key = name if name.endswith(".csv") else f"{name}.csv"
                    record["inputs"].setdefault(key, {})["rows"] = count
                with step("build"):

                    def on_nodes(message: str) -> None:
                        progress(message)
                        _failpoint(home, "mid-build")

                    record["tests"], record["warnings"], record["data_warnings"] = _dbt_build(
                        run_build, db, candidate, on_nodes, record
                    )
            with step("public"):
                write_public(db, candidate / PUBLIC)
                record["marts"] = _table_counts(db, ("marts", "private"))
            for scratch in ("dbt", "spark-inputs", "spark-warehouse"):
                shutil.rmtree(candidate / scratch, ignore_errors=True)
            with step("publish"):
                os.replace(candidate, home / "versions" / run_id)
                secure(home, mode)
                _failpoint(home, "before-flip")
                publish(home, run_id)
            _failpoint(home, "after-flip")
            _prune(home, keep)
            record.update(outcome="published", version_id=run_id)
            return record
        except InputError as exc:
            record.update(outcome="failed", error=exc.report())
            record["problems"] = [asdict(p) for p in exc.problems]
            raise
        except BaseException as exc:
            record.update(outcome="failed", error=str(exc) or type(exc).__name__)
            raise
        finally:
            record["finished_at"] = _now()
            _write_json(record_path, record)
            shutil.rmtree(candidate, ignore_errors=True)


def rollback(
    home: Path | None = None, *, wait: bool = False, public_readable: str | None = None
) -> str:
    """Republish the newest kept version older than the current one; return its id."""
    home = resolve_home(home)
    mode = public_mode(public_readable)
    check_home(home, write=False)
    if not home.is_dir():
        raise FundLensError(f"Nothing is published in {home}; there is nothing to roll back.")
    check_home(home, write=True)
    with _private_umask(), refresh_lock(home, wait=wait):
        secure(home, mode)
        current = published_version(home)
        if current is None:
            raise FundLensError(f"Nothing is published in {home}; there is nothing to roll back.")
        versions_dir = home / "versions"
        older = sorted(
            p.name
            for p in versions_dir.iterdir()
            if p.name < current and (p / WAREHOUSE).is_file() and (p / PUBLIC).is_file()
        )
        if not older:
            raise FundLensError(
                f"No version older than {current} is kept in {versions_dir}; cannot roll back."
            )
        publish(home, older[-1])
        now = _now()
        run_id = new_run_id()
        _write_json(
            home / "runs" / f"{run_id}.json",
            {
                "run_id": run_id,
                "action": "rollback",
                "version_id": older[-1],
                "started_at": now,
                "finished_at": now,
                "outcome": "published",
                "error": None,
                "rolled_back_from": current,
            },
        )
        return older[-1]


class _Timer:
    def __init__(self, timings: dict, name: str, progress: Progress):
        self.timings, self.name, self.progress = timings, name, progress

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        elapsed = round(time.perf_counter() - self.start, 3)
        self.timings[self.name] = elapsed
        if exc[0] is None:
            self.progress(f"[{self.name}] done in {elapsed:.1f}s")
        return False
