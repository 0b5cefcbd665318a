"""Fund level: capital calls and distributions, reported NAVs, LPs and commitments."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from itertools import compress

from fundlens.generate.dates import Fx, money, quarter_end_on_or_after, quarter_ends
from fundlens.generate.model import Fund, Holding
from fundlens.generate.reference import AS_OF, CURATED_LPS, LP_TYPES, NAME_PREFIXES


def fund_flows(
    rng: random.Random, f: Fund, holdings: list[Holding], fx: Fx
) -> list[tuple[date, str, float, str]]:
    """Capital calls (investments, fees, expenses) and distributions, in fund currency."""
    calls: list[tuple[date, str, float, str]] = []
    fee_dates = [f.first_close] + [
        date(y, m, 15)
        for y in range(f.first_close.year, AS_OF.year + 1)
        for m in (1, 4, 7, 10)
        if f.first_close < date(y, m, 15) <= AS_OF
    ]
    for n, d in enumerate(fee_dates):
        calls.append(
            (d, "capital_call", f.committed * (0.005 if n < 20 else 0.00375), "management_fee")
        )
    for y in range(f.first_close.year, AS_OF.year + 1):
        d = date(y, 6, 20)
        if f.first_close < d <= AS_OF:
            calls.append(
                (d, "capital_call", f.committed * rng.uniform(0.001, 0.002), "fund_expenses")
            )
    by_quarter: dict[date, list[tuple[date, float]]] = {}
    for h in holdings:
        for d, *_, amount, _post, _own in h.investments:
            cost = fx.convert(amount, h.company.deal_ccy, f.currency, d)
            by_quarter.setdefault(quarter_end_on_or_after(d), []).append((d, cost))
    for items in by_quarter.values():
        total = math.ceil(sum(c for _, c in items) / 10_000) * 10_000
        calls.append(
            (min(d for d, _ in items) - timedelta(days=10), "capital_call", total, "investment")
        )
    calls.sort()
    capped, called = [], 0.0
    for d, kind, amount, purpose in calls:  # never call more than the commitments
        amount = min(round(amount, 2), f.committed - called)
        if amount > 0:
            capped.append((d, kind, amount, purpose))
            called += amount

    distributions = []
    for h in holdings:
        returned = 0.0
        for d, proceeds, _kind, _full, fraction in h.realizations:
            paid = d + timedelta(days=30)
            if paid > AS_OF or proceeds <= 0:
                continue
            cost = sum(
                fx.convert(i[3], h.company.deal_ccy, f.currency, i[0])
                for i in h.investments if i[0] <= d
            )  # fmt: skip
            cash = fx.convert(proceeds, h.company.deal_ccy, f.currency, d)
            capital = min(cash, (cost - returned) * fraction)
            returned += capital
            distributions.append((paid, "distribution", round(capital, 2), "return_of_capital"))
            if cash - capital >= 0.01:
                distributions.append((paid, "distribution", round(cash - capital, 2), "gain"))
    return sorted(capped + [x for x in distributions if x[2] > 0])


def fund_navs(
    f: Fund, k: int, holdings: list[Holding], flows: list[tuple[date, str, float, str]], fx: Fx
) -> list[tuple[date, float]]:
    """Reported NAV = fair value of the holdings (the contract's rules) + the fund's cash."""
    quarters = quarter_ends(flows[0][0], AS_OF)
    cash_moves: list[tuple[date, float]] = []
    for d, kind, amount, purpose in flows:
        if kind == "distribution":
            cash_moves.append((d, -amount))
        elif purpose == "investment":
            cash_moves.append((d, amount))
    for h in holdings:
        ccy = h.company.deal_ccy
        cash_moves += [(i[0], -fx.convert(i[3], ccy, f.currency, i[0])) for i in h.investments]
        cash_moves += [(r[0], fx.convert(r[1], ccy, f.currency, r[0])) for r in h.realizations]
    values = [fair_values(h, quarters, fx) for h in holdings]
    move_dates, move_amounts = [d for d, _ in cash_moves], [a for _, a in cash_moves]
    out = []
    for n, q in enumerate(quarters):
        holdings_value = sum([v[n] for v in values])
        cash = sum(compress(move_amounts, map(q.__ge__, move_dates)))  # the moves by q
        out.append((q, round(max(holdings_value + cash, 0.0), 2)))
    if k % 2 == 0:  # a gap in the middle: that quarter's NAV must be rolled forward
        del out[len(out) // 2]
    else:  # reporting starts late: the first quarters fall back to the portfolio's value
        out = out[3:]
    return out


def fair_values(h: Holding, quarters: list[date], fx: Fx) -> list[float]:
    """A holding's fair value at each of `quarters` (ascending) in fund currency, as the
    contract defines it: the latest mark on or before the quarter end, converted at the
    quarter end, plus the investments made after that mark at their cost; nothing once
    the holding has been exited (unless invested in again since)."""
    ccy, fund_ccy = h.company.deal_ccy, h.fund.currency
    exits = [r[0] for r in h.realizations if r[3]]
    costs = [(i[0], fx.convert(i[3], ccy, fund_ccy, i[0])) for i in h.investments]
    first_mark, last_mark, out = h.marks.first, h.marks.last, []
    start = min([first_mark, *exits, *(d for d, _ in costs)])
    first_exit = min(exits, default=date.max)
    for q in quarters:
        if q < start:  # not invested in, marked or exited yet
            out.append(0.0)
            continue
        if first_mark <= q <= last_mark:  # marked at q, hence nothing invested since
            out.append(0.0 if first_exit <= q else fx.convert(h.marks[q], ccy, fund_ccy, q))
            continue
        marked = first_mark <= q and first_mark <= last_mark  # a mark on or before q
        mark_date = min(q, last_mark) if marked else date.min
        later = [(d, cost) for d, cost in costs if mark_date < d <= q]
        exited = [d for d in exits if d <= q]
        if exited and not [d for d, _ in later if d > exited[-1]]:
            out.append(0.0)
            continue
        value = fx.convert(h.marks[mark_date], ccy, fund_ccy, q) if marked else 0.0
        out.append(value + sum(cost for _, cost in later))
    return out


# -- LPs and commitments --------------------------------------------------------------


def lps_and_commitments(rng: random.Random, funds: list[Fund]) -> tuple[list[list], list[list]]:
    pool = list(CURATED_LPS)
    width = max(3, len(str(3 * len(funds) + 4)))
    for n in range(len(pool), max(len(pool), 3 * len(funds) + 4)):
        lp_type = LP_TYPES[n % len(LP_TYPES)]
        words = lp_type.replace("_", " ").title()
        pool.append((f"{NAME_PREFIXES[n % len(NAME_PREFIXES)]} {words} {n + 1}", lp_type))
    lps = [[f"LP{n + 1:0{width}d}", name, lp_type] for n, (name, lp_type) in enumerate(pool)]
    commitments = []
    for k, f in enumerate(funds):
        if k < 2:  # the curated funds share five LPs
            members = list(range(10)) if k == 0 else [*range(5), *range(10, 14)]
        else:
            members = sorted(rng.sample(range(len(lps)), rng.randint(8, 12)))
        weights = [rng.uniform(0.5, 3.0) for _ in members]
        anchor = weights.index(max(weights))
        amounts = [round(w / sum(weights) * f.committed / 100_000) * 100_000 for w in weights]
        amounts[anchor] = f.committed - (sum(amounts) - amounts[anchor])
        for m, amount in zip(members, amounts, strict=True):
            late = rng.random() < 0.3
            when = f.first_close + timedelta(days=rng.randint(60, 200) if late else 0)
            commitments.append([lps[m][0], f.fund_id, money(amount), when.isoformat()])
    return lps, commitments
