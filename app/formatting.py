"""How the app shows numbers: Streamlit column configs and the CSV download button.

The formatting rules themselves live in `fundlens.formatting` (shared with the PDF
report) and are re-exported here, so pages keep writing `fmt.money(...)`.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

from fundlens.formatting import (  # noqa: F401  (re-exported for the pages)
    DASH,
    currency_prefix,
    humanize,
    is_missing,
    money,
    multiple,
    number,
    pct,
    quarter_label,
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


def download_csv(df: pd.DataFrame, name: str, key: str) -> None:
    """A button that downloads `df` as shown (raw numbers, no formatting) as CSV."""
    st.download_button(
        "Download CSV",
        data=df.to_csv(index=False).encode("utf-8"),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=key,
        icon=":material/download:",
    )
