"""Every bad input of the corpus, through `fundlens refresh`: exit code 1, a report naming
file, line, column and rule, a failed run record, and published files byte-identical."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bad_inputs import copy_valid_seeds
from bad_inputs.cases import CASES, apply_case
from test_refresh import published_digests

from fundlens.cli import main
from fundlens.home import read_runs


@pytest.fixture(scope="module")
def published_home(demo_home: Path, tmp_path_factory) -> Path:
    """One copy of the published demo home that every case tries (and fails) to refresh."""
    dest = tmp_path_factory.mktemp("bad-inputs") / "home"
    shutil.copytree(demo_home, dest, symlinks=True)
    return dest


@pytest.mark.parametrize("case", CASES, ids=str)
def test_refresh_refuses_bad_input_and_changes_nothing(case, published_home, tmp_path, capsys):
    seeds = copy_valid_seeds(tmp_path / "seeds")
    expected = apply_case(case, seeds)
    before = published_digests(published_home)
    runs_before = len(read_runs(published_home, limit=1000))

    code = main(["refresh", "--seeds", str(seeds), "--home", str(published_home)])

    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    where = expected.file if expected.line is None else f"{expected.file}, line {expected.line}"
    if expected.column:
        where += f", column {expected.column}"
    assert where in err and f"[{expected.rule}]" in err, err
    assert published_digests(published_home) == before
    assert not any((published_home / "candidates").iterdir())
    runs = read_runs(published_home, limit=1000)
    assert len(runs) == runs_before + 1
    latest = runs[0]
    assert latest["outcome"] == "failed" and latest["version_id"] is None
    assert {(p["file"], p["line"], p["column"], p["rule"]) for p in latest["problems"]} >= {
        (expected.file, expected.line, expected.column, expected.rule)
    }
