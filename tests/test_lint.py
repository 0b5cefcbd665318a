"""Lint gates: sqlfluff (dbt templater) over the dbt project's SQL, and ruff over Python."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from fundlens import PROJECT_DIR

BIN = Path(sys.executable).parent


def _run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=PROJECT_DIR, capture_output=True, text=True, env=env, timeout=600
    )


def test_sqlfluff_lint_passes(tmp_path):
    # the dbt templater compiles the project: point it at a throwaway database
    env = {**os.environ, "FUNDLENS_DB_PATH": str(tmp_path / "lint.duckdb")}
    paths = ["models", "macros", "tests/dbt", "analyses"]
    res = _run([str(BIN / "sqlfluff"), "lint", *paths], env=env)
    assert res.returncode == 0, res.stdout[-5000:] + res.stderr[-2000:]


def test_ruff_check_passes():
    res = _run([str(BIN / "ruff"), "check", "."])
    assert res.returncode == 0, res.stdout[-5000:] + res.stderr[-2000:]


def test_ruff_format_is_clean():
    res = _run([str(BIN / "ruff"), "format", "--check", "."])
    assert res.returncode == 0, res.stdout[-5000:] + res.stderr[-2000:]
