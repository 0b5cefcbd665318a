"""The LP quarterly report: one PDF per fund, quarter and (optionally) LP.

    build_report(home, "F001", date(2026, 9, 30), lp_id="LP001")   # -> PDF bytes
    write_report(home, "F001", None, "LP001", Path("q3.pdf"))      # latest quarter
    write_batch(home, Path("out/"), date(2026, 9, 30))             # every LP of every fund

The package an institutional LP receives each quarter, laid out after the ILPA
Reporting Template (see the README): a cover; the fund summary (capital, net and gross
performance, PME, the multiples over time and the J-curve); the capital account
statement with quarter, year-to-date and since-inception columns (built by
`fundlens.statement`); the portfolio (exposure by segment, look-through industry,
region and stage, the top 10 holdings, the quarter's investments, follow-ons, exits and
write-offs, stale marks); and notes on methods and on the published version's warnings.

Everything is read from one published version of the warehouse, opened read-only
(`warehouse.duckdb`: the LP's statement needs the private schema), plus the run record
of that version for its warnings. Numbers are formatted by `fundlens.formatting`, as the
app shows them. The PDF is drawn with reportlab and the charts with matplotlib, in the
DejaVu fonts shipped inside matplotlib: nothing is fetched at render time.

This module does no authorization: the CLI is an operator's tool, and the app decides
whose report a signed-in user may download before calling it. Report files are written
readable by their owner only (they hold LP data).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fundlens import statement
from fundlens.errors import FundLensError
from fundlens.report.data import (
    FundQuarter,
    Published,
    published,
    quarter_events,
    read_fund_quarter,
)
from fundlens.report.layout import render

__all__ = [
    "BatchJob",
    "FundQuarter",
    "Published",
    "build_report",
    "default_name",
    "plan_batch",
    "published",
    "quarter_events",
    "read_fund_quarter",
    "render",
    "write_batch",
    "write_private",
    "write_report",
]

FILE_MODE = 0o600  # report files hold LP data: owner only
DIR_MODE = 0o700


def build_report(
    home: str | os.PathLike | None,
    fund_id: str,
    quarter_end: dt.date | None = None,
    lp_id: str | None = None,
    *,
    database: str | os.PathLike | None = None,
) -> bytes:
    """The PDF of `fund_id` at `quarter_end` (None: the latest), for `lp_id` (None: the
    fund's total), from the version published in `home` (or its `database` file)."""
    with published(home, database) as pub:
        fq, stmt = _prepare(pub, fund_id, quarter_end, lp_id)
    return render(fq, stmt)


def _prepare(
    pub: Published, fund_id: str, quarter_end: dt.date | None, lp_id: str | None
) -> tuple[FundQuarter, statement.Statement]:
    """Check the request against the published version and read what the report needs."""
    pub.fund(fund_id)
    quarter = pub.quarter(fund_id, quarter_end)
    if lp_id is not None and lp_id not in set(pub.lps(fund_id, quarter)["lp_id"]):
        raise FundLensError(
            f"LP {lp_id!r} has no capital account in fund {fund_id} at {quarter:%Y-%m-%d}."
        )
    stmt = statement.capital_account_statement(pub.con, fund_id, quarter, lp_id)
    return read_fund_quarter(pub, fund_id, quarter), stmt


def default_name(fund_id: str, quarter_end: dt.date, lp_id: str | None) -> str:
    return f"{fund_id}_{quarter_end:%Y-%m-%d}_{lp_id or 'fund'}.pdf"


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically, readable by the owner only."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_report(
    home: str | os.PathLike | None,
    fund_id: str,
    quarter_end: dt.date | None,
    lp_id: str | None,
    out: Path | None = None,
) -> Path:
    """Write one report (see build_report) to `out` (default: a name in the current
    directory); return the path written."""
    with published(home) as pub:
        fq, stmt = _prepare(pub, fund_id, quarter_end, lp_id)
    quarter = fq.quarter_end
    out = Path(out) if out is not None else Path(default_name(fund_id, quarter, lp_id))
    if out.is_dir():
        out = out / default_name(fund_id, quarter, lp_id)
    if not out.parent.is_dir():
        raise FundLensError(f"The folder {out.parent} does not exist.")
    write_private(out, render(fq, stmt))
    return out


@dataclass(frozen=True)
class BatchJob:
    fund_id: str
    quarter_end: dt.date
    lp_id: str


Progress = Callable[[int, int, BatchJob], None]


def plan_batch(
    pub: Published, quarter_end: dt.date | None, fund_id: str | None = None
) -> list[BatchJob]:
    """One job per LP of each fund (or of `fund_id`) at `quarter_end` (None: each fund's
    latest quarter). A fund that does not report that quarter is left out; an error if
    no fund does."""
    fund_ids = [fund_id] if fund_id else list(pub.funds()["fund_id"])
    if fund_id:
        pub.fund(fund_id)
    jobs: list[BatchJob] = []
    problems = []
    for fid in fund_ids:
        try:
            quarter = pub.quarter(fid, quarter_end)
        except FundLensError as exc:
            problems.append(str(exc))
            continue
        jobs += [BatchJob(fid, quarter, lp) for lp in pub.lps(fid, quarter)["lp_id"]]
    if not jobs:
        raise FundLensError(" ".join(problems) or "No fund has an LP to report to.")
    return jobs


def write_batch(
    home: str | os.PathLike | None,
    out_dir: Path,
    quarter_end: dt.date | None = None,
    fund_id: str | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """The quarterly batch: every LP's report into `out_dir` (created, owner only), one
    file per LP and fund, all from the same published version. Returns the paths."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise FundLensError(f"{out_dir} exists and is not a folder.")
    with published(home) as pub:
        jobs = plan_batch(pub, quarter_end, fund_id)
        out_dir.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        os.chmod(out_dir, DIR_MODE)
        fund_quarters: dict[tuple[str, dt.date], FundQuarter] = {}
        written = []
        for done, job in enumerate(jobs, start=1):
            key = (job.fund_id, job.quarter_end)
            if key not in fund_quarters:
                fund_quarters[key] = read_fund_quarter(pub, *key)
            stmt = statement.capital_account_statement(
                pub.con, job.fund_id, job.quarter_end, job.lp_id
            )
            path = out_dir / default_name(job.fund_id, job.quarter_end, job.lp_id)
            write_private(path, render(fund_quarters[key], stmt))
            written.append(path)
            if progress:
                progress(done, len(jobs), job)
    return written
