"""How the app shows numbers: money in the fund's currency, shares as percentages.

The rules, once for every page: money in the fund's currency with k/M/B; one
percentage format (one decimal, more only where one decimal would show 0.0%);
quarters as `2026 Q3`; a dash, never `None`/`NaN`, for a missing value; stages in
the order seed -> early -> growth.
"""

from __future__ import annotations

import math
import re

import pandas as pd
import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

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


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=])")


def plain(text: object) -> str:
    """Text with every markdown character escaped, for the elements that render markdown
    (st.warning, st.caption, ...): a fund or company name then shows as written."""
    return _MARKDOWN.sub(r"\\\1", str(text))


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


def pct(value: float | None, signed: bool = False) -> str:
    """A fraction as a percentage, one decimal: 0.1234 -> `12.3%`; 0.00042 -> `0.042%`
    (more digits only where one decimal would round a non-zero value to 0.0%)."""
    if is_missing(value):
        return DASH
    percent = float(value) * 100
    sign = "+" if signed and percent > 0 else ""
    if percent != 0 and abs(percent) < 0.05:
        return f"{sign}{percent:.2g}%"
    return f"{sign}{percent:.1f}%"


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


_MONEY_WORDS = (
    "cost",
    "value",
    "capital",
    "amount",
    "proceeds",
    "commitment",
    "revenue",
    "arr",
    "cash",
    "burn",
    "valuation",
)


def clean_decimals(df: pd.DataFrame) -> pd.DataFrame:
    """Money columns rounded to cents, other floats to 6 decimals (no 0.30000000000000004)."""
    out = df.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            name = str(column)
            money_like = any(w in name for w in _MONEY_WORDS) and not any(
                w in name for w in ("share", "growth", "pct", "moic", "rate", "months")
            )
            out[column] = out[column].round(2 if money_like else 6)
    return out


def download_csv(df: pd.DataFrame, name: str, key: str) -> None:
    """A button that downloads `df` (raw numbers with clean decimals, no formatting) as CSV."""
    st.download_button(
        "Download CSV",
        data=clean_decimals(df).to_csv(index=False).encode("utf-8"),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=key,
        icon=":material/download:",
    )


_PRINTF = re.compile(r"%(,?)(?:\.(\d+))?([dfs])")


def _formatter(config: object):
    """A function formatting one value the way a NumberColumn's format shows it."""
    if not isinstance(config, dict) or config.get("type_config", {}).get("type") != "number":
        return str
    spec = config["type_config"].get("format") or ""
    if spec == "percent":
        return pct
    if spec == "localized" or "%" not in spec:
        return number
    match = _PRINTF.search(spec)
    head, tail = spec[: match.start()], spec[match.end() :]
    comma, digits, kind = match.groups()
    digits = 0 if kind == "d" else int(digits or 6)
    return lambda v: f"{head}{float(v):{comma}.{digits}f}{tail}".replace("%%", "%")


def without_gaps(
    df: pd.DataFrame, column_config: dict, reason: str = "not reported"
) -> tuple[pd.DataFrame, dict]:
    """The frame for display: a number column with missing values becomes text, formatted
    as its column config formats it, with a dash where a value is missing (and the dash's
    reason in the column's help). Columns without gaps stay numbers (they sort as such)."""
    shown = df.copy()
    config = dict(column_config)
    for column in df.columns:
        if not df[column].isna().any():
            continue
        cfg = config.get(column)
        label = cfg if isinstance(cfg, str) else (cfg or {}).get("label") or column
        help_text = (cfg or {}).get("help") if isinstance(cfg, dict) else None
        fmt_one = _formatter(cfg)
        shown[column] = [DASH if is_missing(v) else fmt_one(v) for v in df[column]]
        note = f"{DASH} = {reason}."
        config[column] = st.column_config.TextColumn(
            label, help=f"{help_text} {note}" if help_text else note
        )
    return shown, config


def table(
    df: pd.DataFrame,
    column_config: dict,
    *,
    reason: str = "not reported",
    **kwargs: object,
) -> None:
    """st.dataframe with the project's rules: only the configured columns, in that order,
    no index, a dash (never None/NaN) for a missing value, shares as `12.3%` (the shown
    number is then the percentage: 12.3, not 0.123)."""
    shown, config = without_gaps(df[list(column_config)], column_config, reason)
    for column, cfg in config.items():
        # Streamlit's "percent" shows two decimals: show shares as the app's one format
        if isinstance(cfg, dict) and cfg.get("type_config", {}).get("format") == "percent":
            shown[column] = shown[column] * 100
            config[column] = st.column_config.NumberColumn(
                cfg.get("label"), help=cfg.get("help"), format="%.1f%%"
            )
    st.dataframe(shown, hide_index=True, column_config=config, **kwargs)
