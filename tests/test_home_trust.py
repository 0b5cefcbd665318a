"""The home on disk: run records are data, operator mistakes get clear messages, and
LP data is readable by the owner only (issue 7)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from bad_inputs import copy_valid_seeds
from test_refresh import published_digests

from fundlens.home import PUBLIC_MODES, published_version, read_runs, secure
from fundlens.refresh import _clear_leftovers, refresh_lock

FUNDLENS = Path(sys.executable).with_name("fundlens")
NOBODY = 65534
RUN_ID = "20260101T000000000Z-abcdef"


def fundlens(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(FUNDLENS), *args], capture_output=True, text=True, timeout=900, **kw)


def _bad_seeds(tmp_path: Path) -> Path:
    """Seeds that fail fast at load: a refresh gets past its housekeeping, then stops."""
    seeds = copy_valid_seeds(tmp_path / "seeds")
    (seeds / "funds.csv").write_text("fund_id\n")
    return seeds


# -- run records are data ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "record"),
    [
        ("climb", {"run_id": "../../victim", "outcome": "running"}),
        ("root", {"run_id": "/", "outcome": "running"}),
        ("array", []),
        ("no_run_id", {"outcome": "running"}),
        ("number", 42),
    ],
)
def test_crafted_run_record_is_set_aside_not_obeyed(home_copy, tmp_path, name, record):
    victim = home_copy.parent / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("precious")
    (home_copy / "versions" / "victim").mkdir()  # what "../../victim" would also hit
    path = home_copy / "runs" / f"{name}.json"
    path.write_text(json.dumps(record))
    before = published_digests(home_copy)

    status = fundlens("status", "--home", str(home_copy))
    assert status.returncode == 0, status.stderr
    assert "Traceback" not in status.stderr
    assert f"{name}.json is not a run record" in status.stdout
    as_json = json.loads(fundlens("status", "--home", str(home_copy), "--json").stdout)
    assert any(f"{name}.json" in n for n in as_json["notes"])
    assert as_json["runs"][0]["outcome"] == "published"

    result = fundlens("refresh", "--seeds", str(_bad_seeds(tmp_path)), "--home", str(home_copy))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "missing_column" in result.stderr  # it got past the records to the load
    assert (victim / "keep.txt").read_text() == "precious"
    assert (home_copy / "versions" / "victim").is_dir()
    assert not path.exists() and path.with_name(path.name + ".damaged").exists()
    assert published_digests(home_copy) == before
    failed = read_runs(home_copy)[0]
    assert any(f"{name}.json" in note for note in failed["notes"])


def test_clear_leftovers_removes_only_what_a_valid_record_names(home_copy):
    orphan = home_copy / "versions" / RUN_ID
    orphan.mkdir()
    (home_copy / "runs" / f"{RUN_ID}.json").write_text(
        json.dumps({"run_id": RUN_ID, "outcome": "running"})
    )
    notes = _clear_leftovers(home_copy)
    assert notes == []
    assert not orphan.exists()  # moved into versions/ by a killed run, never published
    record = json.loads((home_copy / "runs" / f"{RUN_ID}.json").read_text())
    assert record["outcome"] == "interrupted"


def test_a_dead_refresh_shows_as_interrupted_once_its_lock_is_free(home_copy):
    (home_copy / "runs" / f"{RUN_ID}.json").write_text(
        json.dumps({"run_id": RUN_ID, "outcome": "running", "started_at": "2026-01-01"})
    )

    def outcome() -> str:
        status = json.loads(fundlens("status", "--home", str(home_copy), "--json").stdout)
        return next(r for r in status["runs"] if r["run_id"] == RUN_ID)["outcome"]

    with refresh_lock(home_copy):  # a refresh is running: it may be this one
        assert outcome() == "running"
    assert outcome() == "interrupted"
    assert "interrupted" in fundlens("status", "--home", str(home_copy)).stdout


# -- operator mistakes: clear messages, never a traceback ---------------------------------


@pytest.mark.parametrize("command", ["refresh", "status", "rollback"])
def test_home_that_is_a_file(tmp_path, command):
    home = tmp_path / "home"
    home.write_text("not a directory")
    result = fundlens(command, "--home", str(home))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "is not a directory" in result.stderr
    assert home.read_text() == "not a directory"


def _run_read_only(home: Path, *args: str) -> subprocess.CompletedProcess:
    """`fundlens args` with `home` read-only: a read-only bind mount in a private mount
    namespace (root ignores file modes), else as user nobody."""
    cmd = [str(FUNDLENS), *args]
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode == 0:
        script = 'mount --bind -o ro "$0" "$0" && exec "$@"'
        return fundlens_raw(["unshare", "-m", "sh", "-c", script, str(home), *cmd])
    if os.geteuid() == 0 and shutil.which("setpriv"):
        return fundlens_raw(
            ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *cmd]
        )
    pytest.skip("neither unshare nor setpriv can make a read-only home here")


def fundlens_raw(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=900)


@pytest.mark.parametrize("command", ["refresh", "rollback", "status"])
def test_read_only_home(home_copy, command):
    before = published_digests(home_copy)
    result = _run_read_only(home_copy, command, "--home", str(home_copy))
    assert "Traceback" not in result.stderr
    if command == "status":  # reading needs no writing
        assert result.returncode == 0, result.stderr
        assert published_version(home_copy) in result.stdout
    else:
        assert result.returncode == 1
        assert "not writable" in result.stderr
    assert published_digests(home_copy) == before


# -- least privilege on disk ---------------------------------------------------------------


def _modes(home: Path) -> dict[str, int]:
    out = {}
    for root, dirs, files in os.walk(home):
        for name in [*dirs, *files]:
            path = Path(root) / name
            if not path.is_symlink():
                out[str(path.relative_to(home))] = stat.S_IMODE(path.lstat().st_mode)
    out["."] = stat.S_IMODE(home.stat().st_mode)
    return out


def test_published_files_are_private_except_public_duckdb(demo_home):
    """The demo home is refreshed with the default: public.duckdb readable by the group."""
    file_mode, dir_mode = PUBLIC_MODES["group"]
    version = published_version(demo_home)
    public = f"versions/{version}/public.duckdb"
    way = {".", "versions", f"versions/{version}"}
    for path, mode in _modes(demo_home).items():
        if path == public:
            assert mode == file_mode, path
        elif path in way:
            assert mode == dir_mode, path
        elif (demo_home / path).is_dir():
            assert mode == 0o700, (path, oct(mode))
        else:
            assert mode == 0o600, (path, oct(mode))
    assert _modes(demo_home)[f"versions/{version}/warehouse.duckdb"] == 0o600


def _read_as_nobody(path: Path) -> subprocess.CompletedProcess:
    """Another user reading the file's first bytes (what opening it with DuckDB needs
    first): run as `nobody` with coreutils, so it works wherever the checkout lives."""
    return subprocess.run(
        ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
         "head", "-c", "16", str(path)],
        capture_output=True,
        timeout=60,
    )  # fmt: skip


@pytest.mark.parametrize("mode", ["all", "owner"])
def test_other_users_read_public_duckdb_only(demo_home, mode):
    if os.geteuid() != 0:
        pytest.skip("needs root to act as another user")
    base = Path(tempfile.mkdtemp(prefix="fundlens-perm-", dir="/tmp"))
    try:
        base.chmod(0o711)  # others may pass through to the home, as under /home/<user>
        home = base / "home"
        shutil.copytree(demo_home, home, symlinks=True)
        secure(home, mode)
        public = _read_as_nobody(home / "public.duckdb")
        for private in ("warehouse.duckdb", f"versions/{published_version(home)}/warehouse.duckdb"):
            refused = _read_as_nobody(home / private)
            assert refused.returncode != 0 and b"Permission denied" in refused.stderr, private
        if mode == "all":
            assert public.returncode == 0 and public.stdout[8:12] == b"DUCK", public.stderr
        else:
            assert public.returncode != 0 and b"Permission denied" in public.stderr
    finally:
        shutil.rmtree(base)


def test_public_mode_setting_is_checked(home_copy):
    result = fundlens(
        "rollback", "--home", str(home_copy), env={**os.environ, "FUNDLENS_PUBLIC_MODE": "world"}
    )
    assert result.returncode == 1 and "FUNDLENS_PUBLIC_MODE" in result.stderr
    assert "Traceback" not in result.stderr
