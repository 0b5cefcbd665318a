"""How the app shows numbers: Streamlit column configs, tables and the CSV download.

The formatting rules themselves live in `fundlens.formatting` (shared with the PDF
report) and are re-exported here, so pages keep writing `fmt.money(...)`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd
import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

from fundlens.formatting import (  # noqa: F401  (re-exported for the pages)
    DASH,
    IRR_HELP,
    IRR_MIN_YEARS,
    NOT_MEANINGFUL,
    STAGES,
    csv_bytes,
    currency_prefix,
    humanize,
    irr,
    is_missing,
    money,
    multiple,
    neutralize,
    number,
    pct,
    plain,
    plain_lines,
    points,
    quarter_label,
    stage_sort_key,
)

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


def download_csv(
    df: pd.DataFrame,
    name: str,
    key: str,
    on_click: Callable[..., None] | None = None,
    args: tuple = (),
) -> None:
    """A button that downloads `df` (raw numbers with clean decimals, no formatting) as CSV,
    cells a spreadsheet would run as formulas neutralized (`neutralize_cell`);
    `on_click(*args)` runs when it is clicked (the audit of LP downloads)."""
    st.download_button(
        "Download CSV",
        data=csv_bytes(clean_decimals(df)),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=key,
        icon=":material/download:",
        on_click=on_click or "rerun",
        args=args,
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
