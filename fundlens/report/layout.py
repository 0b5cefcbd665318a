"""The quarterly report's pages, drawn with reportlab: cover, fund summary, capital account
statement, portfolio and notes, with a running header and footer.

Fonts are the DejaVu TrueType files shipped inside matplotlib (every currency symbol, most
scripts), embedded in the PDF. User values (fund, LP and company names) are always drawn
as plain text: `_p` escapes them before reportlab's paragraph markup sees them.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

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

from fundlens import formatting as fmt
from fundlens import statement
from fundlens.report import charts
from fundlens.report.data import VALUATION_METHODS, FundQuarter, _day

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
    built = (
        f"{pd.Timestamp(fq.built_at).tz_convert('UTC'):%d %b %Y %H:%M} UTC"
        if fq.built_at and pd.Timestamp(fq.built_at).tzinfo
        else fq.built_at or "unknown"
    )
    quarter = f"{page.quarter} (quarter ending {fq.quarter_end:%d %b %Y})"
    prepared = (
        f"Confidential: prepared for {stmt.lp_name}"
        if stmt.lp_id is not None
        else "Fund-level report: the capital account of all LPs together"
    )
    facts = [
        ["Fund", str(fq.fund["fund_name"])],
        ["Quarter", quarter],
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
        ["Net IRR", fmt.irr(row["net_irr"], fq.age_years(fq.quarter_end))],
    ]
    counts = fq.events["event"].value_counts() if not fq.events.empty else pd.Series(dtype=int)
    activity = ", ".join(f"{n} {kind.lower()}(s)" for kind, n in counts.items()) or "none"
    return [
        Spacer(1, 30 * mm),
        _p("Quarterly report to limited partners", "subtitle"),
        Spacer(1, 4 * mm),
        _p(str(fq.fund["fund_name"]), "title"),
        Spacer(1, 2 * mm),
        _p(quarter, "subtitle"),
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
        ["Net IRR", fmt.irr(row["net_irr"], fq.age_years(fq.quarter_end))],
        ["TVPI", fmt.multiple(row["tvpi"])],
        ["DPI", fmt.multiple(row["dpi"])],
        ["RVPI", fmt.multiple(row["rvpi"])],
        ["Gross IRR", fmt.irr(row["gross_irr"], fq.age_years(fq.quarter_end))],
        ["Gross MOIC", fmt.multiple(row["gross_moic"])],
        [f"KS-PME ({vs})", fmt.number(row["ks_pme"], 2)],
        [f"Direct Alpha ({vs})", fmt.irr(row["direct_alpha"], fq.age_years(fq.quarter_end))],
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
            fmt.irr(r["net_irr"], fq.age_years(r["quarter_end"])),
            fmt.irr(r["gross_irr"], fq.age_years(r["quarter_end"])),
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
        "admit several rates the one closest to 10% is shown; '—' where none exists, "
        "'n/m' (not meaningful) until the fund is a year old.",
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
    # A warning that names another LP (or, in the fund's report, any LP) is left out.
    others = [s for i, n in fq.lp_names.items() if i != stmt.lp_id for s in (i, n)]
    warnings = [w for w in fq.warnings if not any(o in w for o in others)]
    if warnings:
        story += [_pm(escape(text), "bullet") for text in warnings]
    else:
        story.append(_p("None for this fund."))
    return [KeepTogether(story[:2]), *story[2:]]
