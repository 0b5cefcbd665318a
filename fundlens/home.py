"""Where a FundLens home keeps things, and what is published there.

    <home>/
      warehouse.duckdb -> current/warehouse.duckdb   everything (the app's server side)
      public.duckdb    -> current/public.duckdb      public marts only (analysts)
      spark            -> current/spark              public marts as Parquet, one folder
                                                     per mart (versions built by Spark)
      current          -> versions/<version_id>      flipped atomically on publish
      versions/<version_id>/                         the last few published versions
      candidates/<run_id>/                           refreshes being built (never read)
      runs/<run_id>.json                             one record per refresh
      refresh.lock                                   held by the running refresh

Readers open `warehouse.duckdb` / `public.duckdb` read-only and reopen when
`published_version()` changes.

Permissions: everything is the owner's alone (directories 0700, files 0600), except
`public.duckdb`, which is readable per `FUNDLENS_PUBLIC_MODE` (see `PUBLIC_MODES`):
the directories on the way to it (`<home>`, `versions/`, `versions/<id>/`) then let
that group or everyone pass through, without listing them.

A run record is data: its `run_id` names a path only after it matched `RUN_ID`.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import stat
from pathlib import Path

from fundlens import PROJECT_DIR
from fundlens.errors import FundLensError

WAREHOUSE = "warehouse.duckdb"
PUBLIC = "public.duckdb"
SPARK_MARTS = "spark"
LOCK = "refresh.lock"
RUN_ID = re.compile(r"[0-9]{8}T[0-9]{9}Z-[0-9a-f]{6}")  # see refresh.new_run_id

PUBLIC_MODE_ENV = "FUNDLENS_PUBLIC_MODE"
# Who may read public.duckdb: (its file mode, the mode of each directory on the way).
PUBLIC_MODES = {
    "owner": (0o600, 0o700),
    "group": (0o640, 0o710),
    "all": (0o644, 0o711),
}
DEFAULT_PUBLIC_MODE = "group"
PRIVATE_FILE, PRIVATE_DIR = 0o600, 0o700


def resolve_home(home: str | os.PathLike | None = None) -> Path:
    """The home given, else $FUNDLENS_HOME, else `.fundlens/` in the project root."""
    if home is None:
        home = os.environ.get("FUNDLENS_HOME") or PROJECT_DIR / ".fundlens"
    return Path(home).expanduser().resolve()


def public_mode(mode: str | None = None) -> str:
    """The mode given, else $FUNDLENS_PUBLIC_MODE, else `group`; checked."""
    mode = mode or os.environ.get(PUBLIC_MODE_ENV) or DEFAULT_PUBLIC_MODE
    if mode not in PUBLIC_MODES:
        raise FundLensError(
            f"{PUBLIC_MODE_ENV} (or --public-readable) must be one of "
            f"{', '.join(PUBLIC_MODES)}, not {mode!r}."
        )
    return mode


def check_home(home: Path, *, write: bool) -> None:
    """Raise a FundLensError a fund operator can act on when `home` cannot be used."""
    if home.exists() and not home.is_dir():
        raise FundLensError(
            f"The FundLens home {home} is not a directory (it is a file); "
            "pass --home with a directory, or move the file away."
        )
    if not write:
        return
    parent = home if home.exists() else next(p for p in home.parents if p.exists())
    if not os.access(parent, os.W_OK | os.X_OK):
        raise FundLensError(
            f"The FundLens home {home} is not writable by this user "
            f"({parent} is read-only); use a home you can write to (--home DIR)."
        )


def secure(home: Path, mode: str | None = None) -> None:
    """Set the permissions of everything in `home` as the module docstring says."""
    file_mode, dir_mode = PUBLIC_MODES[public_mode(mode)]
    home.chmod(dir_mode)
    for sub in ("runs", "candidates"):
        if (home / sub).is_dir():
            _private_tree(home / sub)
    if (home / LOCK).exists():
        (home / LOCK).chmod(PRIVATE_FILE)
    versions = home / "versions"
    if versions.is_dir():
        versions.chmod(dir_mode)
        for version in versions.iterdir():
            if version.is_symlink() or not version.is_dir():
                continue
            _private_tree(version)
            version.chmod(dir_mode)
            if (version / PUBLIC).is_file():
                (version / PUBLIC).chmod(file_mode)


def _private_tree(top: Path) -> None:
    for root, _dirs, files in os.walk(top):
        os.chmod(root, PRIVATE_DIR)
        for name in files:
            path = os.path.join(root, name)
            if stat.S_ISREG(os.lstat(path).st_mode):
                os.chmod(path, PRIVATE_FILE)


def published_version(home: Path) -> str | None:
    """The version id currently published in `home`, or None before the first refresh."""
    try:
        return Path(os.readlink(home / "current")).name
    except OSError:  # no such link (or `home` is no directory): nothing published
        return None


def warehouse_path(home: Path) -> Path:
    return home / WAREHOUSE


def public_path(home: Path) -> Path:
    return home / PUBLIC


def record_problem(path: Path, record: object) -> str | None:
    """Why `record` (read from `path`) is not a usable run record; None when it is."""
    if not isinstance(record, dict):
        return f"it holds a JSON {type(record).__name__}, not an object"
    run_id = record.get("run_id")
    if not isinstance(run_id, str) or not RUN_ID.fullmatch(run_id):
        return f"its run_id {run_id!r} is not a FundLens run id"
    if path.stem != run_id:
        return f"its run_id {run_id!r} does not match its file name"
    if not isinstance(record.get("outcome"), str):
        return "it has no outcome"
    return None


def refresh_running(home: Path) -> bool:
    """Whether a refresh (or rollback) holds the lock of `home` right now."""
    try:
        fd = os.open(home / LOCK, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # closing drops the shared lock too
    return False


def read_runs(home: Path, limit: int = 20, notes: list[str] | None = None) -> list[dict]:
    """The newest `limit` run records, newest first (see refresh.py for the fields).

    A record that is not a run record is skipped, with a line in `notes` when given.
    A "running" record whose refresh no longer holds the lock shows as "interrupted".
    """
    runs_dir = home / "runs"
    if not runs_dir.is_dir():
        return []
    records = []
    running = None
    for path in sorted(runs_dir.glob("*.json"), reverse=True):
        if len(records) >= limit:
            break
        try:
            record = json.loads(path.read_text())
        except OSError:
            continue  # unreadable right now; the next read tries again
        except json.JSONDecodeError:
            if path.stat().st_size and notes is not None:
                notes.append(f"{path.name} is not valid JSON; it is ignored")
            continue  # empty: a record being written right now
        problem = record_problem(path, record)
        if problem:
            if notes is not None:
                notes.append(f"{path.name} is not a run record ({problem}); it is ignored")
            continue
        if record["outcome"] == "running":
            running = refresh_running(home) if running is None else running
            if not running:
                record = {**record, "outcome": "interrupted"}
        records.append(record)
    return records
