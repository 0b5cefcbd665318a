"""The input half of the data contract (docs/data-contract.md) as data.

One definition drives the loader (column types for DuckDB's CSV reader), the
row-level validation rules, and the demo data generator. Cross-file rules
(look-through shares summing to 1, commitments matching the fund size, ...) live
in `validate.py`, next to the SQL that checks them.
"""

from __future__ import annotations

from dataclasses import dataclass

# Contract type -> DuckDB type used when reading the CSV. Booleans are read as text
# so that only the literal `true`/`false` of the contract is accepted.
DUCKDB_TYPES = {
    "text": "VARCHAR",
    "integer": "BIGINT",
    "decimal": "DOUBLE",
    "date": "DATE",
    "boolean": "VARCHAR",
}

SEGMENT_GROUPS = ("ai_infrastructure", "physical_ai")
REGIONS = ("north_america", "europe", "middle_east_africa", "asia_pacific", "latin_america")
ROUND_LABELS = (
    "pre_seed",
    "seed",
    "series_a",
    "series_b",
    "series_c",
    "series_d_plus",
    "growth",
    "bridge",
)
INSTRUMENTS = ("equity", "safe", "convertible_note")
REALIZATION_TYPES = ("acquisition", "ipo_sale", "secondary_sale", "dividend", "liquidation")
VALUATION_METHODS = ("last_round", "comparables", "dcf", "exit_price", "write_down", "write_off")
FLOW_TYPES = ("capital_call", "distribution")
FLOW_PURPOSES = ("investment", "management_fee", "fund_expenses", "return_of_capital", "gain")
LP_TYPES = (
    "pension",
    "endowment",
    "foundation",
    "fund_of_funds",
    "family_office",
    "sovereign_wealth",
    "insurance",
    "corporate",
    "individual",
)
METRIC_CODES = ("revenue", "arr", "gross_margin_pct", "headcount", "cash_balance", "net_burn")
MONEY_METRICS = ("revenue", "arr", "cash_balance", "net_burn")
BOOLEANS = ("true", "false")


@dataclass(frozen=True)
class Column:
    """One column of an input file and the row-level rules on it."""

    name: str
    type: str  # a key of DUCKDB_TYPES
    required: bool = False
    accepted: tuple[str, ...] | None = None  # enumeration (case sensitive)
    min: float | None = None
    min_inclusive: bool = True
    max: float | None = None
    max_inclusive: bool = True
    pattern: str | None = None  # regular expression the whole value must match
    date_rule: str | None = None  # "quarter_end" or "month_end"
    references: tuple[str, str] | None = None  # (file, column) it must exist in
    unique: bool = False  # unique on its own (besides the primary key)

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES[self.type]


@dataclass(frozen=True)
class InputFile:
    """One input CSV (`<name>.csv`)."""

    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    reference: bool = False  # may be left out of an operator's --seeds DIR

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name: str, type_: str = "text", **rules) -> Column:
    return Column(name, type_, **rules)


CURRENCY = r"[A-Z]{3}"  # ISO 4217 alphabetic code
YEAR = {"min": 1900, "max": 2100}

FILES: dict[str, InputFile] = {
    f.name: f
    for f in (
        # -- reference data ------------------------------------------------------------
        InputFile(
            "segments",
            (
                _c("segment_code", required=True),
                _c("segment_name", required=True),
                _c("segment_group", required=True, accepted=SEGMENT_GROUPS),
                _c("description"),
            ),
            ("segment_code",),
            reference=True,
        ),
        InputFile(
            "industries",
            (_c("industry_code", required=True), _c("industry_name", required=True)),
            ("industry_code",),
            reference=True,
        ),
        InputFile(
            "countries",
            (
                _c("country_code", required=True, pattern=r"[A-Z]{2}"),
                _c("country_name", required=True),
                _c("region", required=True, accepted=REGIONS),
            ),
            ("country_code",),
            reference=True,
        ),
        # -- portfolio -----------------------------------------------------------------
        InputFile(
            "funds",
            (
                _c("fund_id", required=True),
                _c("fund_name", required=True),
                _c("vintage_year", "integer", required=True, min=1980, max=2100),
                _c("currency", required=True, pattern=CURRENCY),
                _c("committed_capital", "decimal", required=True, min=0, min_inclusive=False),
                _c("benchmark_index_code", references=("market_index", "index_code")),
            ),
            ("fund_id",),
        ),
        InputFile(
            "companies",
            (
                _c("company_id", required=True),
                _c("company_name", required=True, unique=True),
                _c("segment_code", required=True, references=("segments", "segment_code")),
                _c("hq_country", required=True, references=("countries", "country_code")),
                _c("founded_year", "integer", **YEAR),
                _c("description"),
            ),
            ("company_id",),
        ),
        InputFile(
            "company_industries",
            (
                _c("company_id", required=True, references=("companies", "company_id")),
                _c("industry_code", required=True, references=("industries", "industry_code")),
                _c("revenue_share", "decimal", required=True, min=0, min_inclusive=False, max=1),
            ),
            ("company_id", "industry_code"),
        ),
        InputFile(
            "investments",
            (
                _c("investment_id", required=True),
                _c("fund_id", required=True, references=("funds", "fund_id")),
                _c("company_id", required=True, references=("companies", "company_id")),
                _c("investment_date", "date", required=True),
                _c("round_label", required=True, accepted=ROUND_LABELS),
                _c("instrument", required=True, accepted=INSTRUMENTS),
                _c("amount", "decimal", required=True, min=0, min_inclusive=False),
                _c("currency", required=True, pattern=CURRENCY),
                _c("post_money_valuation", "decimal", min=0),
                _c("ownership_pct", "decimal", min=0, min_inclusive=False, max=100),
            ),
            ("investment_id",),
        ),
        InputFile(
            "realizations",
            (
                _c("realization_id", required=True),
                _c("fund_id", required=True, references=("funds", "fund_id")),
                _c("company_id", required=True, references=("companies", "company_id")),
                _c("realization_date", "date", required=True),
                _c("proceeds", "decimal", required=True, min=0),
                _c("currency", required=True, pattern=CURRENCY),
                _c("realization_type", required=True, accepted=REALIZATION_TYPES),
                _c("is_full_exit", "boolean", required=True, accepted=BOOLEANS),
            ),
            ("realization_id",),
        ),
        InputFile(
            "valuations",
            (
                _c("fund_id", required=True, references=("funds", "fund_id")),
                _c("company_id", required=True, references=("companies", "company_id")),
                _c("valuation_date", "date", required=True, date_rule="quarter_end"),
                _c("fair_value", "decimal", required=True, min=0),
                _c("currency", required=True, pattern=CURRENCY),
                _c("valuation_method", required=True, accepted=VALUATION_METHODS),
            ),
            ("fund_id", "company_id", "valuation_date"),
        ),
        InputFile(
            "fund_cash_flows",
            (
                _c("cash_flow_id", required=True),
                _c("fund_id", required=True, references=("funds", "fund_id")),
                _c("flow_date", "date", required=True),
                _c("flow_type", required=True, accepted=FLOW_TYPES),
                _c("amount", "decimal", required=True, min=0, min_inclusive=False),
                _c("purpose", accepted=FLOW_PURPOSES),
            ),
            ("cash_flow_id",),
        ),
        InputFile(
            "fund_navs",
            (
                _c("fund_id", required=True, references=("funds", "fund_id")),
                _c("nav_date", "date", required=True, date_rule="quarter_end"),
                _c("net_asset_value", "decimal", required=True, min=0),
            ),
            ("fund_id", "nav_date"),
        ),
        InputFile(
            "lps",
            (
                _c("lp_id", required=True),
                _c("lp_name", required=True),
                _c("lp_type", required=True, accepted=LP_TYPES),
            ),
            ("lp_id",),
        ),
        InputFile(
            "commitments",
            (
                _c("lp_id", required=True, references=("lps", "lp_id")),
                _c("fund_id", required=True, references=("funds", "fund_id")),
                _c("commitment_amount", "decimal", required=True, min=0, min_inclusive=False),
                _c("commitment_date", "date", required=True),
            ),
            ("lp_id", "fund_id"),
        ),
        InputFile(
            "company_kpis",
            (
                _c("company_id", required=True, references=("companies", "company_id")),
                _c("period_end", "date", required=True, date_rule="month_end"),
                _c("metric_code", required=True, accepted=METRIC_CODES),
                _c("value", "decimal", required=True),
                _c("currency", pattern=CURRENCY),
            ),
            ("company_id", "period_end", "metric_code"),
        ),
        # -- market figures ------------------------------------------------------------
        InputFile(
            "market_sizes",
            (
                _c("segment_code", required=True, references=("segments", "segment_code")),
                _c("year", "integer", required=True, **YEAR),
                _c("market_size_usd_bn", "decimal", required=True, min=0, min_inclusive=False),
                _c("is_estimate", "boolean", required=True, accepted=BOOLEANS),
                _c("source"),
            ),
            ("segment_code", "year"),
        ),
        InputFile(
            "market_index",
            (
                _c("index_code", required=True),
                _c("price_date", "date", required=True),
                _c("close", "decimal", required=True, min=0, min_inclusive=False),
            ),
            ("index_code", "price_date"),
        ),
        InputFile(
            "fx_rates",
            (
                _c("rate_date", "date", required=True),
                _c("currency", required=True, pattern=CURRENCY),
                _c("units_per_usd", "decimal", required=True, min=0, min_inclusive=False),
            ),
            ("rate_date", "currency"),
        ),
    )
}
