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
import functools
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import duckdb
import pandas as pd
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    CondPageBreak,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from fundlens import charts, statement
from fundlens import formatting as fmt
from fundlens.errors import FundLensError
from fundlens.home import resolve_home, warehouse_path

FILE_MODE = 0o600  # report files hold LP data: owner only
DIR_MODE = 0o700

# --- reading one published version ---------------------------------------------


class Published:
    """One published version of the warehouse, opened read-only for as long as needed."""

    def __init__(
        self, home: str | os.PathLike | None = None, database: str | os.PathLike | None = None
    ):
        """`database`: one version's warehouse file (as the app pinned it); default: the
        version published in `home` now."""
        self.home = resolve_home(home)
        try:
            # One read of the links: the file and its version (versions/<id>/) agree.
            path = Path(database or warehouse_path(self.home)).resolve(strict=True)
        except (FileNotFoundError, RuntimeError):
            raise FundLensError(
                f"Nothing is published in {self.home}; run `fundlens refresh` first."
            ) from None
        self.version = path.parent.name
        self.con = duckdb.connect(str(path), read_only=True)
        self.con.execute("set python_enable_replacements = false")

    def close(self) -> None:
        self.con.close()

    def df(self, sql: str, *params: object) -> pd.DataFrame:
        return self.con.execute(sql, list(params)).df()

    def built_at(self) -> str | None:
        try:
            df = self.df("select built_at from meta.build_info limit 1")
        except duckdb.CatalogException:
            return None
        return None if df.empty else str(df.iloc[0, 0])

    def funds(self) -> pd.DataFrame:
        return self.df(
            """
            select fund_id, fund_name, vintage_year, currency, committed_capital,
                   benchmark_index_code
            from marts.dim_funds
            order by fund_id
            """
        )

    def fund(self, fund_id: str) -> dict:
        funds = self.funds()
        hit = funds[funds["fund_id"] == fund_id]
        if hit.empty:
            known = ", ".join(funds["fund_id"]) or "none"
            raise FundLensError(
                f"No fund {fund_id!r} in the published warehouse (version {self.version}); "
                f"funds: {known}."
            )
        return hit.iloc[0].to_dict()

    def quarters(self, fund_id: str) -> list[dt.date]:
        """The fund's reported quarter ends (fund_performance), newest first."""
        df = self.df(
            "select quarter_end from marts.fund_performance where fund_id = ? "
            "order by quarter_end desc",
            fund_id,
        )
        return [_day(q) for q in df["quarter_end"]]

    def quarter(self, fund_id: str, quarter_end: dt.date | None) -> dt.date:
        """`quarter_end` if the fund reports it, the latest quarter if None; else an error."""
        quarters = self.quarters(fund_id)
        if not quarters:
            raise FundLensError(f"Fund {fund_id} has no reported quarter yet.")
        if quarter_end is None:
            return quarters[0]
        if quarter_end not in quarters:
            if pd.Timestamp(quarter_end) != pd.Timestamp(quarter_end) + pd.offsets.QuarterEnd(0):
                why = "is not a calendar quarter end (31 Mar, 30 Jun, 30 Sep or 31 Dec)"
            else:
                why = "is not a reported quarter of this fund"
            shown = ", ".join(f"{q:%Y-%m-%d}" for q in quarters[:8])
            more = f" (and {len(quarters) - 8} earlier)" if len(quarters) > 8 else ""
            raise FundLensError(
                f"Quarter {quarter_end:%Y-%m-%d} {why}; fund {fund_id} reports {shown}{more}."
            )
        return quarter_end

    def lps(self, fund_id: str, quarter_end: dt.date) -> pd.DataFrame:
        """The LPs with a capital account in the fund at the quarter end (lp_id, lp_name)."""
        return self.df(
            """
            select lp_id, lp_name
            from private.lp_capital_accounts
            where fund_id = ? and quarter_end = ?
            order by lp_id
            """,
            fund_id,
            quarter_end,
        )

    def lp_names(self) -> dict[str, str]:
        df = self.df("select distinct lp_id, lp_name from private.lp_capital_accounts")
        return dict(zip(df["lp_id"], df["lp_name"], strict=True))

    def run_record(self) -> dict:
        """The run record of this version (for its warnings); {} if unreadable."""
        path = self.home / "runs" / f"{self.version}.json"
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return record if isinstance(record, dict) else {}


@contextmanager
def published(
    home: str | os.PathLike | None = None, database: str | os.PathLike | None = None
) -> Iterator[Published]:
    pub = Published(home, database)
    try:
        yield pub
    finally:
        pub.close()


def _day(value: object) -> dt.date:
    return pd.Timestamp(value).date()


# --- what the report shows of the fund (the same for every LP) ---------------------

EXPOSURES = (
    # (title, mart, label column)
    ("Segment", "exposure_by_segment", "segment_name"),
    ("Industry (look-through)", "exposure_by_industry", "industry_name"),
    ("Region", "exposure_by_geography", "region"),
    ("Stage", "exposure_by_stage", "stage"),
)
STAGE_ORDER = {"seed": 1, "early": 2, "growth": 3}
VALUATION_METHODS = {
    "last_round": "Last round",
    "comparables": "Comparables",
    "dcf": "DCF",
    "exit_price": "Exit price",
    "write_down": "Write-down",
    "write_off": "Write-off",
}


@dataclass
class FundQuarter:
    """Everything fund-level in a report: read once, shared by every LP's report."""

    version: str
    built_at: str | None
    fund: dict
    quarter_end: dt.date
    previous_quarter: dt.date | None
    history: pd.DataFrame  # fund_performance, oldest first, up to the quarter end
    exposures: dict[str, pd.DataFrame]  # title -> label, company_count, fair_value, nav_share
    positions: pd.DataFrame  # every position at the quarter end, with company names
    events: pd.DataFrame  # the quarter's investments, follow-ons, exits and write-offs
    warnings: list[str]  # of the published version, about this fund
    charts: dict[str, bytes] = field(default_factory=dict)

    @property
    def currency(self) -> str:
        return str(self.fund["currency"])

    @property
    def row(self) -> pd.Series:
        """The fund_performance row of the quarter."""
        return self.history.iloc[-1]


def read_fund_quarter(pub: Published, fund_id: str, quarter_end: dt.date) -> FundQuarter:
    fund = pub.fund(fund_id)
    history = pub.df(
        """
        select quarter_end, committed_capital, paid_in_capital, distributed_capital,
               net_asset_value, nav_source, unfunded_commitment, dpi, rvpi, tvpi,
               net_irr, ks_pme, direct_alpha, gross_cost, gross_total_value,
               gross_moic, gross_irr
        from marts.fund_performance
        where fund_id = ? and quarter_end <= ?
        order by quarter_end
        """,
        fund_id,
        quarter_end,
    )
    earlier = [_day(q) for q in history["quarter_end"] if _day(q) < quarter_end]
    previous = earlier[-1] if earlier else None
    exposures = {}
    for title, mart, label in EXPOSURES:
        df = pub.df(
            f"""
            select {label} as label, company_count, fair_value, nav_share
            from marts.{mart}
            where fund_id = ? and quarter_end = ?
            order by fair_value desc, label
            """,
            fund_id,
            quarter_end,
        )
        if mart == "exposure_by_stage":
            df = df.sort_values("label", key=lambda s: s.map(STAGE_ORDER).fillna(9))
        if mart in ("exposure_by_geography", "exposure_by_stage"):
            df["label"] = df["label"].map(fmt.humanize)
        exposures[title] = df.reset_index(drop=True)
    positions = pub.df(
        """
        select p.quarter_end, p.company_id, c.company_name, c.segment_name, c.region,
               p.stage, p.cost, p.proceeds, p.fair_value, p.total_value, p.gross_moic,
               p.is_active, p.is_mark_stale, p.mark_date, p.valuation_method,
               p.first_investment_date, p.last_full_exit_date
        from marts.fct_positions_quarterly as p
        inner join marts.dim_companies as c on p.company_id = c.company_id
        where p.fund_id = ? and p.quarter_end in (?, ?)
        order by p.fair_value desc, c.company_name
        """,
        fund_id,
        quarter_end,
        previous or quarter_end,
    )
    positions["quarter_end"] = positions["quarter_end"].map(_day)
    now = positions[positions["quarter_end"] == quarter_end].reset_index(drop=True)
    before = positions[positions["quarter_end"] == previous].reset_index(drop=True)
    fq = FundQuarter(
        version=pub.version,
        built_at=pub.built_at(),
        fund=fund,
        quarter_end=quarter_end,
        previous_quarter=previous,
        history=history,
        exposures=exposures,
        positions=now,
        events=quarter_events(now, before, previous, quarter_end),
        warnings=[],
    )
    fq.warnings = version_warnings(pub.run_record(), fq)
    fq.charts = {
        "multiples": charts.multiples_over_time(history),
        "j_curve": charts.j_curve(history, fq.currency),
        "exposure": charts.exposure_panels(list(exposures.items()), keep_order=("Stage",)),
    }
    return fq


def quarter_events(
    now: pd.DataFrame, before: pd.DataFrame, previous: dt.date | None, quarter_end: dt.date
) -> pd.DataFrame:
    """The quarter's new investments, follow-ons, exits, partial realizations and
    write-offs, from the positions at the previous and at this quarter end.

    Amounts are in fund currency: the cost added (investments), the proceeds received
    (realizations), the fair value before the write-off.
    """
    prior = before.set_index("company_id")
    start = pd.Timestamp(previous) if previous else pd.Timestamp.min
    end = pd.Timestamp(quarter_end)

    def within(day: object) -> bool:
        return not fmt.is_missing(day) and start < pd.Timestamp(day) <= end

    rows = []
    for _, p in now.iterrows():
        had = prior.loc[p["company_id"]] if p["company_id"] in prior.index else None
        cost_before = 0.0 if had is None else float(had["cost"])
        proceeds_before = 0.0 if had is None else float(had["proceeds"])
        value_before = 0.0 if had is None else float(had["fair_value"])
        base = {"company_name": p["company_name"], "segment_name": p["segment_name"]}
        invested = float(p["cost"]) - cost_before
        if invested > 0.005:
            kind = "New investment" if within(p["first_investment_date"]) else "Follow-on"
            rows.append({**base, "event": kind, "amount": invested, "detail": p["stage"]})
        received = float(p["proceeds"]) - proceeds_before
        if received > 0.005:
            full = within(p["last_full_exit_date"])
            rows.append(
                {
                    **base,
                    "event": "Exit" if full else "Partial realization",
                    "amount": received,
                    "detail": f"gross MOIC {fmt.multiple(p['gross_moic'])}",
                }
            )
        if p["valuation_method"] == "write_off" and within(p["mark_date"]) and value_before > 0:
            rows.append(
                {**base, "event": "Write-off", "amount": value_before, "detail": "fair value 0"}
            )
    order = {"New investment": 1, "Follow-on": 2, "Exit": 3, "Partial realization": 4}
    events = pd.DataFrame(
        rows, columns=["event", "company_name", "segment_name", "amount", "detail"]
    )
    return events.sort_values(
        ["event", "amount"], key=lambda s: s.map(order).fillna(5) if s.name == "event" else -s
    ).reset_index(drop=True)


def version_warnings(record: dict, fq: FundQuarter) -> list[str]:
    """What a careful reader should know about this fund's figures in this version: the
    NAV source, stale marks, and the warnings the refresh recorded for this fund."""
    out = []
    row = fq.row
    if row["nav_source"] == "rolled_forward":
        out.append(
            f"No NAV was reported for {fq.quarter_end:%d %b %Y}: the NAV is the latest "
            "reported NAV rolled forward by the capital calls and distributions since."
        )
    elif row["nav_source"] == "portfolio_fair_value":
        out.append(
            "No NAV was ever reported for this fund: the NAV is the sum of the holdings' "
            "fair values."
        )
    stale = fq.positions[fq.positions["is_active"] & fq.positions["is_mark_stale"]]
    if len(stale):
        out.append(
            f"{len(stale)} holding(s) carry a mark older than the quarter end "
            "(listed under Stale marks)."
        )
    for w in record.get("data_warnings") or []:
        if not isinstance(w, dict):
            continue
        examples = [e for e in w.get("examples") or [] if isinstance(e, dict)]
        funds = {str(e["fund_id"]) for e in examples if "fund_id" in e}
        if funds and fq.fund["fund_id"] not in funds:
            continue  # about other funds only
        out.append(f"{w.get('message', w.get('check', 'warning'))} ({w.get('count', '?')} row(s))")
    out += [str(w) for w in record.get("warnings") or []]
    return out


# --- layout --------------------------------------------------------------------------

FONT, BOLD, ITALIC = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"
INK = colors.HexColor("#1F2933")
MUTED = colors.HexColor("#5F6B76")
RULE = colors.HexColor("#C9D1D9")
BAND = colors.HexColor("#F3F5F7")
ACCENT = colors.HexColor("#0B4F8A")
PAGE_W, PAGE_H = A4
MARGIN = 18 * mm
WIDTH = PAGE_W - 2 * MARGIN


@functools.cache
def _register_fonts() -> None:
    """Embed DejaVu (shipped inside matplotlib): every currency symbol and most scripts."""
    for name, file in (
        (FONT, "DejaVuSans.ttf"),
        (BOLD, "DejaVuSans-Bold.ttf"),
        (ITALIC, "DejaVuSans-Oblique.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(charts.font_path(file))))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC)


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    _register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=8.5, leading=11.5, textColor=INK)
    return {
        "body": body,
        "small": ParagraphStyle("small", body, fontSize=7.5, leading=10, textColor=MUTED),
        "cell": ParagraphStyle("cell", body, fontSize=7.5, leading=9.5),
        "cell_r": ParagraphStyle("cell_r", body, fontSize=7.5, leading=9.5, alignment=TA_RIGHT),
        "h1": ParagraphStyle(
            "h1", body, fontName=BOLD, fontSize=15, leading=19, spaceAfter=6, textColor=ACCENT
        ),
        "h2": ParagraphStyle(
            "h2", body, fontName=BOLD, fontSize=10.5, leading=14, spaceBefore=8, spaceAfter=4
        ),
        "title": ParagraphStyle(
            "title", body, fontName=BOLD, fontSize=24, leading=30, textColor=ACCENT
        ),
        "subtitle": ParagraphStyle("subtitle", body, fontSize=13, leading=18),
        "confidential": ParagraphStyle(
            "confidential", body, fontName=BOLD, fontSize=10, leading=14, textColor=INK
        ),
        "bullet": ParagraphStyle("bullet", body, leftIndent=10, bulletIndent=0, spaceAfter=2),
    }


def _p(text: str, style: str = "body") -> Paragraph:
    """A paragraph of plain text (user data included): never read as markup."""
    return Paragraph(escape(text), _styles()[style])


def _pm(markup: str, style: str = "body") -> Paragraph:
    """A paragraph of our own markup; every user value in it must pass through escape()."""
    return Paragraph(markup, _styles()[style])


def _table(
    rows: list[list],
    widths: list[float],
    *,
    numeric: tuple[int, ...] | None = None,
    header_rows: int = 1,
    bold_rows: tuple[int, ...] = (),
    muted_rows: tuple[int, ...] = (),
) -> Table:
    """A table in the report's style: header row, numbers right-aligned, light bands.

    `numeric`: the columns aligned right (default: all but the first)."""
    table = Table(rows, colWidths=widths, repeatRows=header_rows, hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, -1), FONT, 7.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("LINEBELOW", (0, -1), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
    ]
    if header_rows:
        style += [
            ("FONT", (0, 0), (-1, header_rows - 1), BOLD, 7.5),
            ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.8, INK),
        ]
    for col in range(1, len(widths)) if numeric is None else numeric:
        style.append(("ALIGN", (col, 0), (col, -1), "RIGHT"))
    for i in range(header_rows, len(rows)):
        if (i - header_rows) % 2 == 1:
            style.append(("BACKGROUND", (0, i), (-1, i), BAND))
    for i in bold_rows:
        style.append(("FONT", (0, i), (-1, i), BOLD, 7.5))
    for i in muted_rows:
        style.append(("TEXTCOLOR", (0, i), (-1, i), MUTED))
    table.setStyle(TableStyle(style))
    return table


def _image(png: bytes, width: float) -> Image:
    img = Image(io.BytesIO(png))
    img.drawHeight = width * img.imageHeight / img.imageWidth
    img.drawWidth = width
    return img


@dataclass(frozen=True)
class _Page:
    """What the running header and footer say."""

    fund_name: str
    quarter: str
    prepared_for: str | None
    version: str
    generated: str

    def draw(self, canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.setFillColor(MUTED)
        top = PAGE_H - 11 * mm
        if doc.page > 1:
            canvas.drawString(MARGIN, top, f"{self.fund_name} · {self.quarter}")
            if self.prepared_for:
                canvas.drawRightString(
                    PAGE_W - MARGIN, top, f"Confidential: prepared for {self.prepared_for}"
                )
            canvas.setStrokeColor(RULE)
            canvas.line(MARGIN, top - 2 * mm, PAGE_W - MARGIN, top - 2 * mm)
        bottom = 10 * mm
        canvas.drawString(
            MARGIN, bottom, f"FundLens · data version {self.version} · generated {self.generated}"
        )
        canvas.drawRightString(PAGE_W - MARGIN, bottom, f"Page {doc.page}")
        canvas.restoreState()


def _money(value: object, ccy: str) -> str:
    return fmt.money(value, ccy, compact=False)


def render(
    fq: FundQuarter, stmt: statement.Statement, *, generated: dt.datetime | None = None
) -> bytes:
    """The PDF of the report: `fq` for the fund, `stmt` for the capital account."""
    generated = generated or dt.datetime.now(dt.UTC)
    for_lp = stmt.lp_id is not None
    quarter = fmt.quarter_label(fq.quarter_end)
    page = _Page(
        fund_name=str(fq.fund["fund_name"]),
        quarter=quarter,
        prepared_for=stmt.lp_name if for_lp else None,
        version=fq.version,
        generated=f"{generated:%d %b %Y %H:%M} UTC",
    )
    story = (
        _cover(fq, stmt, page)
        + _summary(fq)
        + _capital_account(fq, stmt)
        + _portfolio(fq)
        + _notes(fq, stmt)
    )
    buf = io.BytesIO()
    title = f"{page.fund_name}: quarterly report, {quarter}"
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author="FundLens",
        subject=f"Prepared for {stmt.lp_name}" if for_lp else "Fund-level report",
        creator="FundLens",
    )
    doc.build(story, onFirstPage=page.draw, onLaterPages=page.draw)
    return buf.getvalue()


def _cover(fq: FundQuarter, stmt: statement.Statement, page: _Page) -> list:
    ccy = fq.currency
    row = fq.row
    built = fq.built_at or "unknown"
    prepared = (
        f"Confidential: prepared for {stmt.lp_name}"
        if stmt.lp_id is not None
        else "Fund-level report: the capital account of all LPs together"
    )
    facts = [
        ["Fund", str(fq.fund["fund_name"])],
        ["Quarter", page.quarter],
        ["Vintage", str(fq.fund["vintage_year"])],
        ["Reporting currency", ccy],
        ["Data version", f"{fq.version} (built {built})"],
        ["Generated", page.generated],
    ]
    glance = [
        ["As at " + f"{fq.quarter_end:%d %b %Y}", ""],
        ["Net asset value", fmt.money(row["net_asset_value"], ccy)],
        ["Paid-in capital", fmt.money(row["paid_in_capital"], ccy)],
        ["TVPI", fmt.multiple(row["tvpi"])],
        ["Net IRR", fmt.pct(row["net_irr"])],
    ]
    counts = fq.events["event"].value_counts() if not fq.events.empty else pd.Series(dtype=int)
    activity = ", ".join(f"{n} {kind.lower()}(s)" for kind, n in counts.items()) or "none"
    return [
        Spacer(1, 30 * mm),
        _p("Quarterly report to limited partners", "subtitle"),
        Spacer(1, 4 * mm),
        _p(str(fq.fund["fund_name"]), "title"),
        Spacer(1, 2 * mm),
        _p(page.quarter, "subtitle"),
        Spacer(1, 10 * mm),
        _p(prepared, "confidential"),
        Spacer(1, 8 * mm),
        _table(facts, [45 * mm, WIDTH - 45 * mm], numeric=(), header_rows=0),
        Spacer(1, 8 * mm),
        _table(glance, [45 * mm, 40 * mm], bold_rows=(0,)),
        Spacer(1, 6 * mm),
        _p(f"Portfolio activity this quarter: {activity}.", "body"),
        Spacer(1, 8 * mm),
        _p("Contents", "h2"),
        *[
            _p(f"{i}. {name}", "body")
            for i, name in enumerate(
                ("Fund summary", "Capital account statement", "Portfolio", "Notes"), start=1
            )
        ],
        PageBreak(),
    ]


def _summary(fq: FundQuarter) -> list:
    ccy, row, as_at = fq.currency, fq.row, f"{fq.quarter_end:%d %b %Y}"
    bench = fq.fund["benchmark_index_code"]
    bench = None if fmt.is_missing(bench) else str(bench)
    vs = f"vs {bench}" if bench else "no benchmark"
    capital = [
        [f"Capital ({ccy}), as at {as_at}", ""],
        ["Committed", fmt.money(row["committed_capital"], ccy)],
        ["Paid-in", fmt.money(row["paid_in_capital"], ccy)],
        ["Distributed", fmt.money(row["distributed_capital"], ccy)],
        ["Net asset value", fmt.money(row["net_asset_value"], ccy)],
        ["Unfunded commitment", fmt.money(row["unfunded_commitment"], ccy)],
        ["NAV source", fmt.humanize(row["nav_source"])],
    ]
    performance = [
        [f"Performance since inception, as at {as_at}", ""],
        ["Net IRR", fmt.pct(row["net_irr"])],
        ["TVPI", fmt.multiple(row["tvpi"])],
        ["DPI", fmt.multiple(row["dpi"])],
        ["RVPI", fmt.multiple(row["rvpi"])],
        ["Gross IRR", fmt.pct(row["gross_irr"])],
        ["Gross MOIC", fmt.multiple(row["gross_moic"])],
        [f"KS-PME ({vs})", fmt.number(row["ks_pme"], 2)],
        [f"Direct Alpha ({vs})", fmt.pct(row["direct_alpha"])],
    ]
    half = (WIDTH - 6 * mm) / 2
    side_by_side = Table(
        [
            [
                _table(capital, [half * 0.6, half * 0.4]),
                _table(performance, [half * 0.6, half * 0.4]),
            ]
        ],
        colWidths=[half + 6 * mm, half],
        hAlign="LEFT",
    )
    side_by_side.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    chart_row = Table(
        [[_image(fq.charts["multiples"], half), _image(fq.charts["j_curve"], half)]],
        colWidths=[half + 6 * mm, half],
        hAlign="LEFT",
    )
    chart_row.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    first = _day(fq.history["quarter_end"].iloc[0])
    return [
        _p("1. Fund summary", "h1"),
        side_by_side,
        Spacer(1, 5 * mm),
        _p(f"Since inception, quarterly ({first:%b %Y} to {fq.quarter_end:%b %Y})", "h2"),
        chart_row,
        _p(
            "J-curve: the cumulative net cash flow to LPs (distributions minus paid-in "
            "capital) and the same plus the NAV at each quarter end. Net figures are LP to "
            "fund, after fees and expenses; gross figures are fund to companies.",
            "small",
        ),
        CondPageBreak(50 * mm),
        _p(f"The last quarters ({ccy})", "h2"),
        _history_table(fq),
        PageBreak(),
    ]


def _history_table(fq: FundQuarter, quarters: int = 8) -> Table:
    ccy = fq.currency
    recent = fq.history.iloc[::-1].head(quarters)
    rows = [["Quarter", "Paid-in", "Distributed", "NAV", "DPI", "TVPI", "Net IRR", "Gross IRR"]]
    rows += [
        [
            fmt.quarter_label(r["quarter_end"]),
            fmt.money(r["paid_in_capital"], ccy),
            fmt.money(r["distributed_capital"], ccy),
            fmt.money(r["net_asset_value"], ccy),
            fmt.multiple(r["dpi"]),
            fmt.multiple(r["tvpi"]),
            fmt.pct(r["net_irr"]),
            fmt.pct(r["gross_irr"]),
        ]
        for _, r in recent.iterrows()
    ]
    w = WIDTH
    return _table(rows, [w * 0.23] + [w * 0.11] * 7)


def _capital_account(fq: FundQuarter, stmt: statement.Statement) -> list:
    ccy = stmt.currency
    q = fq.quarter_end
    whose = stmt.lp_name if stmt.lp_id is not None else "All LPs (the fund's total)"
    header = [
        f"Amounts in {ccy}",
        f"Quarter (QTD)\nto {q:%d %b %Y}",
        f"Year to date (YTD)\n1 Jan-{q:%d %b %Y}",
        f"Since inception (ITD)\nto {q:%d %b %Y}",
    ]
    cells = stmt.display().values.tolist()
    sections = list(stmt.table["section"])
    rows: list[list] = [header]
    bold, muted = [], []
    current = None
    for section, line in zip(sections, cells, strict=True):
        if section != current:
            rows.append([section, "", "", ""])
            bold.append(len(rows) - 1)
            current = section
        rows.append(["   " + line[0], *line[1:]])
        if line[0] in ("Beginning NAV", "Total contributions", "Total distributions"):
            bold.append(len(rows) - 1)
        if line[0] == "Ending NAV":
            bold.append(len(rows) - 1)
        if section == "Not reported":
            muted.append(len(rows) - 1)
    table = _table(
        rows,
        [WIDTH * 0.40, WIDTH * 0.20, WIDTH * 0.20, WIDTH * 0.20],
        bold_rows=tuple(bold),
        muted_rows=tuple(muted),
    )
    return [
        _p("2. Capital account statement", "h1"),
        _pm(
            f"<b>{escape(whose)}</b> in {escape(str(fq.fund['fund_name']))}, "
            f"for the quarter ending {q:%d %b %Y}. Contributions add to NAV; distributions "
            "(negative) take from it; the net change in value is the balancing figure.",
        ),
        Spacer(1, 3 * mm),
        table,
        Spacer(1, 3 * mm),
        _p(
            "Lines marked 'not reported' are in the ILPA Reporting Template but not in the "
            "data FundLens holds; they are left blank rather than shown as zero (see Notes).",
            "small",
        ),
        PageBreak(),
    ]


def _portfolio(fq: FundQuarter) -> list:
    ccy, q = fq.currency, fq.quarter_end
    active = fq.positions[fq.positions["is_active"]]
    nav = fq.row["net_asset_value"]
    story: list = [
        _p("3. Portfolio", "h1"),
        _p(
            f"{len(active)} active holding(s) at {q:%d %b %Y}, fair value "
            f"{fmt.money(active['fair_value'].sum(), ccy)}. Shares below are of the "
            "portfolio's fair value; industry exposure looks through each company's revenue "
            "by end market.",
        ),
        Spacer(1, 2 * mm),
        _image(fq.charts["exposure"], WIDTH),
    ]
    # The four breakdowns as tables, two by two.
    half = (WIDTH - 6 * mm) / 2
    small_tables = []
    for title, df in fq.exposures.items():
        rows = [[title, "Cos.", "Fair value", "Share"]]
        rows += [
            [
                _p(str(r["label"]), "cell"),
                fmt.number(r["company_count"]),
                _money(r["fair_value"], ccy),
                fmt.pct(r["nav_share"]),
            ]
            for _, r in df.iterrows()
        ]
        if len(rows) == 1:
            rows.append(["No holdings", "", "", ""])
        small_tables.append(_table(rows, [half * 0.44, half * 0.11, half * 0.28, half * 0.17]))
    grid = Table(
        [small_tables[0:2], small_tables[2:4]], colWidths=[half + 6 * mm, half], hAlign="LEFT"
    )
    grid.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    story += [
        PageBreak(),
        _p(f"Exposure at {q:%d %b %Y} (fair value in {ccy}; Cos.: companies)", "h2"),
        grid,
    ]

    # Top 10 holdings.
    top = active.sort_values(["fair_value", "company_name"], ascending=[False, True]).head(10)
    rows = [
        [
            "Company",
            "Segment",
            "Stage",
            f"Cost\n({ccy})",
            f"Fair value\n({ccy})",
            "Gross\nMOIC",
            "Share\nof NAV",
            "Valuation",
        ]
    ]
    for _, r in top.iterrows():
        stale = " *" if r["is_mark_stale"] else ""
        rows.append(
            [
                _p(str(r["company_name"]) + stale, "cell"),
                _p(str(r["segment_name"]), "cell"),
                fmt.humanize(r["stage"]),
                _money(r["cost"], ccy),
                _money(r["fair_value"], ccy),
                fmt.multiple(r["gross_moic"]),
                fmt.pct(r["fair_value"] / nav if nav else None),
                VALUATION_METHODS.get(r["valuation_method"], fmt.humanize(r["valuation_method"])),
            ]
        )
    w = WIDTH
    story += [
        CondPageBreak(70 * mm),
        _p(f"Top {len(top)} holdings by fair value, at {q:%d %b %Y}", "h2"),
        _table(
            rows,
            [w * 0.20, w * 0.18, w * 0.08, w * 0.13, w * 0.13, w * 0.07, w * 0.08, w * 0.13],
            numeric=(3, 4, 5, 6),
        ),
        _p(
            "Share of NAV: the holding's fair value over the fund's net asset value. "
            "* the latest mark is older than the quarter end (see Stale marks).",
            "small",
        ),
    ]

    # The quarter's activity.
    since = f"{fq.previous_quarter:%d %b %Y}" if fq.previous_quarter else "inception"
    story += [
        CondPageBreak(40 * mm),
        _p(f"Activity in the quarter ({since} to {q:%d %b %Y})", "h2"),
    ]
    if fq.events.empty:
        story.append(_p("No investments, follow-ons, exits or write-offs this quarter."))
    else:
        rows = [["Event", "Company", "Segment", f"Amount ({ccy})", "Detail"]]
        rows += [
            [
                e["event"],
                _p(str(e["company_name"]), "cell"),
                _p(str(e["segment_name"]), "cell"),
                _money(e["amount"], ccy),
                fmt.humanize(e["detail"])
                if e["event"] in ("New investment", "Follow-on")
                else str(e["detail"]),
            ]
            for _, e in fq.events.iterrows()
        ]
        story.append(_table(rows, [w * 0.17, w * 0.25, w * 0.23, w * 0.15, w * 0.20], numeric=(3,)))
        story.append(
            _p(
                "Amount: the cost added (investments), the proceeds received (exits and "
                "partial realizations), the fair value written off (write-offs).",
                "small",
            )
        )

    # Stale marks.
    stale = active[active["is_mark_stale"]]
    story += [CondPageBreak(30 * mm), _p("Stale marks", "h2")]
    if stale.empty:
        story.append(_p(f"Every active holding has a mark dated {q:%d %b %Y}."))
    else:
        rows = [["Company", "Latest mark", "Method", f"Fair value ({ccy})"]]
        for _, r in stale.iterrows():
            mark = (
                "none yet: carried at cost"
                if fmt.is_missing(r["mark_date"])
                else f"{_day(r['mark_date']):%d %b %Y}"
            )
            rows.append(
                [
                    _p(str(r["company_name"]), "cell"),
                    mark,
                    VALUATION_METHODS.get(
                        r["valuation_method"], fmt.humanize(r["valuation_method"])
                    ),
                    _money(r["fair_value"], ccy),
                ]
            )
        story.append(_table(rows, [w * 0.35, w * 0.25, w * 0.2, w * 0.2], numeric=(3,)))
    story.append(CondPageBreak(90 * mm))
    return story


def _notes(fq: FundQuarter, stmt: statement.Statement) -> list:
    row = fq.row
    bench = fq.fund["benchmark_index_code"]
    nav_source = {
        "reported": "the NAV reported by the fund administrator for the quarter end",
        "rolled_forward": (
            "the latest NAV reported by the administrator, rolled forward by the capital "
            "calls and distributions after its date"
        ),
        "portfolio_fair_value": "the sum of the holdings' fair values (no NAV was reported)",
    }.get(row["nav_source"], fmt.humanize(row["nav_source"]))
    methods = [
        f"Amounts are in the fund's reporting currency ({fq.currency}); investments convert at "
        "the rate of their date, realizations at theirs, fair values at the quarter end's.",
        f"Net asset value at {fq.quarter_end:%d %b %Y}: {nav_source}.",
        "Net IRR is XIRR (actual/365 days) of the LPs' capital calls (negative) and "
        "distributions (positive) plus the NAV at the quarter end; gross IRR the same of the "
        "fund's investments, realizations and the fair value of its holdings. Where the flows "
        "admit several rates the one closest to 10% is shown; '—' where none exists.",
        "TVPI = DPI + RVPI, where DPI is distributed and RVPI the NAV over paid-in capital. "
        "Gross MOIC is the holdings' total value (proceeds + fair value) over their cost.",
        (
            f"KS-PME (Kaplan-Schoar) and Direct Alpha (Gredil, Griffiths & Stucke) compare "
            f"the fund's flows with the {bench} index: a KS-PME above 1 and a positive "
            "Direct Alpha beat the index."
            if not fmt.is_missing(bench)
            else "The fund names no benchmark index, so KS-PME and Direct Alpha are not shown."
        ),
        "A holding's fair value is its latest mark on or before the quarter end, plus at cost "
        "the investments made after that mark; a stale mark is one older than the quarter end.",
        "FundLens holds no subscription-line data: returns with and without the effect of a "
        "subscription facility cannot be shown.",
    ]
    story: list = [_p("4. Notes", "h1"), _p("How the figures are computed", "h2")]
    story += [_pm(escape(text), "bullet") for text in methods]
    story.append(_p("Capital account statement", "h2"))
    story += [_pm(escape(text), "bullet") for text in stmt.notes]
    story.append(_p("Warnings of this data version", "h2"))
    if fq.warnings:
        story += [_pm(escape(text), "bullet") for text in fq.warnings]
    else:
        story.append(_p("None for this fund."))
    return [KeepTogether(story[:2]), *story[2:]]


# --- entry points ----------------------------------------------------------------------


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
