"""The bad-input corpus: valid input files, each broken in exactly one way.

Every case changes one file of a copy of a valid seeds directory and returns where
the loader must report the problem: (file, line, column, rule). Lines are found by
content after the change, so the corpus works on the demo seeds and on the small
fixture alike. Reused by the load tests and (through `apply_case`) by refresh tests:

    from bad_inputs.cases import CASES, apply_case   # tests/ is on sys.path under pytest
    expected = apply_case(case, seeds_dir)   # seeds_dir: a writable copy
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .csvedit import CsvFile


@dataclass(frozen=True)
class Expected:
    file: str
    line: int | None  # None: a problem with the whole file
    column: str | None
    rule: str


@dataclass(frozen=True)
class Case:
    name: str
    file: str  # the file the case changes
    change: Callable[[Path], Expected]  # changes seeds_dir/file, says what to expect

    def __str__(self) -> str:
        return self.name


def apply_case(case: Case, seeds_dir: Path) -> Expected:
    """Break `seeds_dir` (a writable copy of valid seeds) as `case` says."""
    return case.change(Path(seeds_dir))


CASES: list[Case] = []


def case(name: str, file: str):
    def register(fn: Callable[[Path], Expected]) -> Callable[[Path], Expected]:
        CASES.append(Case(name, file, fn))
        return fn

    return register


def set_cell(
    name: str, file: str, column: str, value: str, rule: str, where=lambda row: True
) -> None:
    """A case that sets one cell of the first row matching `where`."""

    def change(seeds: Path) -> Expected:
        f = CsvFile(seeds / file)
        line = f.set(f.find(where), column, value)
        f.save()
        return Expected(file, line, column, rule)

    CASES.append(Case(name, file, change))


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _quarter_end_before(day: dt.date) -> dt.date:
    """The last calendar quarter end strictly before `day`."""
    q_month = ((day.month - 1) // 3) * 3  # month ending the previous quarter
    year = day.year if q_month else day.year - 1
    q_month = q_month or 12
    end = dt.date(year + (q_month == 12), q_month % 12 + 1, 1) - dt.timedelta(days=1)
    return end if end < day else _quarter_end_before(end)


def _first_investment(seeds: Path, fund: str, company: str) -> dt.date:
    dates = [
        _date(r["investment_date"])
        for r in CsvFile(seeds / "investments.csv").dicts()
        if r["fund_id"] == fund and r["company_id"] == company
    ]
    return min(dates)


# -- malformed files --------------------------------------------------------------------


@case("encoding_latin1", "companies.csv")
def _(seeds: Path) -> Expected:
    f = CsvFile(seeds / "companies.csv")
    line = f.set(0, "company_name", "Société Générale de Robotique")
    f.save(encoding="latin-1")
    return Expected("companies.csv", line, None, "encoding")


@case("utf16_without_bom", "lps.csv")
def _(seeds: Path) -> Expected:
    f = CsvFile(seeds / "lps.csv")
    f.save(encoding="utf-16-le")  # what some exporters write: no BOM, every other byte 0
    return Expected("lps.csv", 1, None, "encoding")


set_cell("nul_in_text", "companies.csv", "company_name", "Acme\x00 Robotics", "control_character")
set_cell("esc_in_text", "lps.csv", "lp_name", "\x1b[2J\x1b[31mPension", "control_character")
# C1 controls are two bytes in UTF-8 (U+009B, CSI, is ESC [ to some terminals)
set_cell(
    "c1_in_text", "companies.csv", "company_name", "Acme\u009b31m Robotics", "control_character"
)
set_cell("del_in_text", "funds.csv", "fund_name", "Fund\x7f I", "control_character")


@case("delimiter_semicolon", "funds.csv")
def _(seeds: Path) -> Expected:
    f = CsvFile(seeds / "funds.csv")
    for r in f.records:
        if r.text.strip():
            r.text = ";".join(r.fields)
    f.save()
    return Expected("funds.csv", 1, None, "delimiter")


@case("delimiter_tab", "lps.csv")
def _(seeds: Path) -> Expected:
    f = CsvFile(seeds / "lps.csv")
    for r in f.records:
        if r.text.strip():
            r.text = "\t".join(r.fields)
    f.save()
    return Expected("lps.csv", 1, None, "delimiter")


@case("missing_required_column", "investments.csv")
def _(seeds: Path) -> Expected:
    f = CsvFile(seeds / "investments.csv")
    f.drop_column("amount")
    f.save()
    return Expected("investments.csv", 1, "amount", "missing_column")


@case("extra_column", "funds.csv")
def _(seeds: Path) -> Expected:
    f = CsvFile(seeds / "funds.csv")
    f.add_column("notes", "n/a")
    f.save()
    return Expected("funds.csv", 1, "notes", "extra_column")


@case("extra_column_reference_file", "segments.csv")
def _(seeds: Path) -> Expected:
    f = CsvFile(seeds / "segments.csv")
    f.add_column("parent_segment", "")
    f.save()
    return Expected("segments.csv", 1, "parent_segment", "extra_column")


@case("duplicate_header", "valuations.csv")
def _(seeds: Path) -> Expected:
    f = CsvFile(seeds / "valuations.csv")
    f.add_column("fair_value", "1")
    f.save()
    return Expected("valuations.csv", 1, "fair_value", "duplicate_column")


@case("empty_file", "lps.csv")
def _(seeds: Path) -> Expected:
    (seeds / "lps.csv").write_bytes(b"")
    return Expected("lps.csv", None, None, "empty_file")


@case("missing_file", "fund_navs.csv")
def _(seeds: Path) -> Expected:
    (seeds / "fund_navs.csv").unlink()
    return Expected("fund_navs.csv", None, None, "missing_file")


@case("truncated_last_line", "fund_cash_flows.csv")
def _(seeds: Path) -> Expected:
    f = CsvFile(seeds / "fund_cash_flows.csv")
    last = len(f.rows) - 1
    line = f.set_raw(last, ",".join(f.rows[last].fields[:3]))
    f.trailing_newline = False
    f.save()
    return Expected("fund_cash_flows.csv", line, None, "truncated")


@case("truncated_in_quoted_value", "companies.csv")
def _(seeds: Path) -> Expected:
    f = CsvFile(seeds / "companies.csv")
    row = f.dicts()[0]
    line = f.append([])
    segment, country = row["segment_code"], row["hq_country"]
    f.records[-1].text = f'C_TRUNC,Truncated Co,{segment},{country},2020,"An unfinished'
    f.trailing_newline = False
    f.save()
    return Expected("companies.csv", line, None, "truncated")


@case("too_many_fields", "investments.csv")
def _(seeds: Path) -> Expected:
    f = CsvFile(seeds / "investments.csv")
    line = f.set_raw(0, f.rows[0].text + ",oops")
    f.save()
    return Expected("investments.csv", line, None, "column_count")


@case("bare_cr_line_endings", "lps.csv")
def _(seeds: Path) -> Expected:
    f = CsvFile(seeds / "lps.csv")
    f.newline = "\r"
    f.save()
    return Expected("lps.csv", 1, None, "line_endings")


# -- types ------------------------------------------------------------------------------

set_cell("unparseable_number", "investments.csv", "amount", "1,000,000", "type")
set_cell("number_with_currency_sign", "commitments.csv", "commitment_amount", "$5000", "type")
set_cell("unparseable_date", "realizations.csv", "realization_date", "2022-02-30", "type")
set_cell("non_iso_date", "fund_cash_flows.csv", "flow_date", "03/01/2019", "type")
set_cell("integer_with_decimals", "funds.csv", "vintage_year", "2019.5", "type")
set_cell("not_a_number", "market_index.csv", "close", "n/a", "type")
set_cell("nan_is_not_a_number", "investments.csv", "amount", "NaN", "type")
set_cell("underscore_digit_separator", "investments.csv", "amount", "1_000_000", "type")
set_cell("exponent_notation", "fund_navs.csv", "net_asset_value", "1.5e6", "type")
set_cell("number_with_spaces", "funds.csv", "committed_capital", " 150000000", "type")
set_cell("date_without_leading_zeros", "investments.csv", "investment_date", "2019-6-1", "type")

# -- required, codes, patterns ----------------------------------------------------------

set_cell("required_null", "funds.csv", "fund_name", "", "required")
set_cell("required_null_date", "investments.csv", "investment_date", "", "required")
set_cell("unknown_enum_code", "investments.csv", "round_label", "series_z", "accepted_values")
set_cell("wrong_case_code", "lps.csv", "lp_type", "Pension", "accepted_values")
set_cell("non_boolean_is_full_exit", "realizations.csv", "is_full_exit", "yes", "accepted_values")
set_cell("uppercase_boolean", "market_sizes.csv", "is_estimate", "TRUE", "accepted_values")
set_cell("lowercase_currency", "investments.csv", "currency", "usd", "pattern")
set_cell("bad_region", "countries.csv", "region", "Europe", "accepted_values")

# -- ranges -----------------------------------------------------------------------------

set_cell("negative_amount", "investments.csv", "amount", "-5000", "range")
set_cell("vintage_1970", "funds.csv", "vintage_year", "1970", "range")
set_cell("ownership_150", "investments.csv", "ownership_pct", "150", "range")
set_cell("revenue_share_zero", "company_industries.csv", "revenue_share", "0", "range")
set_cell("zero_fx_rate", "fx_rates.csv", "units_per_usd", "0", "range")

# -- dates ------------------------------------------------------------------------------


@case("non_quarter_end_valuation", "valuations.csv")
def _(seeds: Path) -> Expected:
    f = CsvFile(seeds / "valuations.csv")
    day = _date(f.get(0, "valuation_date")) - dt.timedelta(days=1)
    line = f.set(0, "valuation_date", day.isoformat())
    f.save()
    return Expected("valuations.csv", line, "valuation_date", "quarter_end")


set_cell("non_quarter_end_nav", "fund_navs.csv", "nav_date", "2020-11-30", "quarter_end")
set_cell("non_month_end_kpi", "company_kpis.csv", "period_end", "2023-01-15", "month_end")

# -- keys -------------------------------------------------------------------------------


@case("duplicate_primary_key", "investments.csv")
def _(seeds: Path) -> Expected:
    f = CsvFile(seeds / "investments.csv")
    line = f.append(f.rows[0].fields)
    f.save()
    return Expected("investments.csv", line, "investment_id", "primary_key")


@case("duplicate_composite_key", "valuations.csv")
def _(seeds: Path) -> Expected:
    f = CsvFile(seeds / "valuations.csv")
    fields = list(f.rows[0].fields)
    fields[f.header.index("fair_value")] = "123"
    line = f.append(fields)
    f.save()
    return Expected("valuations.csv", line, "fund_id, company_id, valuation_date", "primary_key")


@case("duplicate_company_name", "companies.csv")
def _(seeds: Path) -> Expected:
    f = CsvFile(seeds / "companies.csv")
    line = f.set(1, "company_name", f.get(0, "company_name"))
    f.save()
    return Expected("companies.csv", line, "company_name", "unique")


set_cell("orphan_segment", "companies.csv", "segment_code", "quantum_toasters", "foreign_key")
set_cell("orphan_country", "companies.csv", "hq_country", "XX", "foreign_key")
set_cell("orphan_fund", "investments.csv", "fund_id", "NO_SUCH_FUND", "foreign_key")
set_cell("orphan_kpi_company", "company_kpis.csv", "company_id", "NO_SUCH_CO", "foreign_key")
set_cell("orphan_lp", "commitments.csv", "lp_id", "NO_SUCH_LP", "foreign_key")
set_cell(
    "unknown_benchmark_index",
    "funds.csv",
    "benchmark_index_code",
    "NO_SUCH_INDEX",
    "foreign_key",
)

# -- cross-file rules -------------------------------------------------------------------


@case("shares_not_summing_to_1", "company_industries.csv")
def _(seeds: Path) -> Expected:
    f = CsvFile(seeds / "company_industries.csv")
    company = f.get(0, "company_id")
    share = float(f.get(0, "revenue_share"))
    f.set(0, "revenue_share", f"{share / 2:g}")
    f.save()
    first = f.find(lambda r: r["company_id"] == company)
    return Expected("company_industries.csv", f.line(first), "revenue_share", "shares_sum")


@case("commitments_not_matching_fund_size", "commitments.csv")
def _(seeds: Path) -> Expected:
    f = CsvFile(seeds / "commitments.csv")
    fund = f.get(0, "fund_id")
    f.set(0, "commitment_amount", f"{float(f.get(0, 'commitment_amount')) * 3:.2f}")
    f.save()
    funds = CsvFile(seeds / "funds.csv")
    line = funds.line(funds.find(lambda r: r["fund_id"] == fund))
    return Expected("funds.csv", line, "committed_capital", "commitments_sum")


@case("mark_before_first_investment", "valuations.csv")
def _(seeds: Path) -> Expected:
    f = CsvFile(seeds / "valuations.csv")
    row = f.dicts()[0]
    first = _first_investment(seeds, row["fund_id"], row["company_id"])
    line = f.set(0, "valuation_date", _quarter_end_before(first).isoformat())
    f.save()
    return Expected("valuations.csv", line, "valuation_date", "before_first_investment")


@case("realization_before_first_investment", "realizations.csv")
def _(seeds: Path) -> Expected:
    f = CsvFile(seeds / "realizations.csv")
    row = f.dicts()[0]
    first = _first_investment(seeds, row["fund_id"], row["company_id"])
    line = f.set(0, "realization_date", (first - dt.timedelta(days=1)).isoformat())
    f.save()
    return Expected("realizations.csv", line, "realization_date", "before_first_investment")


@case("post_money_below_amount", "investments.csv")
def _(seeds: Path) -> Expected:
    f = CsvFile(seeds / "investments.csv")
    i = f.find(lambda r: r["post_money_valuation"] != "")
    amount = float(f.get(i, "amount"))
    line = f.set(i, "post_money_valuation", f"{amount / 2:.2f}")
    f.save()
    return Expected("investments.csv", line, "post_money_valuation", "post_money_below_amount")


set_cell(
    "money_kpi_without_currency",
    "company_kpis.csv",
    "currency",
    "",
    "currency_required",
    where=lambda r: r["metric_code"] in ("revenue", "arr", "cash_balance", "net_burn"),
)
set_cell("usd_row_in_fx_rates", "fx_rates.csv", "currency", "USD", "usd_rate")
set_cell("required_text_only_spaces", "companies.csv", "company_name", "   ", "required")
set_cell(
    "headcount_with_currency",
    "company_kpis.csv",
    "currency",
    "USD",
    "currency_not_allowed",
    where=lambda r: r["metric_code"] in ("headcount", "gross_margin_pct"),
)


@case("currency_without_fx_rates", "investments.csv")
def _(seeds: Path) -> Expected:
    used = {r["currency"] for r in CsvFile(seeds / "fx_rates.csv").dicts()}
    code = next(c for c in ("CHF", "SEK", "NOK", "AUD", "NZD", "XAU") if c not in used)
    f = CsvFile(seeds / "investments.csv")
    line = f.set(0, "currency", code)
    f.save()
    return Expected("investments.csv", line, "currency", "fx_missing")


@case("fx_history_too_short", "fx_rates.csv")
def _(seeds: Path) -> Expected:
    inv = CsvFile(seeds / "investments.csv")
    i = inv.find(lambda r: r["currency"] != "USD")
    currency, day = inv.get(i, "currency"), inv.get(i, "investment_date")
    fx = CsvFile(seeds / "fx_rates.csv")
    fx.records = [fx.records[0]] + [
        r
        for r, d in zip(fx.rows, fx.dicts(), strict=True)
        if not (d["currency"] == currency and d["rate_date"] <= day)
    ]
    fx._renumber()
    fx.save()
    return Expected("investments.csv", inv.line(i), "currency", "fx_missing")


@case("benchmark_history_missing", "fund_cash_flows.csv")
def _(seeds: Path) -> Expected:
    funds = CsvFile(seeds / "funds.csv")
    i = funds.find(lambda r: r["benchmark_index_code"] != "")
    fund, index = funds.get(i, "fund_id"), funds.get(i, "benchmark_index_code")
    closes = [
        _date(r["price_date"])
        for r in CsvFile(seeds / "market_index.csv").dicts()
        if r["index_code"] == index
    ]
    flows = CsvFile(seeds / "fund_cash_flows.csv")
    j = flows.find(lambda r: r["fund_id"] == fund)
    flows.set(j, "flow_date", (min(closes) - dt.timedelta(days=1)).isoformat())
    flows.save()
    return Expected("funds.csv", funds.line(i), "benchmark_index_code", "benchmark_missing")
