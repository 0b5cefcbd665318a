"""How FundLens shows numbers: money in the fund's currency, shares as percentages.

Pure functions (no Streamlit), shared by the app and the PDF report so both print
the same figure the same way.
"""

from __future__ import annotations

import math

import pandas as pd

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


def quarter_label(quarter_end: object) -> str:
    """2026-09-30 -> `2026 Q3 (30 Sep 2026)`."""
    ts = pd.Timestamp(quarter_end)
    return f"{ts.year} Q{ts.quarter} ({ts.day} {ts.strftime('%b %Y')})"
