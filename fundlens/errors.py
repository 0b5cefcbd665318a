"""User-facing failures: caught once at the CLI / app edge and shown as they are."""

from __future__ import annotations

from dataclasses import dataclass


class FundLensError(Exception):
    """A failure with a message a fund operator can act on (no traceback shown)."""

    exit_code: int = 1  # the command's exit code: bad input, failed audit, refused query


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input files, located as the operator's editor shows it."""

    file: str  # e.g. "funds.csv"
    line: int | None  # header = line 1; None for a problem with the whole file
    column: str | None  # None when no single column is at fault
    rule: str  # short rule name, e.g. "required", "type", "foreign_key"
    value: str | None  # the offending value as written in the file
    message: str  # one sentence saying what is wrong and what is expected

    def location(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column {self.column}"
        return where


class InputError(FundLensError):
    """The input files break the data contract; nothing was published."""

    def __init__(
        self,
        problems: list[Problem],
        *,
        omitted: dict[str, int] | None = None,
        notes: list[str] | None = None,
    ):
        self.problems = problems
        # "<file>: <rule>" (or just "<rule>") -> problems not listed (capped per rule)
        self.omitted = omitted or {}
        self.notes = notes or []  # what the operator should know beyond the problems
        super().__init__(self.report())

    def report(self) -> str:
        total = len(self.problems) + sum(self.omitted.values())
        lines = [f"{total} problem(s) in the input files; nothing was published."]
        for p in self.problems:
            value = "" if p.value is None else f" (value: {p.value!r})"
            lines.append(f"  {p.location()}: [{p.rule}] {p.message}{value}")
        for key, count in sorted(self.omitted.items()):
            file, _, rule = key.rpartition(": ")
            where = f" in {file}" if file else ""
            lines.append(f"  ... and {count} more [{rule}] problem(s){where}")
        lines += [f"Note: {note}" for note in self.notes]
        return "\n".join(lines)
