"""How the app shows numbers and text: money in the fund's currency, shares as
percentages, user text as plain text, and CSV downloads a spreadsheet cannot run."""

from __future__ import annotations

import math
import re

import pandas as pd
import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

DASH = "—"

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
        for threshold, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
            if value >= threshold:
                return f"{sign}{prefix}{value / threshold:.1f}{suffix}"
    return f"{sign}{prefix}{value:,.0f}"


def pct(value: float | None, digits: int = 1) -> str:
    """A fraction as a percentage: 0.1234 -> `12.3%`."""
    if is_missing(value):
        return DASH
    return f"{float(value) * 100:.{digits}f}%"


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


def quarter_label(quarter_end: object) -> str:
    """2026-09-30 -> `2026 Q3 (30 Sep 2026)`."""
    ts = pd.Timestamp(quarter_end)
    return f"{ts.year} Q{ts.quarter} ({ts.day} {ts.strftime('%b %Y')})"


# --- column configs for st.dataframe (the underlying values stay raw for CSV) --


def money_column(label: str, currency: str, help: str | None = None) -> ColumnConfig:
    return st.column_config.NumberColumn(
        label, format=f"{currency_prefix(currency)}%,.0f", help=help
    )


def share_column(label: str, help: str | None = None) -> ColumnConfig:
    return st.column_config.NumberColumn(label, format="percent", help=help)


def multiple_column(label: str, help: str | None = None) -> ColumnConfig:
    return st.column_config.NumberColumn(label, format="%.2fx", help=help)


def count_column(label: str, help: str | None = None) -> ColumnConfig:
    return st.column_config.NumberColumn(label, format="%d", help=help)


def download_csv(df: pd.DataFrame, name: str, key: str) -> None:
    """A button that downloads `df` as shown (raw numbers, no formatting) as CSV, with
    cells a spreadsheet would run as formulas neutralized (see `neutralize_cell`)."""
    st.download_button(
        "Download CSV",
        data=csv_bytes(df),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=key,
        icon=":material/download:",
    )
