"""The demo data generator: the shipped seeds are its output, and it scales."""

from __future__ import annotations

import csv
import fcntl
import itertools
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from fundlens import SEEDS_DIR
from fundlens.contract import FILES
from fundlens.generate import generate, writer


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_committed_seeds_are_reproduced_byte_for_byte(tmp_path: Path) -> None:
    generate(tmp_path)  # the defaults are the shipped demo set
    for spec in FILES.values():
        fresh = (tmp_path / spec.filename).read_bytes()
        shipped = (SEEDS_DIR / spec.filename).read_bytes()
        assert fresh == shipped, f"seeds/{spec.filename} is stale: run make demo-data"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        spec.filename for spec in FILES.values()
    )


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scaled")
    generate(out, seed=11, funds=5, companies=200)
    return out


@pytest.mark.parametrize("name", list(FILES))
def test_scaled_run_has_contract_headers_and_unique_keys(scaled: Path, name: str) -> None:
    spec = FILES[name]
    path = scaled / spec.filename
    assert path.read_bytes().split(b"\n", 1)[0].decode() == ",".join(spec.column_names)
    rows = _rows(path)
    assert rows, f"{spec.filename} is empty"
    keys = Counter(tuple(r[c] for c in spec.primary_key) for r in rows)
    duplicates = [k for k, n in keys.items() if n > 1]
    assert not duplicates, f"{spec.filename}: duplicate keys {duplicates[:3]}"


def test_scaled_run_commitments_sum_to_fund_size(scaled: Path) -> None:
    funds = {r["fund_id"]: float(r["committed_capital"]) for r in _rows(scaled / "funds.csv")}
    assert len(funds) == 5
    committed: dict[str, float] = defaultdict(float)
    for r in _rows(scaled / "commitments.csv"):
        committed[r["fund_id"]] += float(r["commitment_amount"])
    assert committed.keys() == funds.keys()
    for fund_id, size in funds.items():
        assert committed[fund_id] == pytest.approx(size, abs=0.01), fund_id


def test_scaled_run_references_resolve(scaled: Path) -> None:
    for spec in FILES.values():
        for column in spec.columns:
            if column.references is None:
                continue
            target_file, target_column = column.references
            known = {r[target_column] for r in _rows(scaled / f"{target_file}.csv")}
            values = {r[column.name] for r in _rows(scaled / spec.filename)} - {""}
            assert values <= known, f"{spec.name}.{column.name}: {sorted(values - known)[:3]}"


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_generation_is_deterministic_per_seed(tmp_path: Path) -> None:
    for run in ("a", "b"):
        generate(tmp_path / run, seed=3, funds=3, companies=60)
    generate(tmp_path / "other", seed=4, funds=3, companies=60)
    first = _snapshot(tmp_path / "a")
    assert first == _snapshot(tmp_path / "b")
    other = _snapshot(tmp_path / "other")
    changed = {name for name in first if first[name] != other[name]}
    # the seed drives the portfolio; the reference files are fixed
    assert {"investments.csv", "valuations.csv", "company_kpis.csv"} <= changed
    assert not changed & {"segments.csv", "industries.csv", "countries.csv"}


def test_cli_demo_preset_reproduces_the_seeds(tmp_path: Path, capsys) -> None:
    from fundlens.cli import main

    assert main(["generate", "--preset", "demo", "--out", str(tmp_path / "cli")]) == 0
    assert "Wrote 17 files" in capsys.readouterr().out
    from fundlens.demo import main as demo_main  # the old entry point, same output

    assert demo_main(["--out", str(tmp_path / "demo")]) == 0
    shipped = {p.name: p.read_bytes() for p in SEEDS_DIR.glob("*.csv")}
    assert _snapshot(tmp_path / "cli") == shipped
    assert _snapshot(tmp_path / "demo") == shipped


def test_cli_overrides_the_preset_size(tmp_path: Path) -> None:
    from fundlens.cli import main

    assert main(["generate", "--out", str(tmp_path), "--funds", "3", "--companies", "50"]) == 0
    assert len(_rows(tmp_path / "funds.csv")) == 3
    assert len(_rows(tmp_path / "companies.csv")) == 50


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--funds", "5", "--companies", "4"], "--companies (4) must be at least --funds (5)"),
        (["--out-is-a-file"], "exists and is not a directory"),
    ],
)
def test_cli_refuses_impossible_requests_clearly(tmp_path: Path, capsys, args, message) -> None:
    from fundlens.cli import main

    out = tmp_path / "out"
    if args == ["--out-is-a-file"]:
        out.write_text("not a directory")
        args = []
    assert main(["generate", "--out", str(out), *args]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_cli_refuses_a_folder_another_run_is_writing_into(tmp_path: Path, capsys) -> None:
    """Two runs into one folder would leave it with files of both: while one holds the
    folder, another is refused and changes nothing; once it is done, the folder is free."""
    from fundlens.cli import main

    out = tmp_path / "out"
    out.mkdir()
    (out / "funds.csv").write_text("the running generate's\n")
    args = ["generate", "--out", str(out), "--funds", "1", "--companies", "3"]
    fd = os.open(out / writer.LOCK, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # what a running generate holds
        assert main(args) == 1
        err = capsys.readouterr().err
        assert f"another fundlens generate is writing into {out}" in err
        assert "Traceback" not in err
        assert sorted(p.name for p in out.iterdir()) == [writer.LOCK, "funds.csv"]  # ours
        assert (out / "funds.csv").read_text() == "the running generate's\n"
    finally:
        os.close(fd)
    assert main(args) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(s.filename for s in FILES.values())
    assert main(args) == 0  # and the run after it finds the folder free again
    dir_fd = os.open(out, os.O_RDONLY)  # someone else's lock on the folder itself
    try:
        fcntl.flock(dir_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # (`flock DIR cmd`) is no clash
        assert main(args) == 0
    finally:
        os.close(dir_fd)


def test_a_lock_file_left_by_another_user_locks_all_the_same(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a shared folder the lock file may be another user's, which we can open for
    reading only (root reads anything, so that user's refusal is played by os.open)."""
    from fundlens.cli import main

    out = tmp_path / "out"
    out.mkdir()
    (out / writer.LOCK).touch()
    real_open = os.open

    def another_users(path, flags, *args, **kwargs):
        if str(path).endswith(writer.LOCK) and flags & os.O_RDWR:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(writer.os, "open", another_users)
    args = ["generate", "--out", str(out), "--funds", "1", "--companies", "3"]
    fd = real_open(out / writer.LOCK, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # that user's run, going on
        assert main(args) == 1
        assert "another fundlens generate is writing into" in capsys.readouterr().err
    finally:
        os.close(fd)
    assert main(args) == 0  # that run is over: its file is in the way of no one


def test_a_lock_file_that_is_a_symbolic_link_is_not_followed(tmp_path: Path, capsys) -> None:
    from fundlens.cli import main

    out = tmp_path / "out"
    out.mkdir()
    (out / writer.LOCK).symlink_to(tmp_path / "elsewhere")
    assert main(["generate", "--out", str(out), "--funds", "1", "--companies", "3"]) == 1
    assert "Traceback" not in capsys.readouterr().err
    assert not (tmp_path / "elsewhere").exists()


@pytest.mark.parametrize("when", ["between files", "while writing a file"])
def test_a_folder_removed_and_made_again_meanwhile_is_left_to_its_new_owner(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    """`rm -r DIR` while a run writes into it, and another run into a new DIR: the first
    must stop, publishing and removing nothing in the new folder (whose temporary files
    have the same names as its own), rather than mix its files with the other run's."""
    from fundlens.cli import main

    out = tmp_path / "out"
    write = writer.write_csv
    calls = []

    def remove_and_make_again(name: str) -> None:
        (out / writer.LOCK).unlink()
        out.rename(tmp_path / "removed")
        out.mkdir()
        (out / writer.LOCK).touch()  # the other run's
        (out / f".{name}.tmp").write_text("the other run's\n")

    def third_file_meets_another_run(path, spec, rows, **kwargs):
        calls.append(path.name)
        if len(calls) == 3 and when == "between files":
            remove_and_make_again(path.name)
        elif len(calls) == 3:
            rows = list(rows)
            rows = itertools.chain(
                rows[:1], _then(lambda: remove_and_make_again(path.name)), rows[1:]
            )
        return write(path, spec, rows, **kwargs)

    monkeypatch.setattr(writer, "write_csv", third_file_meets_another_run)
    assert main(["generate", "--out", str(out), "--funds", "1", "--companies", "3"]) == 1
    err = capsys.readouterr().err
    assert f"{out} was removed or made again while this run wrote into it" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in out.iterdir()) == sorted([writer.LOCK, f".{calls[2]}.tmp"])
    assert (out / f".{calls[2]}.tmp").read_text() == "the other run's\n"
    assert len(list((tmp_path / "removed").glob("*.csv"))) == 2


def _then(action):
    """An empty iterable that runs `action` when it is iterated."""
    action()
    yield from ()


def test_cli_interrupted_says_what_the_folder_holds(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fundlens.cli import main

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(writer, "write_csv", interrupted)
    handler = signal.getsignal(signal.SIGTERM)
    assert main(["generate", "--out", str(tmp_path), "--funds", "1", "--companies", "3"]) == 130
    err = capsys.readouterr().err
    assert f"interrupted; {tmp_path} holds only the files finished so far" in err
    assert "published" not in err
    assert signal.getsignal(signal.SIGTERM) is handler  # the CLI's own is gone again


@pytest.mark.parametrize("bad", [["--funds", "0"], ["--companies", "x"], ["--preset", "huge"]])
def test_cli_rejects_bad_arguments(tmp_path: Path, capsys, bad) -> None:
    from fundlens.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["generate", "--out", str(tmp_path), *bad])
    assert exc.value.code == 2
    assert "usage: fundlens generate" in capsys.readouterr().err


# company_kpis.csv is written by a forked child when the process is single-threaded (a
# CLI run); a pytest process may hold DuckDB's threads, so these run `fundlens generate`
# in a fresh interpreter, with `patch` applied to the generator first.
linux_only = pytest.mark.skipif(sys.platform != "linux", reason="the KPI child is forked on Linux")


def _generate_in_child_process(out: Path, patch: str = "") -> subprocess.CompletedProcess:
    script = textwrap.dedent(f"""
        import multiprocessing, os, signal, sys, time
        from fundlens.cli import main
        from fundlens.generate import figures, rows, writer
        assert writer._can_fork(), "a fresh interpreter is single-threaded"
        {textwrap.indent(textwrap.dedent(patch), " " * 8).strip()}
        try:
            code = main(["generate", "--out", {str(out)!r}, "--funds", "4",
                         "--companies", "150", "--seed", "5"])
        except RuntimeError as exc:  # a bug, not a user's error: the CLI lets it through
            print("raised:", exc)
            code = 1
        print("children left:", len(multiprocessing.active_children()))
        sys.exit(code)
    """)
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )


@linux_only
def test_kpis_from_the_forked_child_are_the_bytes_written_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = _generate_in_child_process(tmp_path / "forked")
    assert done.returncode == 0, done.stderr
    monkeypatch.setattr(writer, "_can_fork", lambda: False)
    generate(tmp_path / "in_process", seed=5, funds=4, companies=150)
    forked, in_process = _snapshot(tmp_path / "forked"), _snapshot(tmp_path / "in_process")
    assert forked == in_process
    assert forked["company_kpis.csv"].count(b"\n") > 1000


def _kpis_left(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if "company_kpis" in p.name)


@linux_only
@pytest.mark.parametrize(
    ("patch", "message"),
    [
        (
            """
            def broken(rng, c, fx, first_month):
                if c.index == 90:
                    raise RuntimeError("disk on fire")
                return real(rng, c, fx, first_month)
            real, rows.company_kpis = rows.company_kpis, broken
            """,
            "Could not write company_kpis.csv: RuntimeError: disk on fire",
        ),
        (
            """
            def killed(rng, c, fx, first_month):
                os.kill(os.getpid(), signal.SIGKILL)
            rows.company_kpis = killed
            """,
            "Could not write company_kpis.csv: killed by signal 9",
        ),
    ],
    ids=["raises", "killed"],
)
def test_a_failing_kpi_child_fails_the_run_and_leaves_no_kpi_file(
    tmp_path: Path, patch: str, message: str
) -> None:
    out = tmp_path / "out"
    done = _generate_in_child_process(out, patch)
    assert done.returncode == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert _kpis_left(out) == []  # neither the contract name nor the temporary file


@linux_only
def test_a_failure_in_the_parent_stops_the_kpi_child(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = _generate_in_child_process(
        out,
        """
        def slow(rng, c, fx, first_month):  # the child is still writing when the parent fails
            time.sleep(0.05)
            return real_kpis(rng, c, fx, first_month)
        def broken(p):
            raise RuntimeError("valuations went wrong")
            yield
        real_kpis, rows.company_kpis, rows._valuations = rows.company_kpis, slow, broken
        """,
    )
    assert done.returncode == 1
    assert "raised: valuations went wrong" in done.stdout
    assert "children left: 0" in done.stdout
    assert _kpis_left(out) == []
    assert not (out / "valuations.csv").exists()


@linux_only
@pytest.mark.parametrize(
    ("sig", "returncode"),
    [("SIGKILL", -9), ("SIGTERM", 130)],
    ids=["killed-the-child-dies-with-it", "terminated-cleans-up-like-ctrl-c"],
)
def test_a_stopped_parent_leaves_no_kpi_file_and_no_child(
    tmp_path: Path, sig: str, returncode: int
) -> None:
    out, pid_file = tmp_path / "out", tmp_path / "child.pid"
    done = _generate_in_child_process(
        out,
        f"""
        def slow(rng, c, fx, first_month):
            if c.index == 0:
                open({str(pid_file)!r}, "w").write(str(os.getpid()))
            time.sleep(0.01)
            return real_kpis(rng, c, fx, first_month)
        def stopped(p):  # the parent is stopped while the child writes
            while not os.path.exists({str(pid_file)!r}):
                time.sleep(0.01)
            os.kill(os.getpid(), signal.{sig})
            time.sleep(5)
            yield
        real_kpis, rows.company_kpis, rows._valuations = rows.company_kpis, slow, stopped
        """,
    )
    assert done.returncode == returncode, done.stderr
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 30
    while _running(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(child), "the KPI child outlived its parent"
    assert not (out / "company_kpis.csv").exists()
    if sig == "SIGTERM":  # what `timeout` and service managers send: cleaned up as Ctrl-C
        assert "interrupted;" in done.stderr and "Traceback" not in done.stderr
        assert "children left: 0" in done.stdout
        assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # a zombie has stopped running


@linux_only
def test_a_failure_in_the_parent_after_the_kpi_child_finished_leaves_no_kpi_file(
    tmp_path: Path,
) -> None:
    out, finished = tmp_path / "out", tmp_path / "last_company_drawn"
    done = _generate_in_child_process(
        out,
        f"""
        def marked(rng, c, fx, first_month):
            rows_ = real_kpis(rng, c, fx, first_month)
            if c.index == 149:  # the last company: the child is about done
                open({str(finished)!r}, "w").close()
            return rows_
        def broken(p):
            while not os.path.exists({str(finished)!r}):
                time.sleep(0.01)
            time.sleep(0.5)  # the child has written and closed its file
            raise RuntimeError("valuations went wrong")
            yield
        real_kpis, rows.company_kpis, rows._valuations = rows.company_kpis, marked, broken
        """,
    )
    assert "raised: valuations went wrong" in done.stdout
    assert _kpis_left(out) == []
