"""The demo data generator: the shipped seeds are its output, and it scales."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from fundlens import SEEDS_DIR
from fundlens.contract import FILES
from fundlens.demo import generate


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_committed_seeds_are_reproduced_byte_for_byte(tmp_path: Path) -> None:
    generate(tmp_path)  # the defaults are the shipped demo set
    for spec in FILES.values():
        fresh = (tmp_path / spec.filename).read_bytes()
        shipped = (SEEDS_DIR / spec.filename).read_bytes()
        assert fresh == shipped, f"seeds/{spec.filename} is stale: run python -m fundlens.demo"
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
