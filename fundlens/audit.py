"""The audit log: who signed in (or failed to), and who downloaded LP data, when.

Kept in the users database (`<home>/users.sqlite`, 0600, see users.py). Never holds a
password, only the username as typed, the client's address and what was done.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pandas as pd

from fundlens import users

EVENTS = (
    "sign_in_ok",
    "sign_in_failed",
    "sign_in_throttled",
    "sign_out",
    "download",  # a download of LP data (detail says what)
)


def record(
    con: sqlite3.Connection,
    event: str,
    username: str | None,
    client: str | None = None,
    detail: str | None = None,
    now: float | None = None,
) -> None:
    """Append one event inside an open users-database transaction."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    now = time.time() if now is None else now
    con.execute(
        "insert into audit_log (at, at_epoch, event, username, client, detail) "
        "values (?, ?, ?, ?, ?, ?)",
        [users._now_iso(now), now, event, username, client, detail],
    )


def log(
    home: Path,
    event: str,
    username: str | None,
    client: str | None = None,
    detail: str | None = None,
) -> None:
    """Append one event to the audit log of `home`."""
    with users.connect(home) as con:
        record(con, event, username, client, detail)


def read(home: Path, limit: int = 500) -> pd.DataFrame:
    """The newest `limit` events, newest first."""
    columns = ["at", "event", "username", "client", "detail"]
    if not users.users_db_path(home).exists():
        return pd.DataFrame(columns=columns)
    with users.connect(home) as con:
        rows = con.execute(
            f"select {', '.join(columns)} from audit_log order by event_id desc limit ?",
            [limit],
        ).fetchall()
    return pd.DataFrame(rows, columns=columns)
