"""Each bad input of the corpus is refused with a report naming file, line, column and rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from bad_inputs import copy_valid_seeds
from bad_inputs.cases import CASES, apply_case

from fundlens.errors import InputError
from fundlens.load import load


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 32
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_reported(case, tmp_path: Path) -> None:
    seeds = copy_valid_seeds(tmp_path / "seeds")
    expected = apply_case(case, seeds)
    db = tmp_path / "raw.duckdb"
    with pytest.raises(InputError) as caught:
        load(seeds, db)
    error = caught.value
    found = [(p.file, p.line, p.column, p.rule) for p in error.problems]
    want = (expected.file, expected.line, expected.column, expected.rule)
    assert want in found, f"{want} not in:\n{error.report()}"
    report = str(error)
    where = expected.file if expected.line is None else f"{expected.file}, line {expected.line}"
    if expected.column:
        where += f", column {expected.column}"
    assert where in report
    assert f"[{expected.rule}]" in report
    assert not db.exists(), "a failed load must not leave a database behind"
