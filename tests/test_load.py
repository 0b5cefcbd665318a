"""The loader on good inputs: row counts, `_line`, optional columns, BOM/CRLF, fallbacks."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from bad_inputs import copy_valid_seeds
from bad_inputs.csvedit import CsvFile

import fundlens
from fundlens import load as load_module
from fundlens.contract import FILES
from fundlens.errors import InputError
from fundlens.load import _record_starts, load
from fundlens.validate import CONTROL_CHARACTERS


def _records(path: Path) -> int:
    with path.open(newline="", encoding="utf-8-sig") as f:
        return sum(1 for row in csv.reader(f) if row) - 1


def _rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    return copy_valid_seeds(tmp_path / "seeds")


def test_valid_seeds_load_with_row_counts(seeds: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    counts = load(seeds, db)
    assert set(counts) == set(FILES)
    for name, spec in FILES.items():
        assert counts[name] == _records(seeds / spec.filename), name
        (n,) = _rows(db, f"SELECT count(*) FROM raw.{name}")[0]
        assert n == counts[name]
        columns = [r[0] for r in _rows(db, f"DESCRIBE raw.{name}")]
        assert columns == [*spec.column_names, "_line"]
        types = {r[0]: r[1] for r in _rows(db, f"DESCRIBE raw.{name}")}
        assert all(types[c.name] == c.duckdb_type for c in spec.columns)


def test_line_numbers_match_the_editor(seeds: Path, tmp_path: Path) -> None:
    """_line is where each record starts, also after a quoted value spanning lines."""
    f = CsvFile(seeds / "companies.csv")
    f.set(0, "description", "First line,\nsecond line\nthird line")
    f.save()
    f = CsvFile(seeds / "companies.csv")
    expected = {row["company_id"]: f.line(i) for i, row in enumerate(f.dicts())}
    assert expected[f.get(1, "company_id")] == 5
    db = tmp_path / "w.duckdb"
    load(seeds, db)
    got = dict(_rows(db, "SELECT company_id, _line FROM raw.companies"))
    assert got == expected
    (desc,) = _rows(db, f"SELECT description FROM raw.companies WHERE _line = {f.line(0)}")[0]
    assert desc == "First line,\nsecond line\nthird line"


def test_line_numbers_with_blank_lines_and_rejects(seeds: Path, tmp_path: Path) -> None:
    """Good rows keep their editor lines when other rows are rejected or lines are blank."""
    f = CsvFile(seeds / "funds.csv")
    f.set(0, "committed_capital", "lots")
    f.records.insert(2, type(f.records[0])(0, "", []))  # a blank line
    f._renumber()
    f.save()
    f = CsvFile(seeds / "funds.csv")
    with pytest.raises(InputError) as caught:
        load(seeds, tmp_path / "w.duckdb")
    problems = caught.value.problems
    assert ("funds.csv", f.line(0), "committed_capital", "type") in [
        (p.file, p.line, p.column, p.rule) for p in problems
    ]
    assert all(p.rule == "type" for p in problems)
    value = next(p.value for p in problems if p.rule == "type")
    assert value == "lots"


def test_good_row_lines_after_a_rejected_row(seeds: Path, tmp_path: Path) -> None:
    """A duplicate key after a rejected, multi-line row is reported on its own line."""
    f = CsvFile(seeds / "companies.csv")
    f.set(0, "founded_year", "nineteen")
    f.set(1, "description", "two\nlines")
    dup = f.append(f.rows[2].fields)
    f.save()
    with pytest.raises(InputError) as caught:
        load(seeds, tmp_path / "w.duckdb")
    found = {(p.line, p.rule) for p in caught.value.problems if p.file == "companies.csv"}
    assert (f.line(0), "type") in found
    assert (dup, "primary_key") in found


def test_missing_optional_column_is_null(seeds: Path, tmp_path: Path) -> None:
    for name, column in (("companies", "description"), ("investments", "ownership_pct")):
        f = CsvFile(seeds / f"{name}.csv")
        f.drop_column(column)
        f.save()
    db = tmp_path / "w.duckdb"
    load(seeds, db)
    assert _rows(db, "SELECT count(*) FROM raw.companies WHERE description IS NOT NULL") == [(0,)]
    assert _rows(db, "SELECT count(*) FROM raw.investments WHERE ownership_pct IS NOT NULL") == [
        (0,)
    ]
    columns = [r[0] for r in _rows(db, "DESCRIBE raw.companies")]
    assert columns == [*FILES["companies"].column_names, "_line"]


def test_bom_and_crlf_are_accepted(seeds: Path, tmp_path: Path) -> None:
    for name in ("funds", "companies", "investments"):
        path = seeds / f"{name}.csv"
        text = path.read_bytes().decode("utf-8").replace("\r\n", "\n").replace("\n", "\r\n")
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    db = tmp_path / "w.duckdb"
    counts = load(seeds, db)
    assert counts["funds"] == _records(seeds / "funds.csv")
    f = CsvFile(seeds / "companies.csv")
    assert f.newline == "\r\n" and f.bom
    got = dict(_rows(db, "SELECT company_id, _line FROM raw.companies"))
    assert got == {row["company_id"]: f.line(i) for i, row in enumerate(f.dicts())}
    names = _rows(db, "SELECT fund_id FROM raw.funds WHERE fund_id LIKE '%\r%'")
    assert names == []


def test_header_only_file_is_an_empty_table(seeds: Path, tmp_path: Path) -> None:
    path = seeds / "market_sizes.csv"
    path.write_text(path.read_text().split("\n", 1)[0] + "\n")
    counts = load(seeds, tmp_path / "w.duckdb")
    assert counts["market_sizes"] == 0


def test_reference_files_fall_back_to_shipped(
    seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = copy_valid_seeds(tmp_path / "shipped")
    monkeypatch.setattr(fundlens, "SEEDS_DIR", shipped)
    for spec in FILES.values():
        if spec.reference:
            (seeds / spec.filename).unlink()
    counts = load(seeds, tmp_path / "w.duckdb")
    for spec in FILES.values():
        if spec.reference:
            assert counts[spec.name] == _records(shipped / spec.filename)


def test_missing_portfolio_file_is_an_error(seeds: Path, tmp_path: Path) -> None:
    (seeds / "investments.csv").unlink()
    with pytest.raises(InputError) as caught:
        load(seeds, tmp_path / "w.duckdb")
    assert [p.rule for p in caught.value.problems] == ["missing_file"]


def test_problems_are_capped_per_rule(seeds: Path, tmp_path: Path) -> None:
    f = CsvFile(seeds / "lps.csv")
    for k in range(30):
        f.append([f"LX{k}", f"Extra LP {k}", "Pension"])
    f.save()
    with pytest.raises(InputError) as caught:
        load(seeds, tmp_path / "w.duckdb")
    error = caught.value
    listed = [p for p in error.problems if p.rule == "accepted_values"]
    assert len(listed) == load_module.MAX_PER_RULE
    assert error.omitted == {"lps.csv: accepted_values": 30 - load_module.MAX_PER_RULE}
    assert "more [accepted_values]" in error.report()


def test_existing_database_is_overwritten(seeds: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    db.write_bytes(b"not a database")
    load(seeds, db)
    assert _rows(db, "SELECT count(*) FROM raw.funds")[0][0] > 0


def test_record_starts() -> None:
    text = 'h1,h2\na,"x\ny"\n\nb,c\r\n"q""",z'
    assert _record_starts(text) == ([1, 2, 4, 5, 6], [False, False, True, False, False])


def test_field_counts_do_not_depend_on_the_scan_block(monkeypatch) -> None:
    """The scans work a block of bytes at a time (bounded memory for huge files): the
    counts must be the same when records, quotes and commas straddle the blocks."""
    text = (
        'a,b,c\r\n1,"x, ""y""\nz",3\n\n4,5\n"6,7",8,9,10\r\n,,\n'
        + "".join(f'{n},"q,{n}",{n}\n' for n in range(50))
        + "11,12,13"
    ).encode()
    lines, counts = load_module._Lines(text).field_counts()
    # header 3; the quoted comma and line break do not count; a blank line is no record
    assert lines[:6].tolist() == [1, 2, 5, 6, 7, 8]
    assert counts[:6].tolist() == [3, 3, 2, 4, 3, 3]
    assert counts[6:].tolist() == [3] * 50
    for block in (1, 2, 3, 7, 64):
        monkeypatch.setattr(load_module, "_BLOCK", block)
        small = load_module._Lines(text)
        assert small.starts.tolist() == load_module._Lines(text).starts.tolist()
        got_lines, got_counts = small.field_counts()
        assert got_lines.tolist() == lines.tolist(), block
        assert got_counts.tolist() == counts.tolist(), block


@pytest.mark.parametrize("block", [1, 2, 3, 1 << 24])
def test_control_character_scan_agrees_with_the_rule(monkeypatch, block: int) -> None:
    """The byte scan that lets a file skip the control_character rule must find every
    character that the rule's regular expression, run by DuckDB, finds: each code point
    up to U+02FF and a few beyond, alone and between other text, whatever the block."""
    monkeypatch.setattr(load_module, "_BLOCK", block)
    chars = [chr(c) for c in range(0x300)] + ["\u2028", "\ufeff", "\U0001f916", "é£°"]
    values = [v for ch in chars for v in (ch, f"ab{ch}cd", f"ü{ch}")]
    con = duckdb.connect()
    expected = con.execute(
        "SELECT list(regexp_matches(v, ?) ORDER BY i) FROM unnest(?) WITH ORDINALITY AS t(v, i)",
        [CONTROL_CHARACTERS, values],
    ).fetchone()[0]
    got = [load_module.has_control_characters(v.encode()) for v in values]
    assert got == expected
    assert sum(expected) == 3 * (0x20 - 3 + 1 + 0x20)  # C0 less tab/LF/CR, DEL, C1
    clean = "".join(ch for ch, bad in zip(values[::3], expected[::3], strict=True) if not bad)
    assert not load_module.has_control_characters(clean.encode())


def test_report_says_when_cross_file_checks_could_not_run(tmp_path: Path) -> None:
    seeds = copy_valid_seeds(tmp_path / "seeds")
    path = seeds / "funds.csv"
    lines = path.read_text().splitlines(keepends=True)
    lines[1] = lines[1].rstrip("\n") + ",extra\n"  # one field too many: the row is unreadable
    path.write_text("".join(lines))
    with pytest.raises(InputError) as caught:
        load(seeds, tmp_path / "x.duckdb")
    assert any(p.line == 2 and p.rule == "column_count" for p in caught.value.problems)
    assert "use funds.csv did not run" in caught.value.report()
