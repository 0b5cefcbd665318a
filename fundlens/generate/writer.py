"""Write a generated portfolio to disk, one CSV at a time, with a progress bar.

company_kpis.csv holds about 80% of the rows and has a random stream of its own, so
on Linux it is written by a forked child as soon as the companies are final, while
this process simulates the holdings and writes every other file. The bytes are the
same either way; only the wall time differs (about a third less on 2 cores).
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import functools
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path

from tqdm import tqdm

from fundlens.contract import FILES, InputFile
from fundlens.errors import FundLensError
from fundlens.generate.dates import Fx
from fundlens.generate.model import Company
from fundlens.generate.portfolio import simulate_portfolio
from fundlens.generate.presets import DEFAULT_SEED, PRESETS
from fundlens.generate.rows import Row, kpis, tables
from fundlens.processes import die_with_parent

KPIS = FILES["company_kpis"]


class _Bar(tqdm):
    monitor_interval = 0  # no monitor thread: the KPI child is forked from this process


def generate(
    out_dir: Path,
    *,
    seed: int = DEFAULT_SEED,
    funds: int = PRESETS["demo"].funds,
    companies: int = PRESETS["demo"].companies,
    progress: bool = False,
) -> dict[str, int]:
    """Write every input CSV of the data contract into `out_dir` (created if missing);
    return the rows written per file. `progress` draws bars on stderr (when a terminal).

    Each file is written under a temporary name and renamed when complete, so a crash
    never leaves a half-written file behind under a contract name."""
    if funds < 1:
        raise FundLensError(f"--funds must be at least 1 (got {funds}).")
    if companies < funds:
        raise FundLensError(
            f"--companies ({companies}) must be at least --funds ({funds}): "
            "every fund leads at least one company."
        )
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise FundLensError(f"--out {out_dir} exists and is not a directory.")
    out_dir.mkdir(parents=True, exist_ok=True)
    with _sole_writer(out_dir) as ours:
        return _generate(out_dir, seed, funds, companies, progress, ours)


LOCK = ".fundlens-generate.lock"  # in the folder while a run writes into it


@contextlib.contextmanager
def _sole_writer(out_dir: Path) -> Iterator[Callable[[], bool]]:
    """Hold an advisory lock on `out_dir`/LOCK while writing into it: two runs into one
    folder would leave files of both (the kernel drops the lock if the process dies).
    Yields a test that the folder is still the one locked, not removed and made again
    (by `rm -r DIR` and another run): nothing is published or removed in another's."""
    path = out_dir / LOCK
    for _ in range(10):
        fd = _open_lock(path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise FundLensError(
                f"another fundlens generate is writing into {out_dir}: "
                "wait for it to finish, or choose another --out."
            ) from None
        except OSError:
            pass  # a file system without locks: go on unguarded
        ours = functools.partial(_same_file, path, os.fstat(fd))
        if ours():
            break
        os.close(fd)  # a run that just finished removed it: lock the next one
    else:
        raise FundLensError(f"could not lock {path}: it keeps being removed.")
    try:
        yield ours
    finally:
        with contextlib.suppress(OSError):
            if ours():
                path.unlink()  # before the lock goes: a next run locks a new file
        os.close(fd)


def _open_lock(path: Path) -> int:
    """Open (or create) the lock file: for writing where we may (NFS locks need it), else
    for reading (a lock file another user left in a shared folder locks all the same)."""
    flags = os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        return os.open(path, os.O_RDWR | flags, 0o666)
    except PermissionError:
        return os.open(path, os.O_RDONLY | flags, 0o666)


def _same_file(path: Path, locked: os.stat_result) -> bool:
    try:
        now = os.stat(path)
    except OSError:
        return False
    return (now.st_dev, now.st_ino) == (locked.st_dev, locked.st_ino)


def _replaced(out_dir: Path) -> FundLensError:
    return FundLensError(
        f"{out_dir} was removed or made again while this run wrote into it: stopped, "
        "and nothing more was written or removed there."
    )


def _generate(
    out_dir: Path, seed: int, funds: int, companies: int, progress: bool, ours: Callable[[], bool]
) -> dict[str, int]:
    bars: dict[str, tqdm] = {}

    def bar(phase: str, total: int) -> tqdm:
        if phase not in bars:
            for other in bars.values():
                other.close()
            bars[phase] = _Bar(
                total=total,
                desc=f"{phase:<10}",
                unit="",
                file=sys.stderr,
                disable=None if progress else True,  # None: only on a terminal
                mininterval=0.5,
            )
        return bars[phase]

    totals = {"companies": companies, "funds": funds}
    child: _KpiChild | None = None

    def companies_done(drawn: list[Company], fx: Fx, months: list[date]) -> None:
        nonlocal child
        if _can_fork():
            child = _KpiChild(out_dir / KPIS.filename, seed, drawn, fx, months, ours)
            child.start()  # after `child` is set, so the `finally` below always stops it

    counts: dict[str, int] = {}
    try:
        portfolio = simulate_portfolio(
            seed,
            funds,
            companies,
            tick=lambda phase, n: bar(phase, totals.get(phase, 0)).update(n),
            companies_done=companies_done,
        )
        write_bar = bar("writing", len(FILES) - 1 + companies)
        rows = tables(portfolio, on_company=lambda: write_bar.update(1))
        for name, spec in FILES.items():
            if child and spec is KPIS:
                continue
            write_bar.set_postfix_str(spec.filename, refresh=False)
            counts[spec.filename] = write_csv(out_dir / spec.filename, spec, rows[name], ours=ours)
            if spec is not KPIS:
                write_bar.update(1)
            if child:
                child.show(write_bar)
        if child:
            write_bar.set_postfix_str(KPIS.filename, refresh=False)
            counts[KPIS.filename] = child.wait(write_bar)
    finally:
        if child:
            child.stop()
        for b in bars.values():
            b.close()
    return {spec.filename: counts[spec.filename] for spec in FILES.values()}


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp")


def write_csv(
    path: Path,
    spec: InputFile,
    rows: Iterable[Row],
    *,
    publish: bool = True,
    ours: Callable[[], bool] = lambda: True,
) -> int:
    """Write `rows` under `spec`'s header to `path` (through a temporary file, removed on
    failure; left under its temporary name unless `publish`); return the number of rows.
    Nothing is published or removed once `ours()` says the folder is another's."""
    tmp = _tmp(path)
    width = len(spec.columns)
    n = 0
    if not ours():
        raise _replaced(path.parent)
    try:
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(spec.column_names)
            for row in rows:
                if len(row) != width:
                    raise AssertionError(f"{spec.filename}: row of {len(row)} fields: {row}")
                writer.writerow(row)
                n += 1
        if publish:
            if not ours():
                raise _replaced(path.parent)
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):  # the error that stopped us is the one to report
            if ours():
                tmp.unlink()
        raise
    return n


def _can_fork() -> bool:
    """Fork only a single-threaded process on Linux: a thread holding a lock at the
    fork (DuckDB's pool in a test session, say) could leave the child stuck on it."""
    try:
        return len(os.listdir("/proc/self/task")) == 1 and "fork" in (
            multiprocessing.get_all_start_methods()
        )
    except OSError:
        return False


class _KpiChild:
    """company_kpis.csv written by a forked child; `wait` returns its row count or raises
    a FundLensError that says why the child failed, and `stop` ends it early."""

    def __init__(self, path: Path, seed: int, companies: list[Company], fx: Fx,
                 months: list[date], ours: Callable[[], bool]) -> None:  # fmt: skip
        ctx = multiprocessing.get_context("fork")
        self.path = path
        self.ours = ours
        self.done = ctx.Value("q", 0, lock=False)  # companies drawn, for the progress bar
        self.shown = 0  # of them, added to the bar
        rows = kpis(seed, companies, fx, months, on_company=self._tick)
        self.result, report = ctx.Pipe(duplex=False)
        self.report = report
        self.parent = os.getpid()
        self.process = ctx.Process(target=self._run, args=(rows, report), daemon=True)

    def start(self) -> None:
        self.process.start()
        self.report.close()

    def _tick(self) -> None:
        self.done.value += 1

    def _run(self, rows: Iterable[Row], report: Connection) -> None:  # in the child
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C, stops us
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # and stops us with SIGTERM
        die_with_parent()
        if os.getppid() != self.parent:  # it died before we asked to die with it
            os._exit(1)
        self.result.close()  # only the parent reads
        try:  # the parent publishes the file, once its own files are written
            report.send(("ok", write_csv(self.path, KPIS, rows, publish=False, ours=self.ours)))
        except Exception as exc:  # sent to the parent, which raises it
            report.send(("error", f"{type(exc).__name__}: {exc}"[:2000]))
            raise SystemExit(1) from None

    def show(self, bar: tqdm) -> None:
        """Add the companies drawn since the last call to `bar`."""
        done = self.done.value  # read once: the child goes on counting meanwhile
        bar.update(done - self.shown)
        self.shown = done

    def wait(self, bar: tqdm) -> int:
        while not self.result.poll(0.25):
            self.show(bar)
        try:
            status, value = self.result.recv()
        except EOFError:  # it died without a word: killed, or out of memory
            status, value = "error", None
        self.process.join()
        if value is None:
            code = self.process.exitcode
            value = f"killed by signal {-code}" if code and code < 0 else f"exit code {code}"
        if status != "ok":
            raise FundLensError(f"Could not write {KPIS.filename}: {value}")
        if not self.ours():
            raise _replaced(self.path.parent)
        os.replace(_tmp(self.path), self.path)
        self.show(bar)
        return value

    def stop(self) -> None:
        if self.process.pid is not None:  # started
            if self.process.is_alive():
                self.process.terminate()
            self.process.join(5)
            if self.process.is_alive():  # stopped (SIGSTOP), or ignoring SIGTERM
                self.process.kill()
                self.process.join()
        self.result.close()
        with contextlib.suppress(OSError):
            if self.ours():
                _tmp(self.path).unlink()
