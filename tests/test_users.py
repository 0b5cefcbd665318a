"""Users, passwords, slowing down of repeated failures, the audit log, and `fundlens users`."""

from __future__ import annotations

import io
import sqlite3
import stat
import sys
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from fundlens import audit, cli, users
from fundlens.errors import FundLensError
from fundlens.users import SignInFailed, SignInThrottled, User

PASSWORD = "tulip-orbit-granite-7"


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch, request):
    """Cheaper argon2id parameters (same algorithm and code path) for the tests that sign in
    many times; test_passwords_are_stored_as_argon2id_hashes_only keeps the real ones."""
    if request.node.name.startswith("test_passwords_are_stored"):
        return
    hasher = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    monkeypatch.setattr(users, "_hasher", hasher)
    if request.node.name.startswith("test_a_first_sign_in"):
        return  # it makes the dummy hash as a new process would
    dummy = hasher.hash("no-such-user")
    monkeypatch.setattr(users, "_dummy_hash", lambda: dummy)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- the User value ----------------------------------------------------------------------


def test_user_is_validated():
    assert User("ana", "analyst").lp_id is None
    for bad in (
        lambda: User("ana", "admin"),
        lambda: User("lp1", "lp"),  # an LP needs its lp_id
        lambda: User("ana", "analyst", "LP001"),  # only LPs have one
        lambda: User("Ana Smith", "analyst"),
        lambda: User("", "operator"),
    ):
        with pytest.raises(FundLensError):
            bad()


# --- storage ------------------------------------------------------------------------------


def test_passwords_are_stored_as_argon2id_hashes_only(tmp_path):
    users.add_user(tmp_path, "olivia", "operator", PASSWORD)
    users.add_user(tmp_path, "gulf", "lp", PASSWORD + "-x", lp_id="LP006")
    db = users.users_db_path(tmp_path)
    assert mode(db) == 0o600
    con = sqlite3.connect(db)
    hashes = [r[0] for r in con.execute("select password_hash from users").fetchall()]
    con.close()
    assert len(hashes) == 2 and all(h.startswith("$argon2id$v=19$m=65536,t=3,p=4$") for h in hashes)
    assert hashes[0] != hashes[1]
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert PASSWORD.encode() not in raw
    assert users.list_users(tmp_path) == [User("gulf", "lp", "LP006"), User("olivia", "operator")]


def test_weak_passwords_are_refused_with_the_rule(tmp_path):
    for weak in ("short", "a" * 20, "olivia-is-the-best-user"):
        with pytest.raises(FundLensError, match="at least 12 characters"):
            users.add_user(tmp_path, "olivia", "operator", weak)
    assert users.list_users(tmp_path) == []


def test_set_password_and_remove(tmp_path):
    users.add_user(tmp_path, "olivia", "operator", PASSWORD)
    with pytest.raises(FundLensError, match="exists already"):
        users.add_user(tmp_path, "olivia", "analyst", PASSWORD)
    users.set_password(tmp_path, "olivia", "another-good-password")
    with pytest.raises(SignInFailed):
        users.sign_in(tmp_path, "olivia", PASSWORD)
    assert users.sign_in(tmp_path, "olivia", "another-good-password").role == "operator"
    users.remove_user(tmp_path, "olivia")
    with pytest.raises(SignInFailed):
        users.sign_in(tmp_path, "olivia", "another-good-password")
    with pytest.raises(FundLensError, match="no user"):
        users.remove_user(tmp_path, "olivia")
    with pytest.raises(FundLensError, match="no user"):
        users.set_password(tmp_path, "olivia", "another-good-password")


# --- signing in ---------------------------------------------------------------------------


def test_wrong_password_and_unknown_user_fail_the_same_way(tmp_path):
    users.add_user(tmp_path, "olivia", "operator", PASSWORD)
    with pytest.raises(SignInFailed) as wrong:
        users.sign_in(tmp_path, "olivia", PASSWORD + "!")
    with pytest.raises(SignInFailed) as unknown:
        users.sign_in(tmp_path, "oliver", PASSWORD)
    assert str(wrong.value) == str(unknown.value) == "Wrong username or password."
    assert users.sign_in(tmp_path, " Olivia ", PASSWORD) == User("olivia", "operator")


class CountingHasher(PasswordHasher):
    """The tests' cheap argon2id, noting each hash it makes and each it verifies."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8 * 1024, parallelism=1)
        self.calls: list[str] = []

    def hash(self, password, **kwargs) -> str:
        self.calls.append("hash")
        return super().hash(password, **kwargs)

    def verify(self, hash, password) -> bool:
        self.calls.append("verify")
        return super().verify(hash, password)


def test_a_first_sign_in_does_the_same_work_for_an_unknown_and_a_known_user(tmp_path, monkeypatch):
    # The dummy hash verified for an unknown user is made on first use. Made by an
    # unknown user's sign-in alone, the first one of a process would take twice as long
    # as a wrong password, and tell that no such user exists.
    users.add_user(tmp_path, "olivia", "operator", PASSWORD)
    work = {}
    try:
        for username in ("olivia", "oliver"):
            users._dummy_hash.cache_clear()  # as in a new process
            hasher = CountingHasher()
            monkeypatch.setattr(users, "_hasher", hasher)
            with pytest.raises(SignInFailed):
                users.sign_in(tmp_path, username, PASSWORD + "!")
            work[username] = hasher.calls
    finally:
        users._dummy_hash.cache_clear()  # made with the tests' cheap parameters
    assert work["olivia"] == work["oliver"] == ["hash", "verify"]


def test_repeated_failures_for_one_user_are_slowed_down(tmp_path):
    users.add_user(tmp_path, "olivia", "operator", PASSWORD)
    t = 1_000_000.0
    for i in range(users.FREE_FAILURES):
        with pytest.raises(SignInFailed):
            users.sign_in(tmp_path, "olivia", f"guess-number-{i}", client="10.0.0.9", now=t + i)
    t += users.FREE_FAILURES - 1  # the latest failure
    # now even the right password must wait 2 s after the latest failure...
    with pytest.raises(SignInThrottled) as throttled:
        users.sign_in(tmp_path, "olivia", PASSWORD, client="10.0.0.8", now=t + 1)
    assert throttled.value.retry_after == pytest.approx(1)
    assert "Wait 1 seconds" in str(throttled.value)
    # ... another failure after the wait doubles the delay ...
    with pytest.raises(SignInFailed):
        users.sign_in(tmp_path, "olivia", "one-more-guess", client="10.0.0.8", now=t + 2)
    with pytest.raises(SignInThrottled) as throttled:
        users.sign_in(tmp_path, "olivia", PASSWORD, now=t + 2 + 3.5)
    assert throttled.value.retry_after == pytest.approx(0.5)
    # ... and once it has passed, the right password works
    assert users.sign_in(tmp_path, "olivia", PASSWORD, now=t + 2 + 4).username == "olivia"
    # a success clears the user's count
    with pytest.raises(SignInFailed):
        users.sign_in(tmp_path, "olivia", "after-success", now=t + 10)
    # other users are not slowed down by olivia's failures
    users.add_user(tmp_path, "arjun", "analyst", PASSWORD)
    assert users.sign_in(tmp_path, "arjun", PASSWORD, now=t + 11).username == "arjun"


def test_repeated_failures_from_one_client_are_slowed_down(tmp_path):
    """Guessing across many usernames from one address is slowed down too."""
    users.add_user(tmp_path, "olivia", "operator", PASSWORD)
    t = 2_000_000.0
    for i in range(users.CLIENT_FREE_FAILURES):
        with pytest.raises(SignInFailed):
            users.sign_in(tmp_path, f"user{i}", "some-guess-here", client="203.0.113.5", now=t)
    with pytest.raises(SignInThrottled):
        users.sign_in(tmp_path, "olivia", PASSWORD, client="203.0.113.5", now=t + 1)
    # another client is not affected
    assert users.sign_in(tmp_path, "olivia", PASSWORD, client="198.51.100.7", now=t + 1)
    # after the window, the address may try again
    later = t + users.FAILURE_WINDOW_S + 1
    assert users.sign_in(tmp_path, "olivia", PASSWORD, client="203.0.113.5", now=later)


def test_the_delay_is_capped():
    assert users._delay(users.FREE_FAILURES - 1, users.FREE_FAILURES) == 0
    assert users._delay(users.FREE_FAILURES, users.FREE_FAILURES) == 2
    assert users._delay(100, users.FREE_FAILURES) == users.MAX_DELAY_S


def test_the_audit_log_records_sign_ins(tmp_path):
    users.add_user(tmp_path, "olivia", "operator", PASSWORD)
    with pytest.raises(SignInFailed):
        users.sign_in(tmp_path, "olivia", "wrong-password-1", client="10.0.0.1")
    users.sign_in(tmp_path, "olivia", PASSWORD, client="10.0.0.1")
    audit.log(tmp_path, "download", "olivia", "10.0.0.1", detail="capital account LP006 F001")
    log = audit.read(tmp_path)
    assert log["event"].tolist() == ["download", "sign_in_ok", "sign_in_failed"]
    assert set(log["username"]) == {"olivia"} and set(log["client"]) == {"10.0.0.1"}
    assert log["at"].str.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$").all()
    raw = users.users_db_path(tmp_path).read_bytes()
    assert b"wrong-password-1" not in raw and PASSWORD.encode() not in raw
    with pytest.raises(ValueError):
        audit.log(tmp_path, "something_else", "olivia")


# --- demo users ---------------------------------------------------------------------------


def test_demo_users(home_copy):
    created, path = users.create_demo_users(home_copy)
    roles = sorted(u.role for u, _ in created)
    assert roles == ["analyst", "lp", "lp", "operator"]
    assert mode(path) == 0o600
    known = users.known_lp_ids(home_copy)
    lp_funds = [known[u.lp_id] for u, _ in created if u.role == "lp"]
    assert lp_funds[0] != lp_funds[1]  # LPs of different funds
    text = path.read_text()
    for user, password in created:
        assert f"{user.username}  {password}" in text
        assert users.sign_in(home_copy, user.username, password) == user
    again, _ = users.create_demo_users(home_copy)
    assert again == []  # existing users are left alone


# --- the command line ---------------------------------------------------------------------


def run_cli(monkeypatch, capsys, argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_users_cli(home_copy, monkeypatch, capsys):
    home = ["--home", str(home_copy)]
    code, out, _ = run_cli(
        monkeypatch,
        capsys,
        ["users", "add", "gulf", "--role", "lp", "--lp-id", "LP006", "--password-stdin", *home],
        PASSWORD + "\n",
    )
    assert code == 0 and "Added lp gulf for LP LP006" in out
    code, out, _ = run_cli(monkeypatch, capsys, ["users", "list", *home])
    assert code == 0 and out.split() == ["gulf", "lp", "LP006"]
    code, out, _ = run_cli(
        monkeypatch,
        capsys,
        ["users", "set-password", "gulf", "--password-stdin", *home],
        "brand-new-password-9\n",
    )
    assert code == 0
    assert users.sign_in(home_copy, "gulf", "brand-new-password-9").lp_id == "LP006"
    code, out, _ = run_cli(monkeypatch, capsys, ["users", "remove", "gulf", *home])
    assert code == 0 and users.list_users(home_copy) == []


STDIN = "--password-stdin"


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["add", "x1", "--role", "lp", "--lp-id", "LP999", STDIN], PASSWORD, "unknown lp_id"),
        (["add", "x1", "--role", "lp", STDIN], PASSWORD, "needs an lp_id"),
        (["add", "x1", "--role", "analyst", "--lp-id", "LP001", STDIN], PASSWORD, "only role lp"),
        (["add", "x1", "--role", "operator", STDIN], "short", "at least 12 characters"),
        (["add", "x1", "--role", "operator", STDIN], "", "no password on standard input"),
        (["add", "x1", "--role", "operator"], PASSWORD, "--password-stdin"),
        (["add", "Bad Name", "--role", "operator", STDIN], PASSWORD, "invalid username"),
        (["remove", "nobody"], "", "no user 'nobody'"),
        (["set-password", "nobody", STDIN], PASSWORD, "no user 'nobody'"),
    ],
)
def test_users_cli_errors(home_copy, monkeypatch, capsys, argv, stdin, message):
    code, _, err = run_cli(
        monkeypatch, capsys, ["users", *argv, "--home", str(home_copy)], stdin and stdin + "\n"
    )
    assert code == 1
    assert message in err and "Traceback" not in err
    assert PASSWORD not in err


def test_users_cli_needs_a_published_warehouse_for_lp_users(tmp_path, monkeypatch, capsys):
    code, _, err = run_cli(
        monkeypatch,
        capsys,
        [
            "users",
            "add",
            "gulf",
            "--role",
            "lp",
            "--lp-id",
            "LP006",
            "--password-stdin",
            "--home",
            str(tmp_path),
        ],
        PASSWORD + "\n",
    )
    assert code == 1 and "run `fundlens refresh` first" in err


def test_app_warns_when_served_beyond_this_machine(demo_home, monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(cli.os, "execv", lambda *a: calls.append(a))
    cli.main(["app", "--home", str(demo_home), "--address", "0.0.0.0", "--port", "8599"])
    err = capsys.readouterr().err
    assert "production needs HTTPS in front" in err
    assert calls and "0.0.0.0" in calls[0][1]
    cli.main(["app", "--home", str(demo_home), "--port", "8599"])
    assert "HTTPS" not in capsys.readouterr().err


def test_users_demo_cli_prints_the_passwords_once(home_copy, monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, ["users", "demo", "--home", str(home_copy)])
    assert code == 0 and "demo credentials" in out
    saved = (home_copy / users.DEMO_CREDENTIALS).read_text()
    printed = [line.split() for line in out.splitlines() if line.startswith("  ")]
    assert len(printed) == 4
    for username, password, *_ in printed:
        assert f"{username}  {password}" in saved
    code, out, _ = run_cli(monkeypatch, capsys, ["users", "demo", "--home", str(home_copy)])
    assert code == 0 and "exist already" in out
    assert not any(password in out for _, password, *_ in printed)
