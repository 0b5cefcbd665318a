"""Analysts' ad-hoc SQL: the one sandboxed path for `fundlens sql` and the app's SQL page.

A query runs in a worker process of its own, against `<home>/public.duckdb` opened
read-only and locked down before the query is seen:

- external access, extension loading and persistent secrets off, no temp directory,
  the local file system disabled (else `read_blob()` could read the database file
  itself), then the configuration locked (`lock_configuration` last);
- exactly one read-only statement (SELECT, WITH, FROM, VALUES, TABLE, DESCRIBE,
  SUMMARIZE, SHOW, EXPLAIN: DuckDB parses all but EXPLAIN as SELECT);
- a DuckDB memory limit and `max_execution_time`, plus an address-space rlimit on the
  worker (DuckDB's memory limit is not a hard cap) and a wall-clock timeout after which
  the parent kills the worker;
- at most `max_rows` rows come back, with a flag when there were more;
- at most `max_running` queries of one Sandbox run at once (each worker may take
  `address_space_mb`): a further one waits `queue_wait_s`, then is refused.

Every refusal or failure is a `QueryRefused` with one sentence: which rule, or
DuckDB's own message. `public.duckdb` holds no private data (schemas cannot be hidden
inside one DuckDB file, so the private marts never enter it).

This module imports neither duckdb nor pandas, so that `fundlens sql` starts fast: the
worker imports DuckDB's engine, `_duckdb`, the C++ extension the `duckdb` package
re-exports (the package's Python relation API, which the sandbox does not use, costs
another 0.3 s of imports). The command line forks its worker; the app keeps one
`Sandbox("spawn")`, with a spare worker started and waiting.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import re
import resource
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, Protocol

from fundlens.errors import FundLensError
from fundlens.home import public_path, resolve_home

SQL_ROLES = frozenset({"operator", "analyst"})  # who may run ad-hoc SQL
READ_ONLY_TYPES = frozenset({"SELECT", "EXPLAIN"})  # DuckDB StatementType names
ALLOWED_WORDS = "SELECT, WITH, DESCRIBE, SUMMARIZE, SHOW or EXPLAIN"
STARTUP_TIMEOUT_S = 60.0  # a worker importing duckdb on a busy machine
_SPAWN_CODE = "import sys, fundlens.sandbox as s; s._worker_entry(int(sys.argv[1]), *sys.argv[2:])"
KILL_GRACE_S = 1.0  # DuckDB interrupts itself at the timeout; the parent kills after this


class HasRole(Protocol):
    role: str


@dataclass(frozen=True)
class ShellUser:
    """Whoever runs `fundlens sql` on the server: they can read the home's files anyway."""

    name: str = "command line"
    role: str = "operator"


@dataclass(frozen=True)
class Limits:
    max_rows: int = 10_000
    timeout_s: float = 30.0
    memory_mb: int = 512  # DuckDB's memory_limit
    address_space_mb: int = 2048  # RLIMIT_AS of the worker (DuckDB itself reserves ~0.8 GB)
    threads: int = 2
    max_result_mb: int = 64  # the rows as sent back to the caller


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    types: list[str]  # DuckDB's type names
    rows: list[tuple]
    truncated: bool  # True when the query returned more than max_rows rows
    elapsed_s: float  # from handing the query to the worker to having the rows
    version: str  # the published version the query read
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step, for benchmarks


class QueryRefused(FundLensError):
    """The query was not run, or failed; the message is one sentence for the analyst."""


class _Worker:
    """One worker process and the parent's end of its pipe. Each runs one query.

    "fork": a child of this process (multiprocessing's fork). "spawn": a fresh
    interpreter started with subprocess, not multiprocessing, whose spawn and
    forkserver methods re-import `__main__` in every child, and a Streamlit server
    makes each page script `__main__` while it runs.
    """

    def __init__(self, method: str, path_hint: str | None = None):
        self.method = method
        if method == "fork":
            ctx = multiprocessing.get_context("fork")
            self.conn, child_end = ctx.Pipe(duplex=True)
            self.proc = ctx.Process(
                target=_worker_main, args=(child_end,), name="fundlens-sql", daemon=True
            )
            self.proc.start()
            child_end.close()
            return
        parent_sock, child_sock = socket.socketpair()
        fd = child_sock.fileno()
        try:
            self.popen = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    _SPAWN_CODE,
                    str(fd),
                    *([path_hint] if path_hint else []),
                ],
                pass_fds=(fd,),
                stdin=subprocess.DEVNULL,
                env={},  # nothing of the server's environment is the query's business
            )
        finally:
            child_sock.close()
        self.conn = Connection(parent_sock.detach())

    def alive(self) -> bool:
        return self.proc.is_alive() if self.method == "fork" else self.popen.poll() is None

    def exitcode(self) -> int | None:
        return self.proc.exitcode if self.method == "fork" else self.popen.poll()

    def stop(self) -> None:
        self.conn.close()
        if self.alive():
            (self.proc if self.method == "fork" else self.popen).kill()
        if self.method == "fork":
            self.proc.join()
        else:
            self.popen.wait()


class Sandbox:
    """Runs each query in a fresh worker process.

    "fork" suits a single-threaded caller that has not imported duckdb (the command
    line): the fork is nearly free and the child imports DuckDB's engine. "spawn"
    suits a threaded server (the app), where forking is unsafe: workers are fresh
    interpreters, and one spare is kept started and ready, so a query waits for
    neither an interpreter nor an import.
    """

    def __init__(
        self,
        start_method: str = "spawn",
        *,
        keep_spare: bool | None = None,
        max_running: int = 2,
        queue_wait_s: float = 10.0,
    ):
        if start_method not in ("fork", "spawn"):
            raise ValueError(f"start_method must be fork or spawn, not {start_method!r}")
        self.max_running = max_running
        self._queue_wait_s = queue_wait_s
        self._running = threading.BoundedSemaphore(max_running)
        self.start_method = start_method
        self._keep_spare = start_method == "spawn" if keep_spare is None else keep_spare
        self._lock = threading.Lock()
        self._spare: _Worker | None = None
        self._path_hint: str | None = None  # the public.duckdb the last query read

    def warm_up(self, home: str | os.PathLike | None = None, wait: bool = False) -> None:
        """Start the spare worker now, not at the first query, with the published file of
        `home` open; `wait` until it is ready."""
        with contextlib.suppress(OSError, RuntimeError):
            self._path_hint = str(public_path(resolve_home(home)).resolve(strict=True))
        if self._keep_spare:
            self._refill()
            spare = self._spare
            if wait and spare is not None:
                spare.conn.poll(STARTUP_TIMEOUT_S)

    def close(self) -> None:
        """Stop the spare worker (the fork server stops with this process)."""
        self._keep_spare = False
        with self._lock:
            spare, self._spare = self._spare, None
        if spare is not None:
            spare.stop()

    def _refill(self) -> None:
        with self._lock:
            if self._keep_spare and self._spare is None:
                # on failure the next query starts its own worker and says why it cannot
                with contextlib.suppress(OSError):
                    self._spare = _Worker(self.start_method, self._path_hint)

    def _take_worker(self) -> _Worker:
        with self._lock:
            worker, self._spare = self._spare, None
        if worker is not None and not worker.alive():
            worker.stop()
            worker = None
        if worker is None:
            try:
                worker = _Worker(self.start_method)
            except OSError as exc:
                raise QueryRefused(f"The query worker could not start: {exc}.") from None
        if self._keep_spare:
            threading.Thread(target=self._refill, daemon=True).start()
        return worker

    def run(
        self,
        sql: str,
        *,
        user: HasRole,
        home: str | os.PathLike | None = None,
        limits: Limits = Limits(),  # frozen: safe as a default
    ) -> QueryResult:
        """Run one read-only statement on the published `public.duckdb` of `home`."""
        role = getattr(user, "role", None)
        if role not in SQL_ROLES:
            raise QueryRefused(
                f"Ad-hoc SQL is open to operators and analysts only, not to role {role!r}."
            )
        if not sql or not sql.strip():
            raise QueryRefused("The query is empty: write one SELECT statement.")
        home_dir = resolve_home(home)
        try:
            # One read of the links: the file and its version directory always agree.
            path = public_path(home_dir).resolve(strict=True)
        except (FileNotFoundError, RuntimeError):
            raise QueryRefused(
                f"Nothing is published in {home_dir} yet; run `fundlens refresh` first."
            ) from None
        self._path_hint = str(path)
        begun = time.perf_counter()
        # many tabs or users at once must not take the server's memory: each worker may
        # use `address_space_mb`
        if not self._running.acquire(timeout=self._queue_wait_s):
            raise QueryRefused(
                f"Too many queries are running at once (the limit is {self.max_running}); "
                "try again when one has finished."
            )
        try:
            worker = self._take_worker()
            try:
                payload, timings = self._execute(worker, str(path), sql, limits, begun)
            finally:
                worker.stop()
        finally:
            self._running.release()
        columns, types, rows, truncated, worker_timings = payload
        return QueryResult(
            columns,
            types,
            rows,
            truncated,
            time.perf_counter() - begun,
            path.parent.name,
            {**timings, **worker_timings},
        )

    @staticmethod
    def _execute(
        worker: _Worker, path: str, sql: str, limits: Limits, begun: float
    ) -> tuple[Any, dict[str, float]]:
        try:
            if not worker.conn.poll(STARTUP_TIMEOUT_S):
                raise QueryRefused("The query worker did not start in time; try again.")
            worker.conn.recv()  # "ready": the engine is imported
            timings = {"worker_start": time.perf_counter() - begun}
            worker.conn.send((path, sql, limits))
            if not worker.conn.poll(limits.timeout_s + KILL_GRACE_S):
                raise QueryRefused(_timeout_message(limits))
            kind, blob = worker.conn.recv()
        except (EOFError, OSError):
            time.sleep(0.1)  # let it be reaped, for its exit code
            raise QueryRefused(_died_message(limits, worker.exitcode())) from None
        if kind != "ok":
            raise QueryRefused(blob)
        return pickle.loads(blob), timings


# --- messages ------------------------------------------------------------------------


def _timeout_message(limits: Limits) -> str:
    return (
        f"The query was stopped after the {limits.timeout_s:g} s time limit; "
        "narrow it down or aggregate more."
    )


def _died_message(limits: Limits, exitcode: int | None = None) -> str:
    how = f" (exit code {exitcode})" if exitcode else ""
    return (
        f"The query's worker process stopped{how}, most likely because the query needed "
        f"more than the sandbox's {limits.address_space_mb} MB of memory; narrow it down "
        "or aggregate more."
    )


def _one_sentence(message: str) -> str:
    """DuckDB's message without its query excerpt and hints, on one line."""
    message = re.split(r"\n\s*(?:LINE \d+:|Possible solutions:)", message, maxsplit=1)[0]
    return " ".join(message.split())


def _refusal(exc: Exception, limits: Limits) -> str:
    name = type(exc).__name__
    if name == "InterruptException":
        return _timeout_message(limits)
    if name == "OutOfMemoryException":
        return (
            f"The query needed more than the {limits.memory_mb} MB memory limit and was "
            "stopped; narrow it down or aggregate more."
        )
    if name == "PermissionException":
        return (
            "Files, the network, extensions and settings are out of reach here: "
            f"queries read the tables of public.duckdb only ({_one_sentence(str(exc))})."
        )
    return _one_sentence(str(exc))


def check_statement(con, sql: str) -> str | None:
    """Why `sql` may not run in the sandbox, or None when it is one read-only statement.

    `con` is the worker's locked-down connection (its parser, not a default database).
    """
    duckdb = _engine()
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        return _one_sentence(str(exc))
    if not statements:
        return "The query is empty: write one SELECT statement."
    if len(statements) > 1:
        return (
            f"Only one statement can run at a time; this text has {len(statements)} "
            "(separate them and run each on its own)."
        )
    kind = statements[0].type.name
    if kind not in READ_ONLY_TYPES:
        hint = " (PIVOT needs an explicit IN list here)" if kind == "MULTI" else ""
        return (
            f"Only read-only queries ({ALLOWED_WORDS}) can run here; "
            f"this is {'an' if kind[0] in 'AEIOU' else 'a'} {kind} statement{hint}."
        )
    return None


# --- the worker ----------------------------------------------------------------------


def _engine():
    """DuckDB's engine: the C++ extension that the `duckdb` package re-exports."""
    import _duckdb

    return _duckdb


def _open(path: str):
    """`path` read-only with no file, extension or secret access (order matters).

    A spare worker opens the published file before any query arrives; `_lock` then
    sets the query's limits and locks the configuration before the query is seen.
    """
    duckdb = _engine()
    con = duckdb.connect(
        path,
        read_only=True,
        config={
            "enable_external_access": False,  # first: the settings below depend on it
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "allow_community_extensions": False,
            "allow_persistent_secrets": False,
            "python_enable_replacements": False,
            "temp_directory": "",
        },
    )
    con.execute("set disabled_filesystems = 'LocalFileSystem'")  # after external access is off
    con.execute("set enable_progress_bar = false")  # it would draw on the caller's terminal
    return con


def _lock(con, limits: Limits) -> None:
    con.execute(f"set threads = {int(limits.threads)}")
    con.execute(f"set memory_limit = '{int(limits.memory_mb)}MB'")
    con.execute(f"set max_execution_time = {int(limits.timeout_s * 1000)}")  # milliseconds
    con.execute("set lock_configuration = true")  # last


def _worker_entry(fd: int, path: str | None = None) -> None:
    """The spawned worker's entry: `fd` is its end of the socket pair, `path` the file
    the next query will most likely read (opened while waiting for it)."""
    _worker_main(Connection(fd), path)


def _worker_main(conn, path_hint: str | None = None) -> None:
    """Run in the worker: wait for one query, answer ("ok", pickled rows) or ("error", sentence).

    Nothing escapes as a traceback: the worker's stderr is the caller's terminal.
    """
    try:
        _serve_one(conn, path_hint)
    except (EOFError, OSError):
        pass  # the parent went away (a spare discarded at exit); nobody to answer
    finally:
        conn.close()


def _serve_one(conn, path_hint: str | None) -> None:
    os.environ.clear()  # nothing of the server's environment is the query's business
    duckdb = _engine()
    con = None
    if path_hint is not None:
        with contextlib.suppress(duckdb.Error):  # e.g. pruned meanwhile: open it below
            con = _open(path_hint)
    conn.send("ready")
    path, sql, limits = conn.recv()
    size = limits.address_space_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (size, size))
    try:
        clock = time.perf_counter()
        timings = {}

        def lap(step: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            timings[step] = now - clock
            clock = now

        if con is None or path != path_hint:
            con = _open(path)
        _lock(con, limits)
        lap("connect")
        reason = check_statement(con, sql)
        if reason is not None:
            conn.send(("error", reason))
            return
        lap("check")
        cursor = con.execute(sql)
        rows = cursor.fetchmany(limits.max_rows + 1)
        lap("query")
        truncated = len(rows) > limits.max_rows
        description = cursor.description or []
        payload = (
            [d[0] for d in description],
            [str(d[1]) for d in description],
            rows[: limits.max_rows],
            truncated,
            timings,
        )
        blob = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        if len(blob) > limits.max_result_mb * 2**20:
            message = (
                f"The result is larger than {limits.max_result_mb} MB; "
                "select fewer rows or columns."
            )
            conn.send(("error", message))
            return
        conn.send(("ok", blob))
    except duckdb.Error as exc:
        conn.send(("error", _refusal(exc, limits)))
    except MemoryError:
        conn.send(("error", _died_message(limits)))
    except Exception as exc:  # the edge: the caller gets a sentence, never a traceback
        conn.send(("error", f"The query failed: {_one_sentence(str(exc)) or type(exc).__name__}."))
