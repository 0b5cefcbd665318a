"""Edit one record of a CSV file and leave every other byte as it was.

The corpus corrupts valid input files in one place each and needs to know the
editor line of the place it changed, even when quoted values span lines.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Record:
    line: int  # editor line where the record starts (header = 1)
    text: str  # the record as written, without its line ending
    fields: list[str]


class CsvFile:
    """A CSV file as records that keep their original text until changed."""

    def __init__(self, path: Path):
        self.path = path
        raw = path.read_bytes().decode("utf-8")
        self.bom = raw.startswith("\ufeff")
        raw = raw.removeprefix("\ufeff")
        self.newline = "\r\n" if "\r\n" in raw else "\n"
        self.trailing_newline = raw.endswith("\n")
        physical = raw.split(self.newline)
        if self.trailing_newline:
            physical.pop()
        self.records: list[Record] = []
        start, buffer = 0, []
        for i, piece in enumerate(physical):
            buffer.append(piece)
            text = self.newline.join(buffer)
            if text.count('"') % 2 == 0:
                fields = next(csv.reader(io.StringIO(text, newline="")), [])
                self.records.append(Record(start + 1, text, fields))
                start, buffer = i + 1, []
        if buffer:  # an unterminated quote runs to the end of the file
            self.records.append(Record(start + 1, self.newline.join(buffer), []))

    # -- reading ------------------------------------------------------------------------

    @property
    def header(self) -> list[str]:
        return self.records[0].fields

    @property
    def rows(self) -> list[Record]:
        return [r for r in self.records[1:] if r.text.strip()]

    def dicts(self) -> list[dict[str, str]]:
        return [dict(zip(self.header, r.fields, strict=False)) for r in self.rows]

    def find(self, predicate=lambda row: True) -> int:
        """Index (into `rows`) of the first row for which predicate(dict) holds."""
        for i, row in enumerate(self.dicts()):
            if predicate(row):
                return i
        raise LookupError(f"no matching row in {self.path.name}")

    def line(self, i: int) -> int:
        return self.rows[i].line

    def get(self, i: int, column: str) -> str:
        return self.dicts()[i][column]

    # -- changing -----------------------------------------------------------------------

    @staticmethod
    def format(fields: list[str]) -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(fields)
        return out.getvalue()

    def _renumber(self) -> None:
        line = 1
        for r in self.records:
            r.line = line
            line += r.text.count(self.newline) + 1

    def set(self, i: int, column: str, value: str) -> int:
        """Set one cell of data row i; return the row's editor line."""
        record = self.rows[i]
        fields = list(record.fields)
        fields[self.header.index(column)] = value
        record.fields, record.text = fields, self.format(fields)
        self._renumber()
        return record.line

    def set_raw(self, i: int, text: str) -> int:
        record = self.rows[i]
        record.text = text
        self._renumber()
        return record.line

    def append(self, fields: list[str]) -> int:
        """Append a data row; return its editor line."""
        self.records.append(Record(0, self.format(fields), fields))
        self._renumber()
        return self.records[-1].line

    def drop_column(self, column: str) -> None:
        k = self.header.index(column)
        for r in self.records:
            if r.text.strip():
                r.fields = r.fields[:k] + r.fields[k + 1 :]
                r.text = self.format(r.fields)
        self._renumber()

    def add_column(self, column: str, value: str) -> None:
        for n, r in enumerate(self.records):
            if r.text.strip():
                r.fields = [*r.fields, column if n == 0 else value]
                r.text = self.format(r.fields)
        self._renumber()

    def text(self) -> str:
        body = self.newline.join(r.text for r in self.records)
        if self.trailing_newline:
            body += self.newline
        return ("\ufeff" if self.bom else "") + body

    def save(self, encoding: str = "utf-8") -> None:
        self.path.write_bytes(self.text().encode(encoding))
