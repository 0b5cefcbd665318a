"""Load the input CSVs into the `raw` schema of a DuckDB database, validating everything.

One pass per file, at DuckDB's own CSV speed:

1. Python checks the file and what only needs the first line: it is a regular file
   inside the input folder (a symlink only to a file inside it), not empty, UTF-8 (a
   BOM is tolerated; UTF-16 is named as such), comma separated, and its header has
   every required column, no unknown and no duplicate column.
2. A numpy scan of the bytes finds lines and records (quote parity): no line may be
   longer than MAX_LINE_BYTES, and a file with very many records of the wrong width
   is reported from the scan alone (DuckDB is slow at recording millions of rejects).
3. DuckDB reads it once (`read_csv`, every column as text, `store_rejects=true`):
   good rows land in a staging table, rows it cannot read (too few or too many
   fields, an unterminated quote) land in a rejects table with their record number.
   Every record is then accounted for: rows + rejected records = records found by
   the scan, or the file is refused naming the lines DuckDB dropped.
4. The staging table becomes `raw.<name>` with the contract's columns converted to
   their types by strict patterns (a value that does not match is a `type` problem,
   reported as written), a missing optional column as null, and `_line`: the line
   where the row starts, as an editor shows it (header = line 1), from the scan.
5. `fundlens.validate` runs the row-level and cross-file rules as SQL; the rule
   against control characters only on files whose bytes hold one (a byte scan).

Any problem raises `InputError` with all of them (capped per rule and file), and
no database is left behind: there is never a partial success.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

import fundlens
from fundlens import validate
from fundlens.contract import FILES, Column, InputFile
from fundlens.errors import InputError, Problem

MAX_PER_RULE = 20  # problems listed per rule and file; the rest are counted
# Longest line (and longest record, quoted line breaks included) FundLens reads, in
# bytes. DuckDB is told the same limit; longer lines are refused as `line_too_long`
# before DuckDB reads the file (left to itself, DuckDB drops lines over ~32 MB silently).
MAX_LINE_BYTES = 1024 * 1024
# Past this many records with the wrong number of fields, a file is reported from a
# quick scan alone: DuckDB's reader slows to a crawl recording millions of rejects.
MAX_MISSHAPEN = 1000
BOM = "\ufeff"
OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "pipes"}
TYPE_HELP = {
    "integer": "a whole number",
    "decimal": "a number with '.' as decimal point and no thousands separators",
    "date": "a date written YYYY-MM-DD",
}


@dataclass
class _Report:
    """Problems found so far, capped per (file, rule)."""

    cap: int = MAX_PER_RULE
    listed: dict[tuple[str, str], list[Problem]] = field(default_factory=dict)
    totals: dict[tuple[str, str], int] = field(default_factory=dict)
    # Cells whose value could not be read: other rules would only repeat the problem.
    unreadable: set[tuple[str, int | None, str | None]] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.add_found([problem], 1)

    def add_found(self, problems: list[Problem], total: int) -> None:
        if problems and problems[0].rule == "type":
            self.unreadable.update((p.file, p.line, p.column) for p in problems)
        else:
            kept = [p for p in problems if (p.file, p.line, p.column) not in self.unreadable]
            total -= len(problems) - len(kept)
            problems = kept
        if not problems:
            return
        key = (problems[0].file, problems[0].rule)
        kept = self.listed.setdefault(key, [])
        kept.extend(problems[: max(self.cap - len(kept), 0)])
        self.totals[key] = self.totals.get(key, 0) + total

    def forget(self, file: str) -> None:
        """Drop everything found in `file` so far."""
        for key in [k for k in self.listed if k[0] == file]:
            del self.listed[key]
            self.totals.pop(key, None)
        self.unreadable = {u for u in self.unreadable if u[0] != file}
        self.notes = [n for n in self.notes if not n.startswith(f"{file}:")]

    def __bool__(self) -> bool:
        return bool(self.listed)

    def problems(self) -> list[Problem]:
        return [p for ps in self.listed.values() for p in ps]

    def error(self, problems: list[Problem], notes: list[str]) -> InputError:
        order = {spec.filename: i for i, spec in enumerate(FILES.values())}
        problems = sorted(
            problems,
            key=lambda p: (order.get(p.file, len(order)), p.file, p.line or 0, p.column or ""),
        )
        omitted = {
            f"{file}: {rule}": total - len(self.listed[(file, rule)])
            for (file, rule), total in self.totals.items()
            if total > len(self.listed[(file, rule)])
        }
        return InputError(problems, omitted=omitted, notes=notes)


@dataclass
class _Loaded:
    """What loading one file gave."""

    spec: InputFile
    path: Path
    status: str = validate.OK
    rows: int = 0
    header: list[str] = field(default_factory=list)
    data: bytes = b""  # the file's bytes, BOM removed, while it is being loaded
    control_characters: bool = True  # False when its bytes hold none (then not checked)


def load(
    seeds_dir: Path,
    db_path: Path,
    on_file: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Load and validate every input file of the contract into `raw.<name>` at `db_path`.

    Creates (or overwrites) the database. Reference files missing from `seeds_dir`
    are taken from the shipped seeds. Returns {file name: row count}; raises
    `InputError` listing every problem found (and leaves no database) otherwise.
    `on_file(file name, rows read)` hears of each file as it is read, for progress.
    """
    seeds_dir, db_path = Path(seeds_dir), Path(db_path)
    _remove_database(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    report = _Report()
    loaded: dict[str, _Loaded] = {}
    success = False
    # Attach under a fixed name: the default catalog name (the file's stem) could be
    # "raw" and make `raw.<table>` ambiguous.
    con = duckdb.connect()
    # What does not fit in memory spills next to the database (left to itself, an
    # in-memory connection spills into the working directory).
    spill = db_path.with_name(db_path.name + ".tmp")
    try:
        con.execute(f"SET temp_directory = {validate.lit(str(spill))}")
        con.execute(f"ATTACH {validate.lit(str(db_path))} AS fundlens_input")
        con.execute("USE fundlens_input")
        con.execute("CREATE SCHEMA raw")
        for spec in FILES.values():
            loaded[spec.name] = _load_file(con, spec, source_path(spec, seeds_dir), report)
            if on_file:
                on_file(spec.filename, loaded[spec.name].rows)
        status = {name: f.status for name, f in loaded.items()}
        checks = [
            c
            for c in validate.all_checks()
            if c.rule != "control_character" or loaded[c.file].control_characters
        ]
        for found in validate.run_checks(con, status, cap=MAX_PER_RULE, checks=checks):
            report.add_found(found.problems, found.total)
        if report:
            unread = [f.spec.filename for f in loaded.values() if f.status != validate.OK]
            notes = (
                [
                    "checks across files that use "
                    + ", ".join(unread)
                    + " did not run, because rows of it could not be read; "
                    "fix the problems above and refresh again to see whether there are more."
                ]
                if unread
                else []
            )
            notes = report.notes + notes
            raise report.error(_as_written(report.problems(), loaded), notes)
        con.execute("CHECKPOINT")
        success = True
        return {name: f.rows for name, f in loaded.items()}
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
        if not success:
            _remove_database(db_path)


def source_path(spec: InputFile, seeds_dir: Path) -> Path:
    """The file read for `spec`: the operator's, or the shipped one for a reference file."""
    path = seeds_dir / spec.filename
    if spec.reference and not path.exists():
        return Path(fundlens.SEEDS_DIR) / spec.filename
    return path


def _remove_database(db_path: Path) -> None:
    for p in (db_path, db_path.with_name(db_path.name + ".wal")):
        p.unlink(missing_ok=True)


# -- one file ---------------------------------------------------------------------------


def _load_file(
    con: duckdb.DuckDBPyConnection, spec: InputFile, path: Path, report: _Report
) -> _Loaded:
    result = _Loaded(spec, path)
    real = _inside_folder(spec, path, report)
    # Python scans the bytes it read, DuckDB reads the file again: both must see the same
    read_from = None if real is None else _identity(real)
    checked = None if real is None else _check_structure(spec, real, report)
    if checked is None:
        result.status = validate.BROKEN
        _create_empty(con, spec)
        return result
    result.path = real
    result.header, result.data = checked
    result.control_characters = has_control_characters(result.data)
    problem = None
    try:
        _read(con, result, report)
    except duckdb.Error as exc:  # a file DuckDB cannot read at all
        unreadable = f"the file cannot be read as CSV: {str(exc).splitlines()[0]}"
        problem = Problem(spec.filename, None, None, "unreadable", None, unreadable)
    if _identity(real) != read_from:
        report.forget(spec.filename)  # found in bytes other than those scanned
        changed = (
            "the file changed while it was being read (is an export or a sync still "
            "writing it?); refresh again once it is complete"
        )
        problem = Problem(spec.filename, None, None, "changed_while_read", None, changed)
    if problem:
        report.add(problem)
        result.status = validate.BROKEN
        result.rows = 0
        con.execute(f"DROP TABLE IF EXISTS raw.{spec.name}")
        _create_empty(con, spec)
    result.data = b""
    return result


def _identity(path: Path) -> tuple[int, ...] | None:
    """What tells whether a file changed: device, inode, size, modification time and
    change time (which no program can set back, as `cp -p` or `touch -r` do mtime)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def _inside_folder(spec: InputFile, path: Path, report: _Report) -> Path | None:
    """The real path of `path` if it is a regular file inside its folder, else None.

    The input folder is a boundary: a symbolic link is followed only to a file inside
    the same folder (or below it), so that no file elsewhere on the machine is read
    and shown in a report. Directories, pipes and devices are refused too."""
    name = spec.filename

    def refuse(rule: str, message: str) -> None:
        report.add(Problem(name, None, None, rule, None, message))

    if not path.is_symlink() and not path.exists():
        refuse("missing_file", f"{name} is missing from the input directory")
        return None
    folder = path.parent.resolve()
    real = path.resolve()
    if path.is_symlink() and not real.is_relative_to(folder):
        refuse(
            "symlink",
            f"{name} is a symbolic link to a file outside the input directory; "
            "FundLens reads only files inside it: copy the file in instead of linking it",
        )
        return None
    try:
        mode = real.stat().st_mode
    except OSError as exc:
        refuse("missing_file", f"{name} cannot be opened ({exc.strerror})")
        return None
    if not stat.S_ISREG(mode):
        refuse("not_a_file", f"{name} is not a regular file (a directory, pipe or device?)")
        return None
    return real


def _create_empty(con: duckdb.DuckDBPyConnection, spec: InputFile) -> None:
    cols = ", ".join(f"{validate.ident(c.name)} {c.duckdb_type}" for c in spec.columns)
    con.execute(f"CREATE TABLE raw.{spec.name} ({cols}, _line BIGINT)")


def _check_structure(
    spec: InputFile, path: Path, report: _Report
) -> tuple[list[str], bytes] | None:
    """Check what the first line tells; return the header and the file's bytes (without
    a BOM), or None if unreadable."""
    name = spec.filename

    def problem(rule: str, message: str, line: int | None = None, **kw: str | None) -> None:
        report.add(Problem(name, line, kw.get("column"), rule, kw.get("value"), message))

    try:
        data = path.read_bytes()
    except OSError as exc:  # removed or made unreadable since it was found
        problem("unreadable", f"the file cannot be read ({exc.strerror})")
        return None
    if not data:
        problem("empty_file", "the file is empty (0 bytes); it needs at least the header line")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 1].hex().upper()
        problem(
            "encoding",
            f"the file is not UTF-8 (byte 0x{bad} on this line); "
            "save it as UTF-8 (in Excel: 'CSV UTF-8')",
            line,
            value=data[exc.start : exc.end].decode("latin-1"),
        )
        return None
    head = data[:4096]
    if head.count(b"\x00") * 4 > len(head):  # ASCII text as UTF-16: every other byte 0
        problem(
            "encoding",
            "the file is not UTF-8: it looks like UTF-16 (every other byte is 0); "
            "save it as UTF-8 (in Excel: 'CSV UTF-8')",
            1,
        )
        return None
    del text
    data = data.removeprefix(BOM.encode())
    first = data.split(b"\n", 1)[0].decode("utf-8").removesuffix("\r")
    if not first.strip():
        problem("header", "the first line must be the header with the column names", 1)
        return None
    if "\r" in first:
        problem(
            "line_endings",
            "lines end with a bare carriage return; save the file with \\n or \\r\\n line endings",
            1,
        )
        return None
    try:
        names = next(csv.reader([first]))
    except csv.Error as exc:
        problem("header", f"the header line cannot be read as CSV: {exc}", 1, value=first[:200])
        return None
    for delim, label in OTHER_DELIMITERS.items():
        if any(delim in n for n in names):
            problem(
                "delimiter",
                f"the file is separated by {label}; FundLens reads comma-separated files "
                f"with the columns {', '.join(spec.column_names)}",
                1,
                value=first[:200],
            )
            return None
    ok = True
    expected = set(spec.column_names)
    seen: set[str] = set()
    for n in names:
        if n in seen:
            problem("duplicate_column", f"column {n} appears more than once", 1, column=n, value=n)
            ok = False
        seen.add(n)
        if n not in expected:
            near = [c for c in spec.column_names if c == n.strip().lower()]
            hint = f" (did you mean {near[0]}?)" if near else ""
            label = "an empty column name" if not n.strip() else f"unknown column {n!r}"
            problem(
                "extra_column",
                f"{label}{hint}; {name} has the columns {', '.join(spec.column_names)}",
                1,
                column=n or None,
                value=n,
            )
            ok = False
    for c in spec.columns:
        if c.required and c.name not in seen:
            problem(
                "missing_column",
                f"required column {c.name} is missing from the header",
                1,
                column=c.name,
            )
            ok = False
    return (names, data) if ok else None


# Typed columns are read as text and converted here, so that only what the contract
# allows gets through: DuckDB's own casts also take `1_000`, `1e3`, ` 5 `, `2019-3-1`
# and round `2015.5` into an integer column.
_FORMATS = {
    "decimal": r"[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)",
    "integer": r"[+-]?[0-9]{1,15}",
    "date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
}


def _convert(c: Column, q: str) -> str:
    """SQL turning the text column `q` into the contract type; NULL where it is not one."""
    if c.type not in _FORMATS:
        return q
    return (
        f"CASE WHEN regexp_full_match({q}, {validate.lit(_FORMATS[c.type])}) "
        f"THEN TRY_CAST({q} AS {c.duckdb_type}) END"
    )


def _sql_path(path: Path) -> str:
    return validate.lit(str(path))


def _read(con: duckdb.DuckDBPyConnection, result: _Loaded, report: _Report) -> None:
    spec, path, data = result.spec, result.path, result.data
    lines = _Lines(data)
    if _report_long_lines(spec, lines, report) or _report_misshapen(spec, lines, result, report):
        result.status = validate.BROKEN
        _create_empty(con, spec)
        return
    stage, rejects = f"_stage_{spec.name}", f"_rejects_{spec.name}"
    columns = ", ".join(f"{validate.lit(n)}: 'VARCHAR'" for n in result.header)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {stage} AS SELECT * FROM read_csv({_sql_path(path)}, "
        f"header = true, delim = ',', quote = '\"', escape = '\"', auto_detect = false, "
        f"columns = {{{columns}}}, max_line_size = {MAX_LINE_BYTES}, store_rejects = true, "
        f"rejects_table = '{rejects}', rejects_scan = '{rejects}_scan')"
    )
    good = con.execute(f"SELECT count(*) FROM {stage}").fetchall()[0][0]
    rejected_records = (
        con.execute(f"SELECT DISTINCT line FROM {rejects} ORDER BY line").fetchnumpy()["line"]
    ).astype(np.int64)
    starts, blank = lines.records()
    # Every data record is either a row or a rejected record: a record missing from both
    # was dropped without a word, so the file cannot be trusted.
    expected = int((~blank[1:]).sum())
    if not len(rejected_records) and good != expected:
        _report_lost(con, spec, stage, data, lines, expected - good, report)
        result.status = validate.BROKEN
        con.execute(f"DROP TABLE {stage}")
        con.execute(f"DROP TABLE IF EXISTS {rejects}")
        con.execute(f"DROP TABLE IF EXISTS {rejects}_scan")
        _create_empty(con, spec)
        return

    def editor_line(record: int) -> int:
        return int(starts[record - 1]) if 1 <= record <= len(starts) else record

    _report_rejects(con, spec, rejects, editor_line, len(starts), data.endswith(b"\n"), report)
    con.execute(f"DROP TABLE IF EXISTS {rejects}")
    con.execute(f"DROP TABLE IF EXISTS {rejects}_scan")

    # The editor line of each row: records that are not blank, not the header, not rejected.
    keep = ~blank
    keep[0] = False
    if len(rejected_records):
        keep[rejected_records[rejected_records <= len(keep)] - 1] = False
    good_lines = starts[keep]
    # None: one line per record (row n is on line n + 2), or DuckDB and the scan disagree
    # on where records start (then the file has rejected records and is refused anyway).
    one_per_line = good_lines.size and good_lines[-1] == good + 1
    if len(good_lines) != good or one_per_line:
        good_lines = None

    select = []
    for c in spec.columns:
        q = validate.ident(c.name)
        if c.name not in result.header:
            select.append(f"NULL::{c.duckdb_type} AS {q}")
        else:
            select.append(f"{_convert(c, q)} AS {q}")
    if good_lines is None:
        source, line_expr = stage, "rowid + 2"
    else:
        con.register("_good_lines", pd.DataFrame({"_line": good_lines}))
        source, line_expr = f"{stage} POSITIONAL JOIN _good_lines", "_good_lines._line"
    con.execute(
        f"CREATE TABLE raw.{spec.name} AS SELECT {', '.join(select)}, "
        f"CAST({line_expr} AS BIGINT) AS _line FROM {source}"
    )
    if good_lines is not None:
        con.unregister("_good_lines")

    bad_values = 0
    for c in spec.columns:
        if c.type not in _FORMATS or c.name not in result.header:
            continue
        q = validate.ident(c.name)
        rows = con.execute(
            f"SELECT r._line, s.{q}, count(*) OVER () FROM {stage} s "
            f"POSITIONAL JOIN raw.{spec.name} r "
            f"WHERE s.{q} IS NOT NULL AND r.{q} IS NULL ORDER BY r._line LIMIT {report.cap}"
        ).fetchall()
        total = rows[0][2] if rows else 0
        bad_values += total
        report.add_found(
            [
                Problem(spec.filename, line, c.name, "type", v, _type_message(c, v))
                for line, v, _ in rows
            ],
            total,
        )
    con.execute(f"DROP TABLE {stage}")
    result.rows = good
    if len(rejected_records) or bad_values:
        result.status = validate.PARTIAL


_BLOCK = 1 << 24  # bytes scanned at once: no temporary array as large as the file
# validate.CONTROL_CHARACTERS in UTF-8: C0 controls but tab, line feed and carriage
# return, and DEL, are single bytes; C1 controls (U+0080-U+009F) are C2 80 to C2 9F.
_C0_AND_DEL = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_C1 = re.compile(rb"\xc2[\x80-\x9f]")


def has_control_characters(data: bytes) -> bool:
    """Whether the UTF-8 text `data` holds a character of validate.CONTROL_CHARACTERS.

    A file without one skips that rule's SQL (a regular expression over every text
    value: over a second of a large load); the scan costs about 1.5 s per GB."""
    for lo in range(0, len(data), _BLOCK):
        block = data[lo : lo + _BLOCK]
        if len(block.translate(None, _C0_AND_DEL)) != len(block):
            return True
    return b"\xc2" in data and _C1.search(data) is not None


def _find(arr: np.ndarray, byte: int) -> np.ndarray:
    """Positions of `byte` in `arr`, a block at a time."""
    parts = [
        np.flatnonzero(arr[lo : lo + _BLOCK] == byte) + lo for lo in range(0, len(arr), _BLOCK)
    ]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.intp)


class _Lines:
    """The physical lines of a file's bytes (BOM removed), found with numpy: fast and
    small enough for millions of lines."""

    def __init__(self, data: bytes):
        arr = np.frombuffer(data, dtype=np.uint8)
        newlines = _find(arr, ord("\n"))
        self.starts = np.concatenate(([0], newlines + 1))
        self.ends = np.concatenate((newlines, [len(data)]))
        if data.endswith(b"\n"):  # no line after the last line end
            self.starts, self.ends = self.starts[:-1], self.ends[:-1]
        self.quotes = _find(arr, ord('"'))
        self.arr = arr
        lengths = self.ends - self.starts
        self.blank = (lengths == 0) | (
            (lengths == 1) & (arr[np.minimum(self.starts, len(arr) - 1)] == 13)
        )
        self.lengths = lengths

    def records(self) -> tuple[np.ndarray, np.ndarray]:
        """Editor line where each CSV record starts (header first), and whether it is blank.

        Blank lines outside quotes count as (empty) records, as DuckDB counts them.
        With `"` as quote and escape, a line starts a record exactly when the quotes
        before it are even."""
        before = np.searchsorted(self.quotes, self.starts)
        starting = before % 2 == 0
        numbers = np.flatnonzero(starting) + 1
        return numbers.astype(np.int64), self.blank[starting]

    def field_counts(self) -> tuple[np.ndarray, np.ndarray]:
        """(editor line, number of fields) of each record that is not blank, header first.

        Counts the commas outside quotes (by quote parity, as `records` does)."""
        starting = np.searchsorted(self.quotes, self.starts) % 2 == 0
        index = np.flatnonzero(starting & ~self.blank)
        # Commas before each record start (and before the end of the file), counted a
        # block of bytes at a time; a record's commas are the difference of its bounds.
        bounds = np.append(self.starts[starting], len(self.arr))
        before = np.empty(len(bounds), dtype=np.int64)
        seen = 0
        for lo in range(0, len(self.arr), _BLOCK):
            commas = np.flatnonzero(self.arr[lo : lo + _BLOCK] == ord(",")) + lo
            if self.quotes.size:
                commas = commas[np.searchsorted(self.quotes, commas) % 2 == 0]
            first, last = np.searchsorted(bounds, (lo, lo + _BLOCK))
            before[first:last] = seen + np.searchsorted(commas, bounds[first:last])
            seen += commas.size
        before[np.searchsorted(bounds, len(self.arr)) :] = seen
        all_counts = np.diff(before) + 1
        counts = all_counts[np.flatnonzero(~self.blank[starting])]
        return index + 1, counts


def _report_misshapen(spec: InputFile, lines: _Lines, result: _Loaded, report: _Report) -> bool:
    """When very many records have the wrong number of fields, report them from the scan
    (capped, with the count of the rest) and return True: the file is not read further."""
    numbers, counts = lines.field_counts()
    expected = len(result.header)
    bad = np.flatnonzero(counts[1:] != expected) + 1
    if len(bad) <= MAX_MISSHAPEN:
        return False
    report.add_found(
        [
            Problem(
                spec.filename,
                int(numbers[i]),
                None,
                "column_count",
                None,
                f"the line has {int(counts[i])} field(s) but the header has {expected}",
            )
            for i in bad[: report.cap]
        ],
        len(bad),
    )
    report.notes.append(
        f"{spec.filename}: {len(bad):,} records have the wrong number of fields; the file "
        "was not read further (is it the right file, with commas as separators?)"
    )
    return True


def _record_starts(text: str) -> tuple[list[int], list[bool]]:
    """`_Lines.records` of a text, as lists (for tests and small texts)."""
    starts, blank = _Lines(text.encode("utf-8")).records()
    return starts.tolist(), blank.tolist()


def _report_long_lines(spec: InputFile, lines: _Lines, report: _Report) -> bool:
    """Report every physical line longer than MAX_LINE_BYTES; True if there was one."""
    long = np.flatnonzero(lines.lengths > MAX_LINE_BYTES)
    if not long.size:
        return False
    report.add_found(
        [
            Problem(
                spec.filename,
                int(i) + 1,
                None,
                "line_too_long",
                None,
                f"the line is {int(lines.lengths[i]):,} bytes long; FundLens reads lines of "
                f"at most {MAX_LINE_BYTES:,} bytes (1 MiB): is this really a CSV export?",
            )
            for i in long[: report.cap]
        ],
        int(long.size),
    )
    return True


def _report_lost(
    con: duckdb.DuckDBPyConnection,
    spec: InputFile,
    stage: str,
    data: bytes,
    lines: _Lines,
    missing: int,
    report: _Report,
) -> None:
    """Say which records DuckDB neither read nor rejected (it should never happen).

    Compares the first field of each record, as written, with the rows DuckDB read, in
    order; the records that do not match are the lost ones."""
    first = validate.ident(con.execute(f"DESCRIBE {stage}").fetchall()[0][0])
    read = [r[0] for r in con.execute(f"SELECT {first} FROM {stage} ORDER BY rowid").fetchall()]
    before = np.searchsorted(lines.quotes, lines.starts)
    data_records = np.flatnonzero((before % 2 == 0) & ~lines.blank)[1:]  # header dropped
    lost, i = [], 0
    for index in data_records:
        start = int(lines.starts[index])
        chunk = data[start : start + 4096].split(b"\n", 1)[0].rstrip(b"\r")
        value = next(csv.reader([chunk.decode("utf-8", errors="replace")]), [""])[0]
        if i < len(read) and (value or None) == read[i]:
            i += 1
        else:
            lost.append(int(index) + 1)
    message = (
        f"{missing} record(s) of the file were neither read nor reported by the CSV "
        "reader, so the file cannot be loaded safely; check this line (its length, its quotes)"
    )
    report.add_found(
        [Problem(spec.filename, line, None, "unreadable", None, message) for line in lost][
            : report.cap
        ]
        or [Problem(spec.filename, None, None, "unreadable", None, message)],
        max(len(lost), 1),
    )


def _type_message(c: Column, value: str) -> str:
    message = f"{c.name} must be {TYPE_HELP[c.type]}"
    if value != value.strip():
        message += " (it has spaces around it)"
    elif c.type == "date" and re.fullmatch(_FORMATS["date"], value):
        message += " (this date does not exist)"
    return message


_STRUCTURAL = {
    "MISSING COLUMNS": "column_count",
    "TOO MANY COLUMNS": "column_count",
    "UNQUOTED VALUE": "quote",
    "LINE SIZE OVER MAXIMUM": "line_too_long",
    "INVALID ENCODING": "encoding",
    "INVALID STATE": "malformed",
}


def _report_rejects(
    con: duckdb.DuckDBPyConnection,
    spec: InputFile,
    rejects: str,
    editor_line: Callable[[int], int],
    n_records: int,
    ends_with_newline: bool,
    report: _Report,
) -> None:
    """Turn DuckDB's rejected records into problems, one per broken record.

    Every column is read as text, so what DuckDB rejects is the shape of a line: each
    record is reported once, by its first structural error. Only the first few of each
    kind are fetched (a file of a million broken lines gives a short report)."""
    structural = ", ".join(validate.lit(k) for k in _STRUCTURAL)
    rows = con.execute(
        f"""
        WITH firsts AS (
            SELECT line, error_type::VARCHAR AS kind, error_message AS message
            FROM {rejects}
            QUALIFY row_number() OVER (
                PARTITION BY line
                ORDER BY (error_type::VARCHAR IN ({structural})) DESC, column_idx
            ) = 1
        ),
        kinds AS (
            SELECT *, row_number() OVER (PARTITION BY kind ORDER BY line) AS nth,
                count(*) OVER (PARTITION BY kind) AS total
            FROM firsts
        )
        SELECT line, kind, message, total FROM kinds
        WHERE nth <= {report.cap} OR line = {int(n_records)}
        ORDER BY line
        """
    ).fetchall()
    groups: dict[str, list[Problem]] = {}
    totals: dict[str, int] = {}
    for record, kind, message, total in rows:
        last = record == n_records
        if last and (kind == "UNQUOTED VALUE" or not ends_with_newline):
            rule = "truncated"
            text = "the last line is incomplete (the file seems cut off): " + _reject_text(
                kind, message
            )
            total = 1
            key = rule
        else:
            rule = _STRUCTURAL.get(kind, "malformed")
            text = _reject_text(kind, message)
            key = kind
        problem = Problem(spec.filename, editor_line(record), None, rule, None, text)
        groups.setdefault(key, []).append(problem)
        totals[key] = total
    for key, problems in groups.items():
        report.add_found(problems, totals[key])


def _reject_text(kind: str, message: str) -> str:
    if kind == "UNQUOTED VALUE":
        return "a quoted value is not closed (or text follows a closing quote)"
    if kind in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        m = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
        if m:
            expected, found = m.groups()
            if kind == "TOO MANY COLUMNS":
                return (
                    f"the line has {found} fields but the header has {expected} "
                    "(an unquoted comma in a value?)"
                )
            return f"the line has too few fields: the header has {expected}"
    if kind == "LINE SIZE OVER MAXIMUM":
        return (
            f"the record is too long: over {MAX_LINE_BYTES:,} bytes (1 MiB), quoted line "
            "breaks included (a quote that is never closed?)"
        )
    return message


# -- the values as written ------------------------------------------------------------


_NOT_CELL_VALUE = {"shares_sum", "primary_key"}  # value is not the text of one cell


def _as_written(problems: list[Problem], loaded: dict[str, _Loaded]) -> list[Problem]:
    """Replace the values of cell problems by the text as written in the file.

    Only runs on the error path: one csv pass over each file that has cell problems.
    Also adds a hint to accepted-value problems that differ only in case.
    """
    by_file: dict[str, list[Problem]] = {}
    for p in problems:
        by_file.setdefault(p.file, []).append(p)
    out: list[Problem] = []
    specs = {spec.filename: spec for spec in FILES.values()}
    for filename, ps in by_file.items():
        spec = specs.get(filename)
        f = loaded.get(spec.name) if spec else None
        wanted = {
            p.line
            for p in ps
            if p.line is not None and p.column and f and p.column in f.header and p.line > 1
        }
        cells = _cells(f.path, f.header, wanted) if f and wanted else {}
        for p in ps:
            value = p.value
            if p.column and p.rule not in _NOT_CELL_VALUE:
                value = cells.get(p.line, {}).get(p.column, p.value)
            if p.rule in ("required", "currency_required"):
                value = None
            message = p.message
            if p.rule == "accepted_values" and spec and value is not None:
                accepted = spec.column(p.column).accepted or ()
                near = [a for a in accepted if a.lower() == value.strip().lower()]
                if near:
                    message += f"; did you mean {near[0]!r}?"
            out.append(
                Problem(p.file, p.line, p.column, p.rule, value, message)
                if (value, message) != (p.value, p.message)
                else p
            )
    return out


def _cells(path: Path, header: list[str], lines: Iterable[int]) -> dict[int, dict[str, str]]:
    """{line: {column: text}} of the records starting on `lines`."""
    wanted = set(lines)
    found: dict[int, dict[str, str]] = {}
    text = path.read_bytes().decode("utf-8", errors="replace").removeprefix(BOM)
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for row in reader:
            if start in wanted:
                found[start] = dict(zip(header, row, strict=False))
                if len(found) == len(wanted):
                    break
            start = reader.line_num + 1
    except csv.Error:
        pass
    return found
