"""dbt's child process (fundlens.dbt_cli, started by build.dbt_started): it waits to be
let go, tells its caller whole events, and says why when it cannot run."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fundlens.build import PROGRESS_EVERY, _follow, dbt_started, run_dbt
from fundlens.errors import FundLensError

FAKE_DBT = """
import sys, threading
import dbt.cli.main
from dbt.events.types import LogModelResult
from dbt_common.events.base_types import msg_from_base_event

class TwoThreadRunner:  # fires what dbt's pool fires with threads: 2
    def __init__(self, callbacks):
        self.callbacks = callbacks
    def invoke(self, args):
        def worker(k):
            for i in range(500):
                event = LogModelResult(description=f"model m{k}_{i}", status="success",
                                       index=i, total=1000, execution_time=0.01)
                for callback in self.callbacks:
                    callback(msg_from_base_event(event))
        threads = [threading.Thread(target=worker, args=(k,)) for k in range(2)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        return dbt.cli.main.dbtRunnerResult(success=True)

dbt.cli.main.dbtRunner = TwoThreadRunner
from fundlens import dbt_cli
sys.exit(dbt_cli.main(["build"]))
"""


def test_events_from_two_threads_arrive_whole():
    """dbt fires node results from its worker threads: each must reach the caller as one
    whole JSON line, or build._follow takes mangled lines for errors and loses events."""
    proc = subprocess.Popen(
        [sys.executable, "-c", FAKE_DBT],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    heard: list[str] = []
    run = _follow(proc, "build", heard.append)
    assert run.returncode == 0
    assert run.errors == []  # no mangled line taken for an error
    assert len(heard) == 1000 // PROGRESS_EVERY  # every node result counted


def test_dbt_started_and_never_let_go_runs_nothing(tmp_path: Path):
    """refresh starts dbt before the load, so dbt imports itself meanwhile; when the load
    fails, dbt must not go on to parse or build anything."""
    work = tmp_path / "work"
    db = tmp_path / "db" / "warehouse.duckdb"
    with pytest.raises(OSError, match="the load failed"), dbt_started(["parse"], db, work):
        time.sleep(0.5)
        raise OSError("the load failed")
    assert not (work / "target").exists()  # a parse writes its manifest there
    # dbt_cli itself: a caller gone before it says go (stdin closed) gets nothing run
    ended = subprocess.run(
        [sys.executable, "-m", "fundlens.dbt_cli", "--wait", "parse", "--target-path", work],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (ended.returncode, ended.stdout) == (3, "")
    assert not work.exists()


def test_dbt_that_cannot_run_says_why(tmp_path: Path):
    db = tmp_path / "db" / "warehouse.duckdb"
    # dbt refusing its arguments (it tells no event of it)
    said_once = "dbt build could not run:\n  DbtUsageException: No such option '--no-such-option'"
    with pytest.raises(FundLensError, match=said_once):
        run_dbt(["build", "--no-such-option"], db, tmp_path / "work")
    # the child gone before it is let go (a broken install, say): its output is the reason
    broken = (sys.executable, "-c", "import sys; sys.exit('dbt is broken here')")
    with dbt_started(["build"], db, tmp_path / "work", dbt=broken) as run:
        time.sleep(1)  # it has ended by now: being let go must not fail on the closed pipe
        with pytest.raises(FundLensError, match="dbt build could not run:\n  dbt is broken here"):
            run(None)
    # killed (out of memory, say), whatever it said before: the signal is the reason
    realtime = int(signal.SIGRTMIN) + 6  # not in signal.Signals
    for kill, name in (("signal.SIGKILL", "SIGKILL"), (realtime, str(realtime))):
        killed = (
            sys.executable,
            "-c",
            f"import os, signal, sys; print('about to die', file=sys.stderr); "
            f"os.kill(os.getpid(), {kill})",
        )
        with pytest.raises(FundLensError, match=f"about to die\n  dbt was killed by signal {name}"):
            run_dbt(["build"], db, tmp_path / "work", dbt=killed)


def test_dbt_imports_nothing_from_the_candidate_folder(tmp_path: Path):
    """dbt's child works in the candidate's folder: a `fundlens` package put there must
    not be the one it imports (python -P)."""
    db = tmp_path / "candidate" / "warehouse.duckdb"
    planted = db.parent / "fundlens"
    planted.mkdir(parents=True)
    (planted / "__init__.py").write_text("raise SystemExit('the planted fundlens ran')\n")
    project = tmp_path / "project"  # the smallest project dbt parses
    project.mkdir()
    (project / "dbt_project.yml").write_text("name: tiny\nversion: '1.0'\nprofile: tiny\n")
    (project / "profiles.yml").write_text(
        "tiny:\n  target: t\n  outputs:\n    t:\n      type: duckdb\n      path: x.duckdb\n"
    )
    run = run_dbt(["parse"], db, tmp_path / "work", project_dir=project)
    assert run.success and not run.errors
