"""The rules of the data contract as set-based SQL over the `raw` tables.

Row-level rules (required, accepted values, ranges, patterns, quarter/month ends,
foreign keys, unique values, primary keys) are generated from `fundlens.contract`;
the cross-file rules of the contract are written out below. Every check is a
SELECT returning `line, col, value, message` rows, one per problem, where `line`
is the `_line` of the row at fault (the editor line of the input file).

Checks are grouped by (file, rule) and each group returns at most `cap` problems
plus the count of the rest, so that a file with a million bad rows still gives a
short report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import duckdb

from fundlens.contract import FILES, METRIC_CODES, MONEY_METRICS, Column, InputFile
from fundlens.errors import Problem

# Tolerances of the cross-file rules (data contract).
SHARES_TOLERANCE = 0.001  # company_industries: shares of a company sum to 1 +- this
COMMITMENTS_TOLERANCE = 0.005  # commitments of a fund sum to committed_capital +- 0.5%

# Plain-English descriptions of the contract's patterns.
PATTERN_HELP = {
    r"[A-Z]{3}": "a 3-letter ISO 4217 currency code in capitals, e.g. USD",
    r"[A-Z]{2}": "a 2-letter ISO 3166-1 country code in capitals, e.g. US",
}

# Load status of an input file, as `load` reports it to `run_checks`.
OK = "ok"  # every row loaded
PARTIAL = "partial"  # some rows could not be read (they are reported already)
BROKEN = "broken"  # the file could not be read at all (its raw table is empty)


@dataclass(frozen=True)
class Check:
    """One SQL check. Problems are reported on `file` (an input file name)."""

    file: str
    rule: str
    sql: str  # SELECT line, col, value, message
    needs: frozenset[str] = frozenset()  # input files that must have loaded completely


@dataclass(frozen=True)
class Found:
    """The problems one (file, rule) group found: the first `cap` and the total count."""

    file: str
    rule: str
    problems: list[Problem]
    total: int


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _select(spec: InputFile, col: str | None, value: str, message: str, where: str) -> str:
    column = "NULL::VARCHAR" if col is None else lit(col)
    return (
        f"SELECT t._line AS line, {column} AS col, CAST({value} AS VARCHAR) AS value, "
        f"{message} AS message FROM raw.{spec.name} t WHERE {where}"
    )


def _bounds_text(c: Column) -> str:
    parts = []
    if c.min is not None:
        parts.append(f"{'>=' if c.min_inclusive else '>'} {c.min:g}")
    if c.max is not None:
        parts.append(f"{'<=' if c.max_inclusive else '<'} {c.max:g}")
    return " and ".join(parts)


# Control characters no text value may hold: C0 (except tab, LF, CR inside quotes), DEL, C1.
# They hide in names (NUL), or rewrite an operator's terminal (ESC).
CONTROL_CHARACTERS = "[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F]"


@dataclass(frozen=True)
class RowRule:
    """A row-level rule of the contract: which columns it applies to, when a value breaks
    it (`where`, SQL over the column `q`), and what the operator is told."""

    rule: str
    applies: Callable[[Column, InputFile], bool]
    where: Callable[[Column, str], str]
    message: Callable[[Column], str]
    reports_value: bool = True


def _is_required(c: Column, spec: InputFile) -> bool:
    return c.required or c.name in spec.primary_key


def _out_of_range(c: Column, q: str) -> str:
    out = []
    if c.min is not None:
        out.append(f"{q} {'<' if c.min_inclusive else '<='} {c.min!r}")
    if c.max is not None:
        out.append(f"{q} {'>' if c.max_inclusive else '>='} {c.max!r}")
    finite = f"isfinite({q})" if c.type == "decimal" else f"{q} IS NOT NULL"
    return f"{finite} AND ({' OR '.join(out)})"


ROW_RULES: tuple[RowRule, ...] = (
    RowRule(
        "required",
        _is_required,
        lambda c, q: f"{q} IS NULL" + (f" OR trim({q}) = ''" if c.type == "text" else ""),
        lambda c: f"{c.name} is required but this row leaves it empty",
        reports_value=False,
    ),
    RowRule(
        "control_character",
        lambda c, spec: c.type == "text",
        lambda c, q: f"regexp_matches({q}, {lit(CONTROL_CHARACTERS)})",
        lambda c: (
            f"{c.name} contains a control character (such as NUL or ESC); "
            "remove it (the value is shown with it escaped)"
        ),
    ),
    RowRule(
        "type",
        lambda c, spec: c.type == "decimal",
        lambda c, q: f"{q} IS NOT NULL AND NOT isfinite({q})",
        lambda c: f"{c.name} must be a finite decimal number",
    ),
    RowRule(
        "accepted_values",
        lambda c, spec: c.accepted is not None,
        lambda c, q: f"{q} IS NOT NULL AND {q} NOT IN ({', '.join(lit(v) for v in c.accepted)})",
        lambda c: f"{c.name} must be one of: {', '.join(c.accepted)} (case sensitive)",
    ),
    RowRule(
        "range",
        lambda c, spec: c.min is not None or c.max is not None,
        _out_of_range,
        lambda c: f"{c.name} must be {_bounds_text(c)}",
    ),
    RowRule(
        "pattern",
        lambda c, spec: c.pattern is not None,
        lambda c, q: f"{q} IS NOT NULL AND NOT regexp_full_match({q}, {lit(c.pattern)})",
        lambda c: f"{c.name} must be {PATTERN_HELP.get(c.pattern, f'text matching {c.pattern}')}",
    ),
    RowRule(
        "quarter_end",
        lambda c, spec: c.date_rule == "quarter_end",
        lambda c, q: f"{q} IS NOT NULL AND ({q} <> last_day({q}) OR month({q}) % 3 <> 0)",
        lambda c: (
            f"{c.name} must be a calendar quarter end "
            "(YYYY-03-31, YYYY-06-30, YYYY-09-30 or YYYY-12-31)"
        ),
    ),
    RowRule(
        "month_end",
        lambda c, spec: c.date_rule == "month_end",
        lambda c, q: f"{q} IS NOT NULL AND {q} <> last_day({q})",
        lambda c: f"{c.name} must be the last day of a month",
    ),
)


def row_checks(spec: InputFile) -> list[Check]:
    """The row-level checks of one input file, generated from its contract and ROW_RULES."""
    checks: list[Check] = []
    for c in spec.columns:
        q = f"t.{ident(c.name)}"
        for r in ROW_RULES:
            if r.applies(c, spec):
                value = q if r.reports_value else "NULL"
                sql = _select(spec, c.name, value, lit(r.message(c)), r.where(c, q))
                checks.append(Check(spec.name, r.rule, sql))
        if c.references is not None:
            checks.append(_foreign_key(spec, c))
        if c.unique:
            checks.append(_duplicates(spec, (c.name,), "unique"))
    if spec.primary_key:
        checks.append(_duplicates(spec, spec.primary_key, "primary_key"))
    return checks


def _foreign_key(spec: InputFile, c: Column) -> Check:
    ref_file, ref_col = c.references
    q, r = f"t.{ident(c.name)}", ident(ref_col)
    message = (
        f"{lit(c.name + ' ' + chr(39))} || {q} || "
        f"{lit(chr(39) + f' is not a {ref_col} in {ref_file}.csv')}"
    )
    where = f"{q} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM raw.{ref_file} r WHERE r.{r} = {q})"
    return Check(
        spec.name,
        "foreign_key",
        _select(spec, c.name, q, message, where),
        needs=frozenset({ref_file}),
    )


def _duplicates(spec: InputFile, cols: tuple[str, ...], rule: str) -> Check:
    """Each row after the first with the same values of `cols`."""
    keys = ", ".join(ident(c) for c in cols)
    on = " AND ".join(f"t.{ident(c)} = d.{ident(c)}" for c in cols)
    not_null = " AND ".join(f"{ident(c)} IS NOT NULL" for c in cols)
    value = " || ', ' || ".join(f"CAST(t.{ident(c)} AS VARCHAR)" for c in cols)
    label = ", ".join(cols)
    if rule == "unique":
        what = f"{label} must be unique; the same value is on line "
    else:
        what = f"duplicate primary key ({label}); the same key is on line "
    sql = (
        f"WITH d AS (SELECT {keys}, min(_line) AS first_line FROM raw.{spec.name} "
        f"WHERE {not_null} GROUP BY ALL HAVING count(*) > 1) "
        f"SELECT t._line AS line, {lit(label)} AS col, {value} AS value, "
        f"{lit(what)} || d.first_line AS message "
        f"FROM raw.{spec.name} t JOIN d ON {on} WHERE t._line > d.first_line"
    )
    return Check(spec.name, rule, sql)


def _first_investments() -> str:
    return (
        "SELECT fund_id, company_id, min(investment_date) AS first_date "
        "FROM raw.investments GROUP BY ALL"
    )


def _before_first_investment(file: str, date_col: str, what: str) -> Check:
    sql = f"""
        WITH fi AS ({_first_investments()})
        SELECT t._line AS line, {lit(date_col)} AS col, CAST(t.{date_col} AS VARCHAR) AS value,
            CASE WHEN fi.first_date IS NULL
                THEN 'fund ' || t.fund_id || ' has no investment in company ' || t.company_id
                    || ' in investments.csv; ' || {lit(what)} || ' needs one on or before it'
                ELSE {lit(what)} || ' is before the first investment of fund ' || t.fund_id
                    || ' in company ' || t.company_id || ' (' || fi.first_date || ')'
            END AS message
        FROM raw.{file} t LEFT JOIN fi USING (fund_id, company_id)
        WHERE t.{date_col} IS NOT NULL AND t.fund_id IS NOT NULL AND t.company_id IS NOT NULL
            AND (fi.first_date IS NULL OR t.{date_col} < fi.first_date)
    """
    return Check(file, "before_first_investment", sql, frozenset({"investments"}))


_FIRST_RATES = "SELECT currency, min(rate_date) AS first_date FROM raw.fx_rates GROUP BY ALL"

# (file, date column, extra filter) of every amount converted into its fund's currency.
# (Company KPIs stay in the company's own currency: they need no rate.)
_CONVERTED = (
    ("investments", "investment_date", "TRUE"),
    ("realizations", "realization_date", "TRUE"),
    ("valuations", "valuation_date", "TRUE"),
)


def _fx_local(file: str, date_col: str, where: str) -> Check:
    """A non-USD amount needs a rate of its currency on or before its date."""
    sql = f"""
        WITH fr AS ({_FIRST_RATES})
        SELECT t._line AS line, 'currency' AS col, t.currency AS value,
            'fx_rates.csv has no ' || t.currency || ' rate on or before ' || t.{date_col}
                || ' (' || {lit(date_col)} || ' of this row); '
                || coalesce('its first ' || t.currency || ' rate is on ' || fr.first_date,
                            'it has no ' || t.currency || ' rate at all') AS message
        FROM raw.{file} t LEFT JOIN fr ON fr.currency = t.currency
        WHERE {where} AND t.currency <> 'USD' AND t.{date_col} IS NOT NULL
            AND (fr.first_date IS NULL OR fr.first_date > t.{date_col})
    """
    return Check(file, "fx_missing", sql, frozenset({"fx_rates"}))


def _fx_fund(file: str, date_col: str) -> Check:
    """An amount converted into a non-USD fund currency needs a rate of that currency."""
    sql = f"""
        WITH fr AS ({_FIRST_RATES})
        SELECT t._line AS line, 'fund_id' AS col, t.fund_id AS value,
            'fund ' || f.fund_id || ' reports in ' || f.currency || ', so converting this '
                || t.currency || ' amount needs a ' || f.currency
                || ' rate in fx_rates.csv on or before ' || t.{date_col} || '; '
                || coalesce('the first one is on ' || fr.first_date, 'there is none') AS message
        FROM raw.{file} t JOIN raw.funds f USING (fund_id)
            LEFT JOIN fr ON fr.currency = f.currency
        WHERE f.currency <> 'USD' AND t.currency IS NOT NULL AND t.currency <> f.currency
            AND t.{date_col} IS NOT NULL
            AND (fr.first_date IS NULL OR fr.first_date > t.{date_col})
    """
    return Check(file, "fx_missing", sql, frozenset({"fx_rates", "funds"}))


def cross_file_checks() -> list[Check]:
    """The rules of the data contract that look at more than one row or column."""
    money = ", ".join(lit(m) for m in MONEY_METRICS)
    other = ", ".join(lit(m) for m in METRIC_CODES if m not in MONEY_METRICS)
    checks = [
        Check(
            "company_industries",
            "shares_sum",
            f"""
            SELECT min(_line) AS line, 'revenue_share' AS col,
                CAST(round(sum(revenue_share), 6) AS VARCHAR) AS value,
                'the revenue_share values of company ' || company_id || ' sum to '
                    || round(sum(revenue_share), 6)
                    || '; they must sum to 1 (tolerance {SHARES_TOLERANCE})' AS message
            FROM raw.company_industries WHERE company_id IS NOT NULL
            GROUP BY company_id
            HAVING abs(sum(revenue_share) - 1) > {SHARES_TOLERANCE}
            """,
            frozenset({"company_industries"}),
        ),
        Check(
            "funds",
            "commitments_sum",
            f"""
            WITH c AS (SELECT fund_id, sum(commitment_amount) AS total, count(*) AS n
                       FROM raw.commitments GROUP BY ALL)
            SELECT f._line AS line, 'committed_capital' AS col,
                CAST(f.committed_capital AS VARCHAR) AS value,
                'the ' || coalesce(c.n, 0) || ' commitment(s) of fund ' || f.fund_id
                    || ' in commitments.csv sum to ' || round(coalesce(c.total, 0), 2)
                    || ', but committed_capital is ' || f.committed_capital
                    || '; they must match within 0.5%' AS message
            FROM raw.funds f LEFT JOIN c USING (fund_id)
            WHERE isfinite(f.committed_capital) AND abs(coalesce(c.total, 0)
                - f.committed_capital) > {COMMITMENTS_TOLERANCE} * f.committed_capital
            """,
            frozenset({"funds", "commitments"}),
        ),
        _before_first_investment("realizations", "realization_date", "a realization"),
        _before_first_investment("valuations", "valuation_date", "a valuation"),
        Check(
            "investments",
            "post_money_below_amount",
            """
            SELECT _line AS line, 'post_money_valuation' AS col,
                CAST(post_money_valuation AS VARCHAR) AS value,
                'post_money_valuation must be at least the amount invested ('
                    || amount || ')' AS message
            FROM raw.investments
            WHERE isfinite(post_money_valuation) AND isfinite(amount)
                AND post_money_valuation < amount
            """,
        ),
        Check(
            "fx_rates",
            "usd_rate",
            """
            SELECT _line AS line, 'currency' AS col, currency AS value,
                'rates are units per USD, so USD is always 1 and needs no rows: '
                    || 'remove this row' AS message
            FROM raw.fx_rates WHERE currency = 'USD'
            """,
        ),
        Check(
            "company_kpis",
            "currency_required",
            f"""
            SELECT _line AS line, 'currency' AS col, NULL AS value,
                'metric ' || metric_code || ' is a money amount: currency is required'
                    AS message
            FROM raw.company_kpis WHERE metric_code IN ({money}) AND currency IS NULL
            """,
        ),
        Check(
            "company_kpis",
            "currency_not_allowed",
            f"""
            SELECT _line AS line, 'currency' AS col, currency AS value,
                'metric ' || metric_code || ' is not a money amount: leave currency empty'
                    AS message
            FROM raw.company_kpis WHERE metric_code IN ({other}) AND currency IS NOT NULL
            """,
        ),
        Check(
            "funds",
            "benchmark_missing",
            """
            WITH ff AS (SELECT fund_id, min(flow_date) AS first_flow
                        FROM raw.fund_cash_flows GROUP BY ALL),
                 mi AS (SELECT index_code, min(price_date) AS first_close
                        FROM raw.market_index GROUP BY ALL)
            SELECT f._line AS line, 'benchmark_index_code' AS col,
                f.benchmark_index_code AS value,
                'market_index.csv has no close of ' || f.benchmark_index_code
                    || ' on or before the first cash flow of fund ' || f.fund_id
                    || ' (' || ff.first_flow || '); its first close is on '
                    || mi.first_close AS message
            FROM raw.funds f JOIN ff USING (fund_id)
                JOIN mi ON mi.index_code = f.benchmark_index_code
            WHERE mi.first_close > ff.first_flow
            """,
            frozenset({"fund_cash_flows", "market_index"}),
        ),
    ]
    for file, date_col, where in _CONVERTED:
        checks.append(_fx_local(file, date_col, where))
        checks.append(_fx_fund(file, date_col))
    return checks


def all_checks() -> list[Check]:
    checks = [c for spec in FILES.values() for c in row_checks(spec)]
    return checks + cross_file_checks()


def run_checks(
    con: duckdb.DuckDBPyConnection,
    status: Mapping[str, str],
    *,
    cap: int = 20,
    checks: Iterable[Check] | None = None,
) -> list[Found]:
    """Run the checks whose inputs loaded well enough; return what each group found.

    A check runs when its own file is not BROKEN and every file it `needs` is OK:
    rows that could not be read would otherwise show up as false orphans or sums.
    """
    groups: dict[tuple[str, str], list[str]] = {}
    for check in all_checks() if checks is None else checks:
        if status.get(check.file) == BROKEN:
            continue
        if any(status.get(n) != OK for n in check.needs):
            continue
        groups.setdefault((check.file, check.rule), []).append(check.sql)
    found = []
    for (file, rule), sqls in groups.items():
        union = "\nUNION ALL\n".join(f"({s})" for s in sqls)
        rows = con.execute(
            f"SELECT line, col, value, message, count(*) OVER () AS total "
            f"FROM ({union}) q ORDER BY line NULLS FIRST, col LIMIT {int(cap)}"
        ).fetchall()
        if not rows:
            continue
        filename = FILES[file].filename
        problems = [
            Problem(filename, line, col, rule, value, msg) for line, col, value, msg, _ in rows
        ]
        found.append(Found(file, rule, problems, int(rows[0][4])))
    return found
