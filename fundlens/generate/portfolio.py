"""The whole simulated portfolio: funds, companies, holdings, LP flows, NAVs and LPs.

Every random draw comes from a `random.Random` stream named for what it drives and
seeded from the run's seed, in a fixed order, so one seed always gives one portfolio.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from fundlens.generate.dates import Fx, month_ends
from fundlens.generate.funds import fund_flows, fund_navs, lps_and_commitments
from fundlens.generate.model import Company, Fund, Holding, build_companies, build_funds
from fundlens.generate.reference import AS_OF
from fundlens.generate.simulate import simulate_company, simulate_holding

Tick = Callable[[str, int], None]  # (phase, units done since the last call)
# hears the companies, the FX and the month ends once no later draw changes a company
CompaniesDone = Callable[[list[Company], Fx, list[date]], None]


@dataclass
class Portfolio:
    seed: int
    funds: list[Fund]
    companies: list[Company]
    holdings: list[Holding]
    months: list[date]  # month ends covered by FX rates and the benchmark index
    fx: Fx
    flows: list[tuple]  # (fund_id, date, flow_type, amount, purpose)
    navs: list[tuple]  # (fund_id, quarter end, net asset value)
    lps: list[list]
    commitments: list[list]

    def stream(self, name: str) -> random.Random:
        return stream(self.seed, name)


def stream(seed: int, name: str) -> random.Random:
    return random.Random(f"{seed}:{name}")


def simulate_portfolio(
    seed: int,
    n_funds: int,
    n_companies: int,
    tick: Tick = lambda _p, _n: None,
    companies_done: CompaniesDone = lambda _c, _fx, _m: None,
) -> Portfolio:
    """Draw the portfolio; `tick` hears each company, holding and fund as it is done, and
    `companies_done` the companies once they are final (the holdings do not change them),
    so that their KPIs can be drawn while the holdings are simulated."""
    funds = build_funds(stream(seed, "funds"), n_funds)
    months = month_ends(date(min(f.first_close for f in funds).year - 1, 1, 1), AS_OF)
    fx = Fx(stream(seed, "fx"), months)
    companies = build_companies(stream(seed, "companies"), n_companies, funds)

    rng = stream(seed, "portfolio")
    holdings: list[Holding] = []
    for c in companies:
        lead = funds[c.lead]
        budget = fx.convert(lead.committed * 0.72 / lead.lead_count, lead.currency, c.deal_ccy,
                            lead.first_close)  # fmt: skip
        simulate_company(rng, c, lead, budget * 0.45)
        holdings.append(Holding(lead, c, budget, c.flag))
        if rng.random() < 0.3 and len(funds) > 1:  # a co-investor joins a later round
            co = _other_fund(rng, funds, c.lead)
            lo, hi = co.first_close + timedelta(days=20), co.first_close + timedelta(days=1800)
            hi = min(hi, AS_OF - timedelta(days=90))
            later = [k for k, r in enumerate(c.rounds) if k > 0 and r.priced and lo <= r.when <= hi]
            if later:
                co_budget = fx.convert(co.committed * 0.36 / max(co.lead_count, 1), co.currency,
                                       c.deal_ccy, co.first_close)  # fmt: skip
                holdings.append(Holding(co, c, co_budget, entry=later[0]))
        tick("companies", 1)
    companies_done(companies, fx, months)
    for h in holdings:
        simulate_holding(rng, h)
        tick("holdings", 1)

    by_fund: dict[str, list[Holding]] = {f.fund_id: [] for f in funds}
    for h in holdings:
        by_fund[h.fund.fund_id].append(h)
    flows: list[tuple] = []
    navs: list[tuple] = []
    for k, f in enumerate(funds):
        own_flows = fund_flows(stream(seed, f"flows:{f.fund_id}"), f, by_fund[f.fund_id], fx)
        flows += [(f.fund_id, *x) for x in own_flows]
        navs += [(f.fund_id, *x) for x in fund_navs(f, k, by_fund[f.fund_id], own_flows, fx)]
        tick("funds", 1)
    lps, commitments = lps_and_commitments(stream(seed, "lps"), funds)
    return Portfolio(seed, funds, companies, holdings, months, fx, flows, navs, lps, commitments)


def _other_fund(rng: random.Random, funds: list[Fund], lead: int) -> Fund:
    """`rng.choice` over every fund but the lead without building that list (a list per
    company is quadratic): the same single draw, hence the same fund, as
    `rng.choice([f for f in funds if f is not lead])`."""
    j = rng.choice(range(len(funds) - 1))
    return funds[j if j < lead else j + 1]
