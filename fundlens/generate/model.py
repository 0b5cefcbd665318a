"""The generator's entities (funds, rounds, companies, holdings) and how the first two
lists of them are drawn: funds (curated, then synthetic) and companies with their
segment, country, end markets, outcome and lead fund.

The entities use slots and keep their quarterly figures (a company's value path, a
holding's marks) in `Quarterly` arrays: the whole portfolio stays in memory until it
is written, so its footprint per company decides how large a portfolio fits."""

from __future__ import annotations

import random
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from fundlens.generate.dates import add_months, quarter_end_on_or_after, quarter_ends
from fundlens.generate.reference import (
    AS_OF,
    COUNTRIES,
    COUNTRY,
    CURATED,
    CURATED_FUNDS,
    INDUSTRIES,
    NAME_PREFIXES,
    NAME_SUFFIXES,
    SEGMENTS,
)


class Quarterly:
    """A float per quarter end, for consecutive quarter ends from the one on or after
    `first` on: a mapping of quarter end to value (`series[q]`, `q in series`,
    `series.get(q, default)`) stored as an array of doubles, a fifth of a dict's memory."""

    __slots__ = ("first", "values")

    def __init__(self, first: date, values: Iterable[float] = ()) -> None:
        self.first = quarter_end_on_or_after(first)
        self.values = array("d", values)

    @property
    def last(self) -> date:
        """The last quarter end with a value (the one before `first` if there is none)."""
        return add_months(self.first, 3 * len(self.values) - 3)

    def _index(self, q: date) -> int:  # q: a quarter end
        return (q.year - self.first.year) * 4 + (q.month - self.first.month) // 3

    def __contains__(self, q: date) -> bool:
        return q == quarter_end_on_or_after(q) and 0 <= self._index(q) < len(self.values)

    def __getitem__(self, q: date) -> float:  # q: a quarter end
        n = self._index(q)
        if not 0 <= n < len(self.values):
            raise KeyError(q)
        return self.values[n]

    def get(self, q: date, default: float) -> float:
        return self.values[self._index(q)] if q in self else default

    def items(self, lo: date | None = None, hi: date | None = None) -> Iterator[tuple[date, float]]:
        """(quarter end, value) for the quarter ends from lo to hi (default: all of them)."""
        quarters = quarter_ends(lo or self.first, hi or self.last)
        n = self._index(quarters[0]) if quarters else 0
        if n < 0 or n + len(quarters) > len(self.values):
            raise KeyError(f"no values for every quarter end from {lo} to {hi}")
        return zip(quarters, self.values[n : n + len(quarters)], strict=True)

    def latest_before(self, d: date) -> date:
        """The latest quarter end with a value before d: `max(q for q in self if q < d)`."""
        q = min(add_months(quarter_end_on_or_after(d), -3), self.last)
        if q < self.first:
            raise ValueError(f"no value before {d}")
        return q


@dataclass(slots=True)
class Fund:
    fund_id: str
    name: str
    vintage: int
    currency: str
    committed: float
    first_close: date
    benchmarked: bool
    lead_count: int = 0

    @property
    def entry_window(self) -> tuple[date, date]:
        end = min(self.first_close + timedelta(days=1280), AS_OF - timedelta(days=270))
        return self.first_close + timedelta(days=20), end


@dataclass(slots=True)
class Round:
    when: date
    label: str
    instrument: str
    post: float  # post-money (for safes and notes: the notional cap, not published)
    raise_amount: float

    @property
    def priced(self) -> bool:
        return self.instrument == "equity"


@dataclass(slots=True)
class Company:
    index: int
    company_id: str
    name: str
    segment: str
    country: str
    founded: int
    description: str
    industries: list[tuple[str, int]]  # (industry_code, percent)
    outcome: str
    flag: str
    lead: int
    first_round: date = date.min
    rounds: list[Round] = field(default_factory=list)
    values: Quarterly = field(default_factory=lambda: Quarterly(date.min))
    exit_date: date | None = None
    exit_value: float = 0.0
    decline_start: date | None = None
    write_off_q: date | None = None

    @property
    def deal_ccy(self) -> str:
        return COUNTRY[self.country][4]

    @property
    def report_ccy(self) -> str:
        return COUNTRY[self.country][3]


@dataclass(slots=True)
class Holding:
    fund: Fund
    company: Company
    budget: float  # deal currency
    flag: str = ""
    entry: int = 0  # index of the company round the fund first invests in
    # (date, round label, instrument, amount, post-money or None, ownership after or None)
    investments: list[tuple[date, str, str, float, float | None, float | None]] = field(
        default_factory=list
    )
    marks: Quarterly = field(default_factory=lambda: Quarterly(date.min))  # fair values
    methods: list[str] = field(default_factory=list)  # the valuation method of each mark
    # (date, proceeds, realization type, is full exit, fraction of the stake sold)
    realizations: list[tuple[date, float, str, bool, float]] = field(default_factory=list)


def company_names(n: int) -> list[str]:
    names = [c[0] for c in CURATED[:n]]
    i = 0
    while len(names) < n:
        p = NAME_PREFIXES[i % len(NAME_PREFIXES)]
        s = NAME_SUFFIXES[i // len(NAME_PREFIXES) % len(NAME_SUFFIXES)]
        lap = i // (len(NAME_PREFIXES) * len(NAME_SUFFIXES))
        names.append(f"{p} {s}" + (f" {lap + 1}" if lap else ""))
        i += 1
    return names


def build_funds(rng: random.Random, n: int) -> list[Fund]:
    funds = []
    width = max(3, len(str(n)))
    for k in range(n):
        if k < len(CURATED_FUNDS):
            name, vintage, ccy, committed, first_close, bench = CURATED_FUNDS[k]
        else:
            vintage = 2013 + (k * 7) % 8  # 2013-2020: about 40 quarters on average
            ccy = rng.choice(("USD", "USD", "EUR", "GBP"))
            committed = rng.randint(10, 80) * 5_000_000
            first_close = date(vintage, rng.randint(1, 9), rng.randint(1, 28))
            name, bench = f"Synthetic Frontier Fund {k + 1}", k % 2 == 0
        fund_id = f"F{k + 1:0{width}d}"
        funds.append(Fund(fund_id, name, vintage, ccy, committed, first_close, bench))
    return funds


def build_companies(rng: random.Random, n: int, funds: list[Fund]) -> list[Company]:
    width = max(4, len(str(n)))
    segments = [s[0] for s in SEGMENTS]
    countries = [c[0] for c in COUNTRIES]
    country_weights = [14 if c == "US" else 2 for c in countries]
    industries = [i[0] for i in INDUSTRIES]
    out = []
    for i, name in enumerate(company_names(n)):
        if i < len(CURATED):
            _, segment, country, founded, inds, outcome, flag, desc = CURATED[i]
            shares = [(code, int(p)) for code, p in (x.split(":") for x in inds.split())]
        else:
            segment = rng.choice(segments)
            country = rng.choices(countries, country_weights)[0]
            founded, desc = 0, f"{segment.replace('_', ' ').capitalize()} company (synthetic)"
            r = rng.random()
            outcome = (
                "acquisition" if r < 0.07 else
                "ipo_sale" if r < 0.10 else
                "write_off" if r < 0.18 else ""
            )  # fmt: skip
            flag = rng.choices(("", "secondary", "stale", "late_bridge"), (80, 5, 10, 5))[0]
            k = rng.choice((0, 1, 1, 2, 2, 3))  # 0: no rows, i.e. technology_software
            cuts = sorted(rng.sample(range(1, 20), k - 1)) if k > 1 else []
            bounds = [0, *cuts, 20]  # shares in steps of 5 percent
            shares = [
                (code, (bounds[j + 1] - bounds[j]) * 5)
                for j, code in enumerate(rng.sample(industries, k))
            ]
        lead = i % len(funds)
        company_id = f"C{i + 1:0{width}d}"
        out.append(
            Company(i, company_id, name, segment, country, founded, desc, shares, outcome, flag,
                    lead)
        )  # fmt: skip
        funds[lead].lead_count += 1
    return out
