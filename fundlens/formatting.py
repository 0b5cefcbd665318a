"""How FundLens shows numbers: money in the fund's currency, shares as percentages.

Pure functions (no Streamlit), shared by the app and the PDF report so both print the
same figure the same way. The rules, once for everything: money in the fund's currency
with k/M/B; one percentage format (one decimal, more only where one decimal would show
0.0%); quarters as `2026 Q3`; a dash, never `None`/`NaN`, for a missing value (`n/m`
for an IRR that is not meaningful); stages in the order seed -> early -> growth.
"""

from __future__ import annotations

import math
import re

import pandas as pd

DASH = "—"
NOT_MEANINGFUL = "n/m"
STAGES = ("seed", "early", "growth")  # the one order stages are shown in

# Currencies with a symbol people read without thinking; others show their ISO code.
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "CN¥", "INR": "₹", "KRW": "₩"}


_ACRONYMS = {"ai": "AI", "ml": "ML", "ipo": "IPO", "usa": "USA"}


def is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def currency_prefix(currency: str) -> str:
    """'$' for USD, '€' for EUR, 'SEK ' for a currency without a common symbol."""
    return _SYMBOLS.get(currency, f"{currency} ")


def money(value: float | None, currency: str, compact: bool = True) -> str:
    """`$12.3M` (compact) or `$12,345,678`; `—` for a missing value."""
    if is_missing(value):
        return DASH
    sign = "-" if value < 0 else ""
    value = abs(float(value))
    prefix = currency_prefix(currency)
    if compact:
        for threshold, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
            if value >= threshold:
                return f"{sign}{prefix}{value / threshold:.1f}{suffix}"
    return f"{sign}{prefix}{value:,.0f}"


def pct(value: float | None, digits: int = 1, *, signed: bool = False) -> str:
    """A fraction as a percentage, one decimal by default: 0.1234 -> `12.3%`; 0.00042 ->
    `0.042%` (more digits only where the rounding would show a non-zero value as 0.0%)."""
    if is_missing(value):
        return DASH
    percent = float(value) * 100
    sign = "+" if signed and percent > 0 else ""
    if percent != 0 and round(percent, digits) == 0:
        return f"{sign}{percent:.2g}%"
    return f"{sign}{percent:.{digits}f}%"


def points(value: float | None) -> str:
    """A change in a share, in percentage points: 0.0123 -> `+1.2 pp`."""
    if is_missing(value):
        return DASH
    percent = float(value) * 100
    if round(percent, 1) == 0:
        return "0.0 pp"
    return f"{percent:+.1f} pp"


def multiple(value: float | None) -> str:
    """A multiple of capital: 1.4523 -> `1.45x`."""
    if is_missing(value):
        return DASH
    return f"{float(value):.2f}x"


def number(value: float | None, digits: int = 0) -> str:
    if is_missing(value):
        return DASH
    return f"{float(value):,.{digits}f}"


def humanize(code: str | None) -> str:
    """`north_america` -> `North America`, `physical_ai` -> `Physical AI`."""
    if code is None or is_missing(code):
        return DASH
    words = str(code).replace("_", " ").split()
    return " ".join(_ACRONYMS.get(w.lower(), w.capitalize()) for w in words)


def quarter_label(quarter_end: object) -> str:
    """2026-09-30 -> `2026 Q3`."""
    if is_missing(quarter_end):
        return DASH
    ts = pd.Timestamp(quarter_end)
    return f"{ts.year} Q{ts.quarter}"


def stage_sort_key(stage: object) -> int:
    """Position of a stage code (or its label) in seed -> early -> growth; others last."""
    code = str(stage).lower()
    return STAGES.index(code) if code in STAGES else len(STAGES)


IRR_MIN_YEARS = 1.0
IRR_HELP = (
    "Shown as n/m (not meaningful) until the fund is a year old: an annualised return "
    "over a few months says nothing about the fund (GIPS does not show it either). "
    "— where the flows have no IRR (for example, flows of one sign only)."
)


def irr(value: float | None, years: float | None) -> str:
    """An IRR as a percentage, `n/m` when the fund is younger than a year."""
    if years is not None and not is_missing(years) and years < IRR_MIN_YEARS:
        return NOT_MEANINGFUL
    return pct(value)


# --- user text: plain, whatever it holds ------------------------------------

# CommonMark lets any ASCII punctuation be escaped with a backslash, and then shows it
# as it is: no emphasis, links, HTML, headings, tables, LaTeX ($), or Streamlit's
# :colour[...] / :material/...: directives.
_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(text: object) -> str:
    """`text` (from the input files or a run record) made safe to pass to st.markdown,
    st.caption, st.error & co.: shown exactly as written, on one line."""
    if text is None or is_missing(text):
        return DASH
    text = _CONTROL.sub(" ", str(text).replace("\r\n", " ").replace("\n", " "))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def plain_lines(text: object) -> str:
    """Like `plain`, keeping line breaks (for multi-line reports)."""
    if text is None or is_missing(text):
        return DASH
    return "  \n".join(plain(line) for line in str(text).splitlines())


# --- CSV downloads -----------------------------------------------------------

# OWASP (CSV injection): a cell starting with one of these may be run as a formula by
# a spreadsheet; prefixing a single quote makes it text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?")


def neutralize_cell(value: object) -> object:
    """A text cell a spreadsheet would run as a formula, prefixed with `'`; numbers
    (and text that is just a number, such as -5) unchanged."""
    risky = isinstance(value, str) and value.startswith(FORMULA_START)
    return "'" + value if risky and not _PLAIN_NUMBER.fullmatch(value) else value


def neutralize(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with every text cell passed through `neutralize_cell`; numeric columns as
    they are, so numbers round-trip."""
    out = df.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(neutralize_cell)
    return out


def csv_bytes(df: pd.DataFrame) -> bytes:
    """What the Download CSV button gives: raw values, formulas neutralized, RFC 4180 line
    ends (so a carriage return inside a value is quoted, not a line break)."""
    return neutralize(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8")
