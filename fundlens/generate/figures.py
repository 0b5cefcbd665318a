"""Company KPIs (monthly operating figures) and market figures (sizes, index levels)."""

from __future__ import annotations

import math
import random
from datetime import date

from fundlens.generate.dates import (
    Fx,
    add_months,
    decimal,
    money,
    month_ends,
    quarter_end_on_or_after,
)
from fundlens.generate.model import Company
from fundlens.generate.reference import AS_OF, INDEX_CODE, SEGMENTS


def company_kpis(rng: random.Random, c: Company, fx: Fx, first_month: date) -> list[list]:
    """30 months of operating figures up to the latest report (or the exit/write-off)."""
    if c.index % 9 == 4:  # some companies do not report
        return []
    end = c.exit_date or c.write_off_q or AS_OF
    last = add_months(end, -1 - c.index % 3) if end == AS_OF or c.exit_date else end
    months = month_ends(max(add_months(last, -29), first_month, date(c.founded, 1, 31)), last)
    if len(months) < 13:  # too young to report a year-on-year comparison
        return []
    value_usd = fx.convert(c.values.get(quarter_end_on_or_after(months[0]), c.rounds[0].post),
                           c.deal_ccy, "USD", months[0])  # fmt: skip
    revenue = max(value_usd, 2e6) / rng.uniform(15, 40) / 12
    growth = -0.03 if c.write_off_q else rng.uniform(0.01, 0.05)
    margin = rng.uniform(30, 75)
    headcount = max(8, int(revenue * 12 / rng.uniform(80_000, 160_000)))
    cash = revenue * rng.uniform(12, 30)
    raises = {add_months(r.when, 0): r.raise_amount for r in c.rounds}
    rows = []
    cid, ccy = c.company_id, c.report_ccy
    for d in months:
        revenue *= (1 + growth) * rng.uniform(0.95, 1.05)
        headcount = max(3, headcount + rng.choice((-1, 0, 1, 1, 2)))
        gm = min(max(margin + rng.gauss(0, 1.5), 5.0), 95.0)
        burn = headcount * 12_500 - revenue * gm / 100
        raised = fx.convert(raises[d], c.deal_ccy, "USD", d) if d in raises else 0.0
        cash += raised - burn
        if cash < 4 * max(burn, 0):  # venture debt keeps the lights on
            cash += 18 * max(burn, 0)
        rate, day = fx.rate(ccy, d), d.isoformat()
        rows += [
            [cid, day, "revenue", money(revenue * rate), ccy],
            [cid, day, "arr", money(revenue * 12 * rng.uniform(0.9, 1.1) * rate), ccy],
            [cid, day, "gross_margin_pct", decimal(gm, 1), None],
            [cid, day, "headcount", str(headcount), None],
            [cid, day, "cash_balance", money(max(cash, 0.0) * rate), ccy],
            [cid, day, "net_burn", money(burn * rate), ccy],
        ]
    return rows


def market_sizes(rng: random.Random) -> list[list]:
    rows = []
    for code, *_, size_2019, cagr in SEGMENTS:
        size = size_2019
        for year in range(2019, 2031):
            estimate = year > 2025
            source = (
                "FundLens demo forecast (fictional)"
                if estimate
                else "FundLens demo research (fictional)"
            )
            rows.append([code, str(year), money(size), "true" if estimate else "false", source])
            size *= (1 + cagr) * rng.uniform(0.93, 1.07)
    return rows


def market_index(rng: random.Random, months: list[date]) -> list[list]:
    level, rows = 1000.0, []
    for d in months:
        rows.append([INDEX_CODE, d.isoformat(), money(level)])
        level *= math.exp(rng.gauss(0.009, 0.05))
    return rows
