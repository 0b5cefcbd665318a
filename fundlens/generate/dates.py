"""Dates, number formats and the simulated FX series of the generator."""

from __future__ import annotations

import bisect
import calendar
import math
import random
from datetime import date, timedelta
from functools import cache

from fundlens.generate.reference import FX_BASE


@cache  # a few hundred distinct months, asked for millions of times at scale
def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(d: date, n: int) -> date:
    """The month end n months after d's month."""
    m = d.year * 12 + d.month - 1 + n
    return month_end(m // 12, m % 12 + 1)


def quarter_end_on_or_after(d: date) -> date:
    return month_end(d.year, (d.month - 1) // 3 * 3 + 3)


def month_ends(start: date, end: date) -> list[date]:
    out, d = [], add_months(start, 0)
    while d <= end:
        out.append(d)
        d = add_months(d, 1)
    return out


def quarter_ends(start: date, end: date) -> list[date]:
    out, d = [], quarter_end_on_or_after(start)
    while d <= end:
        out.append(d)
        d = add_months(d, 3)
    return out


def rand_date(rng: random.Random, lo: date, hi: date) -> date:
    """A random date in [lo, hi], never a quarter end (exits and rounds fall mid-quarter)."""
    d = lo + timedelta(days=rng.randint(0, max((hi - lo).days, 0)))
    return d - timedelta(days=1) if d == quarter_end_on_or_after(d) else d


def sig3(x: float) -> float:
    """Round to three significant digits (deal sizes and valuations look negotiated)."""
    if x <= 0:
        return 0.0
    return round(x, 2 - math.floor(math.log10(x)))


def money(x: float) -> str:
    return f"{x:.2f}"


def decimal(x: float, places: int) -> str:
    s = f"{x:.{places}f}".rstrip("0").rstrip(".")
    return s if s not in ("", "-0") else "0"


class Fx:
    """Month-end units per USD for every currency; lookup = latest rate on or before."""

    def __init__(self, rng: random.Random, dates: list[date]) -> None:
        self.dates = dates
        self.index = {d: i for i, d in enumerate(dates)}  # the month ends, asked most
        self.rates: dict[str, list[float]] = {}
        for ccy, (base, vol) in FX_BASE.items():
            level, series = base, []
            for _ in dates:
                level *= math.exp(rng.gauss(0.0, vol))
                level = min(max(level, base * 0.7), base * 1.4)  # keep it plausible
                series.append(level)
            self.rates[ccy] = [round(r, 6) for r in series]

    def rate(self, ccy: str, d: date) -> float:
        if ccy == "USD":
            return 1.0
        i = self.index.get(d)
        if i is None:
            i = bisect.bisect_right(self.dates, d) - 1
        if i < 0:
            raise ValueError(f"no {ccy} rate on or before {d}")
        return self.rates[ccy][i]

    def convert(self, amount: float, from_ccy: str, to_ccy: str, d: date) -> float:
        return amount / self.rate(from_ccy, d) * self.rate(to_ccy, d)
