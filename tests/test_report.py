"""The LP quarterly report (fundlens/report.py): what the PDF says, checked against the
marts through the PDF's own text (extracted with pypdf), and every way a request fails."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import stat

import pandas as pd
import pypdf
import pytest

from fundlens import formatting as fmt
from fundlens import report, statement
from fundlens.cli import main
from fundlens.errors import FundLensError

FUND = "F001"


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def cells_after(text: str, label: str, n: int = 3) -> list[str]:
    """The `n` cells the PDF prints after a table row's label (one per line)."""
    lines = [line.strip() for line in text.splitlines()]
    i = lines.index(label)
    return lines[i + 1 : i + 1 + n]


def amount(cell: str) -> float:
    """'$1,234,567' or '-$1,234' -> a number (the statement prints whole currency units)."""
    sign = -1.0 if cell.startswith("-") else 1.0
    return sign * float("".join(ch for ch in cell if ch.isdigit() or ch == "."))


@pytest.fixture(scope="module")
def quarters(warehouse) -> list[dt.date]:
    """F001's reported quarter ends, newest first."""
    df = warehouse.execute(
        "select quarter_end from marts.fund_performance where fund_id = ? "
        "order by quarter_end desc",
        [FUND],
    ).df()
    return [pd.Timestamp(q).date() for q in df["quarter_end"]]


@pytest.fixture(scope="module")
def lp_accounts(warehouse, quarters) -> pd.DataFrame:
    """lp_capital_accounts of F001 at its latest quarter (read directly, not via report)."""
    return warehouse.execute(
        "select * from private.lp_capital_accounts where fund_id = ? and quarter_end = ? "
        "order by lp_id",
        [FUND, quarters[0]],
    ).df()


@pytest.fixture(scope="module")
def all_lp_names(warehouse) -> dict[str, str]:
    df = warehouse.execute("select lp_id, lp_name from raw.lps").df()
    return dict(zip(df["lp_id"], df["lp_name"], strict=True))


@pytest.fixture(scope="module")
def lp(lp_accounts) -> pd.Series:
    """The LP whose report the tests read: the one with the largest commitment."""
    return lp_accounts.sort_values("commitment_amount").iloc[-1]


@pytest.fixture(scope="module")
def lp_pdf(demo_home, lp) -> bytes:
    return report.build_report(demo_home, FUND, None, lp["lp_id"])


@pytest.fixture(scope="module")
def lp_text(lp_pdf) -> str:
    return pdf_text(lp_pdf)


def statement_part(text: str) -> str:
    """The capital account statement's page(s) of a report's text."""
    # (rindex: the cover's contents list the same headings)
    return text[text.rindex("2. Capital account statement") : text.rindex("3. Portfolio")]


def test_report_shows_fund_quarter_and_performance_as_the_app_formats_them(
    lp_text, warehouse, quarters
):
    perf = warehouse.execute(
        "select f.fund_name, f.inception_date, p.* from marts.fund_performance as p "
        "inner join marts.dim_funds as f on p.fund_id = f.fund_id "
        "where p.fund_id = ? and p.quarter_end = ?",
        [FUND, quarters[0]],
    ).df()
    row = perf.iloc[0]
    ccy = row["currency"]
    assert row["fund_name"] in lp_text
    assert fmt.quarter_label(quarters[0]) in lp_text  # the latest quarter by default
    assert cells_after(lp_text, "Net asset value", 1) == [fmt.money(row["net_asset_value"], ccy)]
    assert cells_after(lp_text, "Paid-in", 1) == [fmt.money(row["paid_in_capital"], ccy)]
    assert cells_after(lp_text, "TVPI", 1) == [fmt.multiple(row["tvpi"])]
    years = (pd.Timestamp(quarters[0]) - pd.Timestamp(row["inception_date"])).days / 365.25
    assert cells_after(lp_text, "Net IRR", 1) == [fmt.irr(row["net_irr"], years)]
    assert years > 1 and fmt.irr(row["net_irr"], years).endswith("%")
    # The app's formats, written out: compact money, two-decimal multiples, 1-decimal %.
    assert fmt.money(row["net_asset_value"], ccy).startswith("$")
    assert fmt.money(row["net_asset_value"], ccy)[-1] in "KMB"


def test_lp_report_holds_its_own_capital_account(lp_text, lp):
    assert f"Confidential: prepared for {lp['lp_name']}" in lp_text
    part = statement_part(lp_text)
    assert f"{lp['lp_name']} in " in part
    [commitment] = cells_after(part, "Commitment", 1)
    [unfunded] = cells_after(part, "Unfunded commitment", 1)
    assert amount(commitment) == pytest.approx(lp["commitment_amount"], abs=0.5)
    assert amount(unfunded) == pytest.approx(lp["unfunded_commitment"], abs=0.5)
    *_, contributed = cells_after(part, "Total contributions")
    *_, distributed = cells_after(part, "Total distributions")
    *_, nav = cells_after(part, "Ending NAV")
    assert amount(contributed) == pytest.approx(lp["contributed"], abs=1)
    assert amount(distributed) == pytest.approx(-lp["distributed"], abs=1)
    assert amount(nav) == pytest.approx(lp["net_asset_value"], abs=0.5)
    assert cells_after(part, "Ownership share", 1) == [fmt.pct(lp["ownership_share"], 2)]
    assert cells_after(part, "DPI", 1) == [fmt.multiple(lp["dpi"])]
    assert cells_after(part, "TVPI", 1) == [fmt.multiple(lp["tvpi"])]


def test_lp_report_names_no_other_lp(lp_text, lp, all_lp_names):
    others = {i: n for i, n in all_lp_names.items() if i != lp["lp_id"]}
    assert others
    leaked = [n for n in others.values() if n in lp_text]
    assert not leaked
    assert not [i for i in others if i in lp_text]


def test_statement_qtd_plus_previous_itd_is_itd(demo_home, lp, lp_text, quarters):
    lp_text = statement_part(lp_text)
    previous = statement_part(
        pdf_text(report.build_report(demo_home, FUND, quarters[1], lp["lp_id"]))
    )
    lines = [
        "Contributions: investments",
        "Contributions: management fees",
        "Contributions: fund expenses",
        "Total contributions",
        "Distributions: return of capital",
        "Distributions: gains",
        "Total distributions",
        "Net change in value",
    ]
    for line in lines:
        qtd, _ytd, itd = map(amount, cells_after(lp_text, line))
        *_, previous_itd = map(amount, cells_after(previous, line))
        assert qtd + previous_itd == pytest.approx(itd, abs=1.5), line  # whole-unit rounding
    # and the roll-forward adds up in each column: begin + flows + change = end
    for col in range(3):
        parts = [
            amount(cells_after(lp_text, name)[col])
            for name in (
                "Beginning NAV",
                "Total contributions",
                "Total distributions",
                "Net change in value",
            )
        ]
        assert sum(parts) == pytest.approx(amount(cells_after(lp_text, "Ending NAV")[col]), abs=2)


def test_lp_report_has_every_section_and_charts(lp_pdf, lp_text):
    for heading in (
        "1. Fund summary",
        "2. Capital account statement",
        "3. Portfolio",
        "4. Notes",
        "Top 10 holdings by fair value",
        "Stale marks",
        "Warnings of this data version",
    ):
        assert heading in lp_text
    for line in statement.NOT_REPORTED:
        assert cells_after(lp_text, line) == ["not reported"] * 3
    pages = pypdf.PdfReader(io.BytesIO(lp_pdf)).pages
    assert len(pages[1].images) == 2  # TVPI/DPI over time and the J-curve
    assert sum(len(p.images) for p in pages) == 3  # + exposure by segment/industry/region/stage


def test_top_holdings_match_positions(lp_text, warehouse, quarters):
    top = warehouse.execute(
        """
        select c.company_name, p.fair_value, p.cost
        from marts.fct_positions_quarterly as p
        inner join marts.dim_companies as c on p.company_id = c.company_id
        where p.fund_id = ? and p.quarter_end = ? and p.is_active
        order by p.fair_value desc, c.company_name
        limit 10
        """,
        [FUND, quarters[0]],
    ).df()
    section = lp_text[lp_text.index("Top 10 holdings") : lp_text.index("Activity in the quarter")]
    section = " ".join(section.split())  # names wrap inside their cells
    for _, r in top.iterrows():
        assert r["company_name"] in section
        assert fmt.money(r["fair_value"], "USD", compact=False) in section


def test_fund_report_shows_the_total_and_no_lp(demo_home, all_lp_names, lp_accounts):
    text = pdf_text(report.build_report(demo_home, FUND))
    assert "Fund-level report" in text
    assert "Confidential: prepared for" not in text
    assert not [n for n in all_lp_names.values() if n in text]
    part = statement_part(text)
    assert "All LPs" in part
    *_, nav = cells_after(part, "Ending NAV")
    assert amount(nav) == pytest.approx(lp_accounts["net_asset_value"].sum(), abs=1)
    [commitment] = cells_after(part, "Commitment", 1)
    assert amount(commitment) == pytest.approx(lp_accounts["commitment_amount"].sum(), abs=1)


def test_user_text_is_printed_as_plain_text(demo_home, lp):
    with report.published(demo_home) as pub:
        fq = report.read_fund_quarter(pub, FUND, pub.quarter(FUND, None))
        stmt = statement.capital_account_statement(pub.con, FUND, fq.quarter_end, lp["lp_id"])
    evil = '<font size="40" color="red">Big</font> & <b>Co</b>'
    fq.fund = {**fq.fund, "fund_name": evil}
    text = pdf_text(report.render(fq, dataclasses.replace(stmt, lp_name=evil)))
    assert evil in text
    assert f"Confidential: prepared for {evil}" in text


def test_no_warning_naming_another_lp_is_printed(demo_home, lp, all_lp_names):
    with report.published(demo_home) as pub:
        fq = report.read_fund_quarter(pub, FUND, pub.quarter(FUND, None))
        stmt = statement.capital_account_statement(pub.con, FUND, fq.quarter_end, lp["lp_id"])
    other = next(n for i, n in all_lp_names.items() if i != lp["lp_id"])
    fq.warnings = [f"Commitment of {other} is late", "A warning about the fund only"]
    text = " ".join(pdf_text(report.render(fq, stmt)).split())
    assert "A warning about the fund only" in text
    assert other not in text


@pytest.mark.slow
def test_batch_writes_one_private_file_per_lp(demo_home, warehouse, tmp_path, all_lp_names):
    expected = warehouse.execute(
        "select fund_id, lp_id, lp_name from private.lp_capital_accounts "
        "where quarter_end = (select max(quarter_end) from private.lp_capital_accounts as l "
        "where l.fund_id = lp_capital_accounts.fund_id)"
    ).df()
    out = tmp_path / "q"
    seen = []
    paths = report.write_batch(demo_home, out, progress=lambda d, t, job: seen.append((d, t)))
    assert seen == [(i, len(expected)) for i in range(1, len(expected) + 1)]
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths)
    assert len(paths) == len(expected)
    for _, row in expected.iterrows():
        [path] = [
            p
            for p in paths
            if p.name.startswith(f"{row['fund_id']}_") and p.name.endswith(f"_{row['lp_id']}.pdf")
        ]
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        text = pdf_text(path.read_bytes())
        assert f"Confidential: prepared for {row['lp_name']}" in text
        assert not [n for i, n in all_lp_names.items() if i != row["lp_id"] and n in text]


def test_batch_of_one_fund(demo_home, lp_accounts, quarters, tmp_path, capsys):
    out = tmp_path / "one"
    code = main(
        [
            "report",
            "--all",
            "--fund",
            FUND,
            "--quarter",
            f"{quarters[0]:%Y-%m-%d}",
            "--out",
            str(out),
            "--home",
            str(demo_home),
        ]
    )
    assert code == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f"{FUND}_{quarters[0]:%Y-%m-%d}_{i}.pdf" for i in lp_accounts["lp_id"])
    captured = capsys.readouterr()
    assert f"Wrote {len(names)} LP report(s)" in captured.out


def test_cli_writes_one_report_readable_by_owner_only(demo_home, lp, quarters, tmp_path, capsys):
    out = tmp_path / "lp.pdf"
    code = main(
        [
            "report",
            "--fund",
            FUND,
            "--quarter",
            f"{quarters[2]:%Y-%m-%d}",
            "--lp",
            lp["lp_id"],
            "--out",
            str(out),
            "--home",
            str(demo_home),
        ]
    )
    assert code == 0, capsys.readouterr().err
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert fmt.quarter_label(quarters[2]) in pdf_text(out.read_bytes())
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fund", "F999"], "No fund 'F999'"),
        (["--fund", FUND, "--quarter", "2026-08-31"], "is not a calendar quarter end"),
        (["--fund", FUND, "--quarter", "1999-12-31"], "is not a reported quarter of this fund"),
        (["--fund", FUND, "--lp", "LP999"], "LP 'LP999' has no capital account in fund F001"),
        (["--fund", FUND, "--lp", "LP011"], "LP 'LP011' has no capital account in fund F001"),
        (["--all", "--quarter", "1999-12-31", "--out", "OUT"], "is not a reported quarter"),
        (["--all", "--fund", "F999", "--out", "OUT"], "No fund 'F999'"),
        (["--all"], "--all needs --out DIR"),
        (["--all", "--lp", "LP001", "--out", "OUT"], "--lp and --all exclude each other"),
        ([], "Say which fund with --fund ID"),
        (["--fund", FUND, "--out", "MISSING/x.pdf"], "does not exist"),
    ],
)
def test_bad_requests_are_clear_errors(demo_home, tmp_path, capsys, args, message):
    args = [
        a.replace("OUT", str(tmp_path / "out")).replace("MISSING", str(tmp_path / "no"))
        for a in args
    ]
    code = main(["report", *args, "--home", str(demo_home)])
    err = capsys.readouterr().err
    assert code == 1
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.glob("**/*.pdf"))


@pytest.mark.parametrize("quarter", ["2026-9-30", "30/09/2026", "2026-02-30", "latest"])
def test_bad_quarter_format_is_refused_by_the_parser(capsys, quarter):
    with pytest.raises(SystemExit) as exc:
        main(["report", "--fund", FUND, "--quarter", quarter])
    assert exc.value.code == 2
    assert "is not a date written YYYY-MM-DD" in capsys.readouterr().err


def test_nothing_published_is_a_clear_error(tmp_path, capsys):
    assert main(["report", "--fund", FUND, "--home", str(tmp_path)]) == 1
    assert "Nothing is published" in capsys.readouterr().err


def test_write_private_replaces_a_readable_file(tmp_path):
    path = tmp_path / "r.pdf"
    path.write_bytes(b"old")
    os.chmod(path, 0o644)
    report.write_private(path, b"new")
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_quarter_events_classify_the_changes():
    cols = [
        "company_id",
        "company_name",
        "segment_name",
        "stage",
        "cost",
        "proceeds",
        "fair_value",
        "gross_moic",
        "valuation_method",
        "mark_date",
        "first_investment_date",
        "last_full_exit_date",
    ]
    q0, q1 = dt.date(2026, 6, 30), dt.date(2026, 9, 30)
    inside, before = dt.date(2026, 8, 1), dt.date(2025, 1, 1)
    before_rows = pd.DataFrame(
        [
            ["A", "Follow", "S", "early", 100.0, 0.0, 150.0, 1.5, "dcf", q0, before, None],
            ["B", "Exited", "S", "growth", 100.0, 0.0, 200.0, 2.0, "dcf", q0, before, None],
            ["C", "Partly", "S", "growth", 100.0, 0.0, 120.0, 1.2, "dcf", q0, before, None],
            ["D", "Written", "S", "seed", 50.0, 0.0, 40.0, 0.8, "dcf", q0, before, None],
            ["E", "Quiet", "S", "seed", 50.0, 0.0, 40.0, 0.8, "dcf", q0, before, None],
        ],
        columns=cols,
    )
    now_rows = pd.DataFrame(
        [
            ["A", "Follow", "S", "early", 130.0, 0.0, 180.0, 1.4, "dcf", q1, before, None],
            [
                "B",
                "Exited",
                "S",
                "growth",
                100.0,
                300.0,
                0.0,
                3.0,
                "exit_price",
                q1,
                before,
                inside,
            ],
            ["C", "Partly", "S", "growth", 100.0, 30.0, 100.0, 1.3, "dcf", q1, before, None],
            ["D", "Written", "S", "seed", 50.0, 0.0, 0.0, 0.0, "write_off", inside, before, None],
            ["E", "Quiet", "S", "seed", 50.0, 0.0, 40.0, 0.8, "dcf", q0, before, None],
            ["F", "Brand new", "S", "seed", 25.0, 0.0, 25.0, 1.0, None, None, inside, None],
        ],
        columns=cols,
    )
    events = report.quarter_events(now_rows, before_rows, q0, q1)
    got = {(e["event"], e["company_name"], round(e["amount"], 2)) for _, e in events.iterrows()}
    assert got == {
        ("New investment", "Brand new", 25.0),
        ("Follow-on", "Follow", 30.0),
        ("Exit", "Exited", 300.0),
        ("Partial realization", "Partly", 30.0),
        ("Write-off", "Written", 40.0),
    }
    assert list(events["event"])[:2] == ["New investment", "Follow-on"]


def test_an_older_warehouse_is_a_clear_error(demo_home):
    """A published version built by an older FundLens (a mart or column missing)."""
    with report.published(demo_home) as pub:
        with pytest.raises(FundLensError, match="lacks what the report reads"):
            pub.df("select no_such_column from marts.dim_funds")
        with pytest.raises(FundLensError, match="lacks what the report reads"):
            pub.df("select * from marts.no_such_mart")


def test_chart_labels_with_dollar_signs_are_plain_text():
    """Segment and industry names are user text: "$...$" in one must neither break the
    report (matplotlib's mathtext raises on what it cannot parse) nor render as maths."""
    import matplotlib
    from matplotlib.figure import Figure

    from fundlens.report import charts

    names = [r"Pay $\notacommand$ rails", "Cost $5 to $10 tier"]
    frame = pd.DataFrame({"label": names, "nav_share": [0.6, 0.4]})
    png = charts.exposure_panels([("Industry", frame)])
    assert png.startswith(b"\x89PNG")
    with matplotlib.rc_context(charts._STYLE):
        assert not Figure().text(0, 0, names[0]).get_parse_math()  # drawn as written
