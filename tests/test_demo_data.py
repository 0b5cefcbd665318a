"""The demo data generator: the shipped seeds are its output, and it scales."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from fundlens import SEEDS_DIR
from fundlens.contract import FILES
from fundlens.generate import generate


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


@pytest.mark.parametrize("bad", [["--funds", "0"], ["--companies", "x"], ["--preset", "huge"]])
def test_cli_rejects_bad_arguments(tmp_path: Path, capsys, bad) -> None:
    from fundlens.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["generate", "--out", str(tmp_path), *bad])
    assert exc.value.code == 2
    assert "usage: fundlens generate" in capsys.readouterr().err
