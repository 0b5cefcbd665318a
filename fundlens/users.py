"""Who may sign in, with which role: the users database in `<home>`.

    <home>/users.sqlite   users (argon2id hashes only) and the audit log (audit.py);
                          created readable and writable by its owner only (0600)

Roles:
- `operator`: everything, including every LP's capital account, data status, audit log;
- `analyst`: the public marts (exposure, performance, holdings, market coverage);
- `lp`: bound to one `lp_id`; the public marts of the funds it committed to and its
  own capital account, nothing about other LPs.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile)
and never stored, logged or printed. Sign-in failures are slowed down per username and
per client (see `sign_in`).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from fundlens.errors import FundLensError

USERS_DB = "users.sqlite"
ROLES = ("operator", "analyst", "lp")
USERNAME_RULE = (
    "1-128 characters: lower-case letters, digits, '.', '_', '-', '+' or '@' "
    "(an e-mail address works), starting with a letter or digit"
)
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@+-]{0,127}$")
PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 1024
PASSWORD_RULE = (
    f"at least {PASSWORD_MIN_LENGTH} characters (at most {PASSWORD_MAX_LENGTH}), "
    "not only one repeated character, and not containing the username"
)

# Slowing down repeated failures: after FREE_FAILURES failed sign-ins within
# FAILURE_WINDOW_S for one username (since its last successful sign-in), or
# CLIENT_FREE_FAILURES for one client address, every further attempt must wait
# 2, 4, 8, ... seconds (at most MAX_DELAY_S) after the latest failure; an attempt
# made sooner is refused without checking the password.
FREE_FAILURES = 3
CLIENT_FREE_FAILURES = 10
FAILURE_WINDOW_S = 15 * 60
MAX_DELAY_S = 15 * 60

WRONG_CREDENTIALS = "Wrong username or password."

_hasher = PasswordHasher()  # argon2id


@functools.cache
def _dummy_hash() -> str:
    """Verified when the username is unknown, so an unknown user takes as long as a wrong
    password. Made on first use (at import it would slow every `fundlens` command), by
    every sign-in: made only for unknown users, the first one would take twice as long."""
    return _hasher.hash("fundlens-no-such-user")


class NotAuthorized(FundLensError):
    """The signed-in user may not see what was asked for."""


class SignInFailed(FundLensError):
    """Wrong username or password (one message for both)."""

    def __init__(self) -> None:
        super().__init__(WRONG_CREDENTIALS)


class SignInThrottled(FundLensError):
    """Too many failed sign-ins: the next attempt must wait `retry_after` seconds."""

    def __init__(self, retry_after: float):
        self.retry_after = retry_after
        super().__init__(
            f"Too many failed sign-ins. Wait {max(1, round(retry_after))} seconds and try again."
        )


@dataclass(frozen=True)
class User:
    """A signed-in user. `lp_id` is set for role `lp` only."""

    username: str
    role: str
    lp_id: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.username, str) or not _USERNAME.match(self.username):
            raise FundLensError(f"invalid username {self.username!r}: {USERNAME_RULE}")
        if self.role not in ROLES:
            raise FundLensError(f"unknown role {self.role!r}: use one of {', '.join(ROLES)}")
        if self.role == "lp" and not self.lp_id:
            raise FundLensError("a user with role lp needs an lp_id (--lp-id)")
        if self.role != "lp" and self.lp_id is not None:
            raise FundLensError(f"only role lp takes an lp_id, not role {self.role}")

    @property
    def is_operator(self) -> bool:
        return self.role == "operator"

    @property
    def is_lp(self) -> bool:
        return self.role == "lp"


def check_password(password: str, username: str) -> None:
    """Raise FundLensError, stating the rule, if `password` is too weak."""
    weak = (
        len(password) < PASSWORD_MIN_LENGTH
        or len(password) > PASSWORD_MAX_LENGTH
        or len(set(password)) < 2
        or username.lower() in password.lower()
    )
    if weak:
        raise FundLensError(f"password refused: it must be {PASSWORD_RULE}")


# --- the database ---------------------------------------------------------------

_SCHEMA = """
create table if not exists users (
    username text primary key,
    role text not null check (role in ('operator', 'analyst', 'lp')),
    lp_id text,
    password_hash text not null,
    created_at text not null,
    password_changed_at text not null
);
create table if not exists audit_log (
    event_id integer primary key autoincrement,
    at text not null,            -- UTC, ISO 8601
    at_epoch real not null,      -- the same instant, for throttling windows
    event text not null,         -- sign_in_ok, sign_in_failed, sign_in_throttled, ...
    username text,               -- as typed for failed sign-ins
    client text,                 -- the client's address, when known
    detail text
);
create index if not exists audit_log_user on audit_log (username, event, at_epoch);
create index if not exists audit_log_client on audit_log (client, event, at_epoch);
"""


def users_db_path(home: Path) -> Path:
    return Path(home) / USERS_DB


@contextmanager
def connect(home: Path) -> Iterator[sqlite3.Connection]:
    """The users database of `home`, created 0600 on first use; commits on success."""
    path = users_db_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)  # SQLite gives its journal the database file's mode
    con = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        con.execute("pragma busy_timeout = 30000")
        con.executescript(_SCHEMA)
        con.execute("begin immediate")
        yield con
        con.execute("commit")
    except BaseException:
        if con.in_transaction:
            con.execute("rollback")
        raise
    finally:
        con.close()


def _now_iso(now: float) -> str:
    return dt.datetime.fromtimestamp(now, dt.UTC).isoformat(timespec="seconds")


def _row_user(row: tuple) -> User:
    return User(username=row[0], role=row[1], lp_id=row[2])


def add_user(home: Path, username: str, role: str, password: str, lp_id: str | None = None) -> User:
    """Create a user (FundLensError if it exists, or for a weak password / bad role)."""
    user = User(username=username, role=role, lp_id=lp_id)
    check_password(password, username)
    digest = _hasher.hash(password)
    now = _now_iso(time.time())
    with connect(home) as con:
        if con.execute("select 1 from users where username = ?", [username]).fetchone():
            raise FundLensError(f"user {username!r} exists already (use set-password or remove)")
        con.execute(
            "insert into users values (?, ?, ?, ?, ?, ?)",
            [user.username, user.role, user.lp_id, digest, now, now],
        )
    return user


def set_password(home: Path, username: str, password: str) -> None:
    check_password(password, username)
    digest = _hasher.hash(password)
    with connect(home) as con:
        cur = con.execute(
            "update users set password_hash = ?, password_changed_at = ? where username = ?",
            [digest, _now_iso(time.time()), username],
        )
        if cur.rowcount == 0:
            raise FundLensError(f"no user {username!r}")


def remove_user(home: Path, username: str) -> None:
    with connect(home) as con:
        if con.execute("delete from users where username = ?", [username]).rowcount == 0:
            raise FundLensError(f"no user {username!r}")


def list_users(home: Path) -> list[User]:
    if not users_db_path(home).exists():
        return []
    with connect(home) as con:
        rows = con.execute("select username, role, lp_id from users order by username").fetchall()
    return [_row_user(r) for r in rows]


def get_user(home: Path, username: str) -> User | None:
    """The user as stored now (None once removed): sessions re-check it on every run."""
    if not users_db_path(home).exists():
        return None
    with connect(home) as con:
        row = con.execute(
            "select username, role, lp_id from users where username = ?", [username]
        ).fetchone()
    return None if row is None else _row_user(row)


def _delay(failures: int, free: int) -> float:
    """Seconds a new attempt must wait after the latest failure."""
    if failures < free:
        return 0.0
    return float(min(2 ** (failures - free + 1), MAX_DELAY_S))


def _wait_needed(con: sqlite3.Connection, username: str, client: str | None, now: float) -> float:
    since = now - FAILURE_WINDOW_S
    last_ok = con.execute(
        "select max(at_epoch) from audit_log where event = 'sign_in_ok' and username = ?",
        [username],
    ).fetchone()[0]
    count, latest = con.execute(
        "select count(*), max(at_epoch) from audit_log "
        "where event = 'sign_in_failed' and username = ? and at_epoch > ?",
        [username, max(since, last_ok or since)],
    ).fetchone()
    wait = (latest + _delay(count, FREE_FAILURES) - now) if count else 0.0
    if client:
        count, latest = con.execute(
            "select count(*), max(at_epoch) from audit_log "
            "where event = 'sign_in_failed' and client = ? and at_epoch > ?",
            [client, since],
        ).fetchone()
        if count:
            wait = max(wait, latest + _delay(count, CLIENT_FREE_FAILURES) - now)
    return max(wait, 0.0)


def sign_in(
    home: Path, username: str, password: str, client: str | None = None, now: float | None = None
) -> User:
    """The user whose password this is; SignInFailed (one message for a wrong user or
    password), or SignInThrottled while repeated failures make attempts wait.
    Every outcome is written to the audit log."""
    from fundlens import audit

    now = time.time() if now is None else now
    username = (username or "").strip().lower()
    with connect(home) as con:
        wait = _wait_needed(con, username, client, now)
        if wait > 0:
            audit.record(con, "sign_in_throttled", username, client, now=now)
    if wait > 0:  # raised after the commit, so the audit record stays
        raise SignInThrottled(wait)
    dummy = _dummy_hash()
    with connect(home) as con:
        row = con.execute(
            "select username, role, lp_id, password_hash from users where username = ?",
            [username],
        ).fetchone()
        try:
            _hasher.verify(row[3] if row else dummy, password or "")
            ok = row is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        if not ok:
            audit.record(con, "sign_in_failed", username, client, now=now)
        else:
            audit.record(con, "sign_in_ok", username, client, now=now)
            if _hasher.check_needs_rehash(row[3]):
                con.execute(
                    "update users set password_hash = ? where username = ?",
                    [_hasher.hash(password), username],
                )
    if not ok:
        raise SignInFailed()
    return _row_user(row)


# --- LPs the warehouse knows, and the demo users ------------------------------------

DEMO_CREDENTIALS = "demo-credentials.txt"


def known_lp_ids(home: Path) -> dict[str, list[str]]:
    """LP id -> the funds it committed to, in the published warehouse of `home`."""
    import duckdb

    from fundlens.home import warehouse_path

    path = warehouse_path(home)
    if not path.exists():
        raise FundLensError(
            f"nothing is published in {home} yet, so no lp_id can be checked: "
            "run `fundlens refresh` first"
        )
    con = duckdb.connect(str(path.resolve()), read_only=True)
    try:
        rows = con.execute(
            "select lp_id, list(distinct fund_id order by fund_id) "
            "from private.lp_capital_accounts group by lp_id order by lp_id"
        ).fetchall()
    finally:
        con.close()
    return {lp_id: funds for lp_id, funds in rows}


def check_lp_id(home: Path, lp_id: str) -> None:
    known = known_lp_ids(home)
    if lp_id not in known:
        sample = ", ".join(list(known)[:10]) + (" ..." if len(known) > 10 else "")
        raise FundLensError(
            f"unknown lp_id {lp_id!r}: no LP with that id has a commitment in the published "
            f"warehouse (known: {sample or 'none'})"
        )


def _demo_lps(home: Path) -> list[str]:
    """Two LPs of different funds, each committed to one fund only where possible."""
    known = known_lp_ids(home)
    funds = sorted({f for fs in known.values() for f in fs})
    chosen: list[str] = []
    for fund in funds[:2]:
        candidates = [lp for lp, fs in known.items() if fund in fs and lp not in chosen]
        only_here = [lp for lp in candidates if known[lp] == [fund]]
        pick = (only_here or candidates or [None])[0]
        if pick:
            chosen.append(pick)
    return chosen


def create_demo_users(home: Path) -> tuple[list[tuple[User, str]], Path]:
    """Create the demo users (one operator, one analyst, two LPs of different funds) with
    generated passwords, write them to `<home>/demo-credentials.txt` (0600) and return
    them. Users that exist already are left as they are (and not returned)."""
    import secrets

    home = Path(home)
    wanted = [User("operator", "operator"), User("analyst", "analyst")]
    wanted += [
        User(re.sub(r"[^a-z0-9._-]", "-", lp.lower()).lstrip("._-") or "lp", "lp", lp)
        for lp in _demo_lps(home)
    ]
    existing = {u.username for u in list_users(home)}
    created = []
    for user in wanted:
        if user.username in existing:
            continue
        password = secrets.token_urlsafe(15)  # 20 characters, ~120 bits
        add_user(home, user.username, user.role, password, user.lp_id)
        created.append((user, password))
    path = home / DEMO_CREDENTIALS
    if created:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.chmod(path, 0o600)
        with os.fdopen(fd, "a") as fh:
            fh.write(
                "# FundLens demo users: demo credentials only. Replace them before real use:\n"
                "#   fundlens users remove USERNAME / fundlens users set-password USERNAME\n"
            )
            for user, password in created:
                lp = f"  lp_id={user.lp_id}" if user.lp_id else ""
                fh.write(f"{user.username}  {password}  role={user.role}{lp}\n")
    return created, path
