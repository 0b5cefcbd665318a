"""The rows of every input CSV, drawn lazily from a simulated portfolio.

Each table is a generator, so the writer streams it to disk: the largest file
(company_kpis, about 90% of the rows) is never held in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date

from fundlens.generate.dates import Fx, decimal, money
from fundlens.generate.figures import company_kpis, market_index, market_sizes
from fundlens.generate.model import Company
from fundlens.generate.portfolio import Portfolio, stream
from fundlens.generate.reference import COUNTRIES, INDEX_CODE, INDUSTRIES, SEGMENTS

Row = Sequence[object]


def tables(p: Portfolio, on_company: Callable[[], None] = lambda: None) -> dict[str, Iterator[Row]]:
    """One row generator per input file (keys: `fundlens.contract.FILES`).

    `on_company` hears each company whose KPIs have been drawn (the longest table)."""
    return {
        "segments": (s[:4] for s in SEGMENTS),
        "industries": iter(INDUSTRIES),
        "countries": (c[:3] for c in COUNTRIES),
        "funds": (
            [
                f.fund_id,
                f.name,
                f.vintage,
                f.currency,
                money(f.committed),
                INDEX_CODE if f.benchmarked else None,
            ]
            for f in p.funds
        ),
        "companies": (
            [c.company_id, c.name, c.segment, c.country, c.founded, c.description]
            for c in p.companies
        ),
        "company_industries": (
            [c.company_id, code, decimal(pct / 100, 4)]
            for c in p.companies
            for code, pct in c.industries
        ),
        "investments": _investments(p),
        "realizations": _realizations(p),
        "valuations": _valuations(p),
        "fund_cash_flows": _cash_flows(p),
        "fund_navs": ([fid, q.isoformat(), money(nav)] for fid, q, nav in p.navs),
        "lps": iter(p.lps),
        "commitments": iter(p.commitments),
        "company_kpis": kpis(p.seed, p.companies, p.fx, p.months, on_company),
        "market_sizes": iter(market_sizes(p.stream("market"))),
        "market_index": iter(market_index(p.stream("index"), p.months)),
        "fx_rates": (
            [d.isoformat(), ccy, decimal(p.fx.rates[ccy][n], 6)]
            for n, d in enumerate(p.months)
            for ccy in sorted(p.fx.rates)
        ),
    }


def _width(count: int) -> int:
    """Digits of the numbered ids (INV00001...): at least 5, more for larger portfolios."""
    return max(5, len(str(count)))


def _in_date_order(p: Portfolio, kind: str) -> tuple[int, list[tuple]]:
    """Every holding's `kind` ("investments" or "realizations") sorted by date, then fund
    and company, as (date, fund_id, company_id, flow, currency); and the id width."""
    flows = sorted(
        (flow[0], h.fund.fund_id, h.company.company_id, flow, h.company.deal_ccy)
        for h in p.holdings
        for flow in getattr(h, kind)
    )
    return _width(len(flows)), flows


def _investments(p: Portfolio) -> Iterator[Row]:
    width, investments = _in_date_order(p, "investments")
    for n, (d, fid, cid, (_, label, instrument, amount, post, own), ccy) in enumerate(investments):
        yield [
            f"INV{n + 1:0{width}d}",
            fid,
            cid,
            d.isoformat(),
            label,
            instrument,
            money(amount),
            ccy,
            money(post) if post else None,
            decimal(own * 100, 4) if own else None,
        ]


def _realizations(p: Portfolio) -> Iterator[Row]:
    width, realizations = _in_date_order(p, "realizations")
    for n, (d, fid, cid, (_, proceeds, kind, full, _frac), ccy) in enumerate(realizations):
        yield [f"R{n + 1:0{width}d}", fid, cid, d.isoformat(), money(proceeds), ccy, kind,
               "true" if full else "false"]  # fmt: skip


def _valuations(p: Portfolio) -> Iterator[Row]:
    for h in sorted(p.holdings, key=lambda h: (h.fund.fund_id, h.company.company_id)):
        fid, cid, ccy = h.fund.fund_id, h.company.company_id, h.company.deal_ccy
        for (q, fv), method in zip(h.marks.items(), h.methods, strict=True):
            yield [fid, cid, q.isoformat(), money(fv), ccy, method]


def _cash_flows(p: Portfolio) -> Iterator[Row]:
    width = _width(len(p.flows))
    for n, (fid, d, kind, amount, purpose) in enumerate(p.flows):
        yield [f"CF{n + 1:0{width}d}", fid, d.isoformat(), kind, money(amount), purpose]


def kpis(
    seed: int,
    companies: list[Company],
    fx: Fx,
    months: list[date],
    on_company: Callable[[], None] = lambda: None,
) -> Iterator[Row]:
    """The rows of company_kpis: they need only the companies and a stream of their own."""
    rng = stream(seed, "kpis")
    for c in companies:
        yield from company_kpis(rng, c, fx, months[0])
        on_company()
