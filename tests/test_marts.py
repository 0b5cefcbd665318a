"""The public marts against the data contract, and figures recomputed from the seeds.

Everything computed here is computed independently of the dbt models: pandas over the
demo CSVs in seeds/, following docs/data-contract.md ("Conventions of the computation").
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from datetime import date

import pandas as pd
import pytest

from fundlens import SEEDS_DIR

# The contract's minimum columns of each public mart this test covers (data-contract.md).
CONTRACT_COLUMNS: dict[str, list[str]] = {
    "dim_funds": [
        "fund_id", "fund_name", "vintage_year", "currency", "committed_capital",
        "benchmark_index_code",
    ],
    "dim_companies": [
        "company_id", "company_name", "segment_code", "segment_name", "segment_group",
        "hq_country", "region", "founded_year",
    ],
    "fct_positions_quarterly": [
        "fund_id", "company_id", "quarter_end", "cost", "proceeds", "fair_value",
        "total_value", "gross_moic", "is_active", "is_mark_stale", "stage", "currency",
    ],
    "exposure_by_segment": [
        "fund_id", "quarter_end", "segment_code", "segment_name", "segment_group",
        "company_count", "cost", "fair_value", "nav_share", "cost_share", "gross_moic",
        "currency",
    ],
    "exposure_by_industry": [
        "fund_id", "quarter_end", "industry_code", "industry_name", "company_count",
        "fair_value", "nav_share", "currency",
    ],
    "exposure_by_geography": [
        "fund_id", "quarter_end", "region", "company_count", "fair_value", "nav_share",
        "currency",
    ],
    "exposure_by_stage": [
        "fund_id", "quarter_end", "stage", "company_count", "cost", "fair_value", "nav_share",
        "currency",
    ],
    "portfolio_concentration": [
        "fund_id", "quarter_end", "active_company_count", "top_1_share", "top_5_share",
        "top_10_share", "hhi", "effective_holdings",
    ],
    "market_coverage": [
        "fund_id", "quarter_end", "segment_code", "fund_nav_share", "market_share",
        "active_weight", "market_size_usd_bn", "market_year",
    ],
    "company_kpis_latest": [
        "company_id", "period_end", "revenue_ttm", "arr", "revenue_growth_yoy",
        "gross_margin_pct", "headcount", "cash_balance", "net_burn", "runway_months",
    ],
    "company_industry_weights": [
        "company_id", "industry_code", "industry_name", "revenue_share",
        "is_default_allocation",
    ],
}  # fmt: skip

EXPOSURE_MARTS = {
    "exposure_by_segment": "segment_code",
    "exposure_by_industry": "industry_code",
    "exposure_by_geography": "region",
    "exposure_by_stage": "stage",
}
TOL = 1e-6


def mart(warehouse, name: str) -> pd.DataFrame:
    return warehouse.execute(f"select * from marts.{name}").df()


def close(a: float, b: float, rel: float = TOL) -> bool:
    return abs(a - b) <= rel * (1 + abs(b))


# -- the seeds, read with pandas -------------------------------------------------------


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(SEEDS_DIR / f"{name}.csv", keep_default_na=False, na_values=[""])


def _dates(df: pd.DataFrame, *cols: str) -> pd.DataFrame:
    df = df.copy()
    for c in cols:
        df[c] = pd.to_datetime(df[c]).dt.date
    return df


@pytest.fixture(scope="module")
def seeds() -> dict[str, pd.DataFrame]:
    return {
        "funds": _csv("funds"),
        "companies": _csv("companies"),
        "segments": _csv("segments"),
        "company_industries": _csv("company_industries"),
        "investments": _dates(_csv("investments"), "investment_date"),
        "realizations": _dates(_csv("realizations"), "realization_date"),
        "valuations": _dates(_csv("valuations"), "valuation_date"),
        "cash_flows": _dates(_csv("fund_cash_flows"), "flow_date"),
        "navs": _dates(_csv("fund_navs"), "nav_date"),
        "fx": _dates(_csv("fx_rates"), "rate_date"),
    }


class Fx:
    """The contract's rule: the rate for a date is the latest on or before it; USD is 1."""

    def __init__(self, fx: pd.DataFrame):
        self._dates: dict[str, list[date]] = {}
        self._rates: dict[str, list[float]] = {}
        for cur, g in fx.sort_values("rate_date").groupby("currency"):
            self._dates[cur] = list(g["rate_date"])
            self._rates[cur] = list(g["units_per_usd"])

    def rate(self, currency: str, on: date) -> float:
        if currency == "USD":
            return 1.0
        i = bisect.bisect_right(self._dates[currency], on) - 1
        assert i >= 0, f"no {currency} rate on or before {on}"
        return self._rates[currency][i]

    def convert(self, amount: float, src: str, dst: str, on: date) -> float:
        if src == dst:
            return amount
        return amount / self.rate(src, on) * self.rate(dst, on)


def _quarter_end(d: date) -> date:
    return pd.Period(d, freq="Q").end_time.date()


@pytest.fixture(scope="module")
def expected_positions(seeds) -> pd.DataFrame:
    """fct_positions_quarterly recomputed from the seeds, straight from the contract."""
    fx = Fx(seeds["fx"])
    fund_ccy = dict(zip(seeds["funds"]["fund_id"], seeds["funds"]["currency"], strict=True))
    inv, rea, val = seeds["investments"], seeds["realizations"], seeds["valuations"]

    # each fund's quarters: first cash flow or investment -> latest valuation or NAV
    quarters: dict[str, list[date]] = {}
    for fund in fund_ccy:
        first = min(
            [*seeds["cash_flows"].loc[seeds["cash_flows"].fund_id == fund, "flow_date"],
             *inv.loc[inv.fund_id == fund, "investment_date"]]
        )  # fmt: skip
        last = max(
            [*val.loc[val.fund_id == fund, "valuation_date"],
             *seeds["navs"].loc[seeds["navs"].fund_id == fund, "nav_date"]]
        )  # fmt: skip
        quarters[fund] = [p.end_time.date() for p in pd.period_range(first, last, freq="Q")]

    by_key: dict[tuple, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for r in inv.itertuples():
        by_key[(r.fund_id, r.company_id)]["inv"].append(r)
    for r in rea.itertuples():
        by_key[(r.fund_id, r.company_id)]["rea"].append(r)
    for r in val.itertuples():
        by_key[(r.fund_id, r.company_id)]["val"].append(r)

    rows = []
    for (fund, company), ev in by_key.items():
        if not ev["inv"]:
            continue
        ccy = fund_ccy[fund]
        first_inv = min(i.investment_date for i in ev["inv"])
        for q in quarters[fund]:
            if q < first_inv:
                continue
            invs = [i for i in ev["inv"] if i.investment_date <= q]
            cost = sum(fx.convert(i.amount, i.currency, ccy, i.investment_date) for i in invs)
            reas = [r for r in ev["rea"] if r.realization_date <= q]
            proceeds = sum(
                fx.convert(r.proceeds, r.currency, ccy, r.realization_date) for r in reas
            )
            exits = [r.realization_date for r in reas if str(r.is_full_exit) in ("true", "True")]
            last_exit = max(exits) if exits else None
            last_inv = max(i.investment_date for i in invs)
            active = last_exit is None or last_inv > last_exit
            marks = [
                v for v in ev["val"]
                if v.valuation_date <= q and (last_exit is None or v.valuation_date > last_exit)
            ]  # fmt: skip
            mark = max(marks, key=lambda v: v.valuation_date) if marks else None
            since = mark.valuation_date if mark else (last_exit or date(1900, 1, 1))
            after = sum(
                fx.convert(i.amount, i.currency, ccy, i.investment_date)
                for i in invs
                if i.investment_date > since
            )
            fv = 0.0
            if active:
                fv = after + (fx.convert(mark.fair_value, mark.currency, ccy, q) if mark else 0)
            rows.append(
                {
                    "fund_id": fund,
                    "company_id": company,
                    "quarter_end": q,
                    "cost": cost,
                    "proceeds": proceeds,
                    "fair_value": fv,
                    "is_active": active,
                    "is_mark_stale": active and (mark is None or mark.valuation_date < q),
                    "mark_date": mark.valuation_date if mark else None,
                    "currency": ccy,
                }
            )
    return pd.DataFrame(rows)


# -- the contract: every mart, its columns, non-empty ----------------------------------


@pytest.mark.parametrize("name", sorted(CONTRACT_COLUMNS))
def test_mart_has_contract_columns_and_rows(warehouse, name):
    cols = warehouse.execute(
        "select column_name from information_schema.columns "
        "where table_schema = 'marts' and table_name = ?",
        [name],
    ).fetchall()
    present = {c for (c,) in cols}
    assert present, f"marts.{name} does not exist"
    missing = [c for c in CONTRACT_COLUMNS[name] if c not in present]
    assert not missing, f"marts.{name} lacks contract columns {missing}"
    (n,) = warehouse.execute(f"select count(*) from marts.{name}").fetchone()
    assert n > 0, f"marts.{name} is empty"


def test_primary_keys_are_unique(warehouse):
    keys = {
        "dim_funds": ["fund_id"],
        "dim_companies": ["company_id"],
        "fct_positions_quarterly": ["fund_id", "company_id", "quarter_end"],
        "portfolio_concentration": ["fund_id", "quarter_end"],
        "market_coverage": ["fund_id", "quarter_end", "segment_code"],
        "company_kpis_latest": ["company_id"],
        "company_industry_weights": ["company_id", "industry_code"],
        **{m: ["fund_id", "quarter_end", k] for m, k in EXPOSURE_MARTS.items()},
    }
    for name, key in keys.items():
        df = mart(warehouse, name)
        assert not df.duplicated(key).any(), f"{name}: duplicate {key}"
        assert df[key].notna().all().all(), f"{name}: null in {key}"


# -- invariants ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPOSURE_MARTS))
def test_nav_share_sums_to_one(warehouse, name):
    df = mart(warehouse, name)
    totals = df.groupby(["fund_id", "quarter_end"]).agg(
        fv=("fair_value", "sum"), share=("nav_share", "sum"), nulls=("nav_share", "count")
    )
    positive = totals[totals.fv > 0]
    assert len(positive) > 0
    assert ((positive.share - 1).abs() < TOL).all(), positive[(positive.share - 1).abs() >= TOL]
    # a quarter with zero total fair value has nav_share null on every row
    zero = df.merge(totals[totals.fv <= 0].reset_index(), on=["fund_id", "quarter_end"])
    assert zero["nav_share"].isna().all()


def test_market_coverage_fund_nav_share_sums_to_one(warehouse):
    df = mart(warehouse, "market_coverage")
    sums = df.groupby(["fund_id", "quarter_end"])["fund_nav_share"].sum()
    assert ((sums - 1).abs() < TOL).all()
    active = df["fund_nav_share"] - df["market_share"]
    assert ((active - df["active_weight"]).abs() < TOL).all()


@pytest.mark.parametrize("name", sorted(EXPOSURE_MARTS))
def test_exposure_fair_value_adds_up_to_active_positions(warehouse, name):
    pos = mart(warehouse, "fct_positions_quarterly")
    total = pos[pos.is_active].groupby(["fund_id", "quarter_end"])["fair_value"].sum()
    by_mart = mart(warehouse, name).groupby(["fund_id", "quarter_end"])["fair_value"].sum()
    joined = pd.concat([total.rename("positions"), by_mart.rename("mart")], axis=1)
    assert joined.notna().all().all(), "fund quarters differ"
    assert ((joined.positions - joined.mart).abs() <= TOL * (1 + joined.positions)).all()


def test_positions_match_independent_recomputation(warehouse, expected_positions):
    """Carry-forward, cost-after-mark and full-exit rules, on every position."""
    got = mart(warehouse, "fct_positions_quarterly")
    got["quarter_end"] = pd.to_datetime(got["quarter_end"]).dt.date
    m = expected_positions.merge(
        got,
        on=["fund_id", "company_id", "quarter_end"],
        how="outer",
        suffixes=("", "_got"),
        indicator=True,
    )
    assert (m["_merge"] == "both").all(), m[m["_merge"] != "both"].head()
    for col in ("cost", "proceeds", "fair_value"):
        bad = m[(m[col] - m[f"{col}_got"]).abs() > TOL * (1 + m[col].abs())]
        assert bad.empty, bad[["fund_id", "company_id", "quarter_end", col, f"{col}_got"]]
    for col in ("is_active", "is_mark_stale"):
        bad = m[m[col].astype(bool) != m[f"{col}_got"].astype(bool)]
        assert bad.empty, bad[["fund_id", "company_id", "quarter_end", col, f"{col}_got"]]
    moic = m[m.cost > 0]
    assert ((moic.gross_moic - (moic.proceeds + moic.fair_value) / moic.cost).abs() < TOL).all()


# -- hand-picked figures ---------------------------------------------------------------


def _position(warehouse, fund_id, company_id, quarter_end) -> dict:
    df = warehouse.execute(
        "select * from marts.fct_positions_quarterly "
        "where fund_id = ? and company_id = ? and quarter_end = ?",
        [fund_id, company_id, quarter_end],
    ).df()
    assert len(df) == 1
    return df.iloc[0].to_dict()


def test_non_usd_mark_converts_at_quarter_end_rate(warehouse, seeds):
    """A mark in a third currency (neither USD nor the fund's) held by the EUR fund."""
    fx = Fx(seeds["fx"])
    funds = seeds["funds"].set_index("fund_id")
    val = seeds["valuations"].merge(
        seeds["investments"][["fund_id", "company_id"]].drop_duplicates()
    )
    val = val.assign(fund_ccy=val.fund_id.map(funds.currency))
    third = val[(val.currency != "USD") & (val.currency != val.fund_ccy)]
    assert not third.empty, "demo data should hold a mark in a third currency"
    # a mark dated on the quarter end reported: no investment can follow it in the quarter
    v = third.sort_values(["valuation_date", "company_id"]).iloc[-1]
    expected = (
        v.fair_value / fx.rate(v.currency, v.valuation_date) * fx.rate(v.fund_ccy, v.valuation_date)
    )
    got = _position(warehouse, v.fund_id, v.company_id, v.valuation_date)
    assert got["currency"] == v.fund_ccy
    assert close(got["fair_value"], expected)


def test_stale_mark_is_flagged_and_carried_forward(warehouse, seeds, expected_positions):
    fx = Fx(seeds["fx"])
    stale = expected_positions[
        expected_positions.is_mark_stale & expected_positions.mark_date.notna()
    ]
    assert not stale.empty, "demo data should have stale marks"
    s = stale.sort_values(["quarter_end", "company_id"]).iloc[-1]
    got = _position(warehouse, s.fund_id, s.company_id, s.quarter_end)
    assert got["is_mark_stale"] and got["is_active"]
    assert pd.Timestamp(got["mark_date"]).date() == s.mark_date < s.quarter_end
    val = seeds["valuations"]
    mark = val[
        (val.fund_id == s.fund_id) & (val.company_id == s.company_id)
        & (val.valuation_date == s.mark_date)
    ].iloc[0]  # fmt: skip
    inv = seeds["investments"]
    after = inv[
        (inv.fund_id == s.fund_id) & (inv.company_id == s.company_id)
        & (inv.investment_date > s.mark_date) & (inv.investment_date <= s.quarter_end)
    ]  # fmt: skip
    expected = fx.convert(mark.fair_value, mark.currency, s.currency, s.quarter_end) + sum(
        fx.convert(i.amount, i.currency, s.currency, i.investment_date) for i in after.itertuples()
    )
    assert close(got["fair_value"], expected)


def test_full_exit_zeroes_the_position(warehouse, seeds):
    rea, inv = seeds["realizations"], seeds["investments"]
    exits = rea[rea.is_full_exit.astype(str).str.lower() == "true"]
    assert len(exits) >= 2, "demo data should have two full exits"
    checked = 0
    for e in exits.itertuples():
        reinvested = inv[
            (inv.fund_id == e.fund_id) & (inv.company_id == e.company_id)
            & (inv.investment_date > e.realization_date)
        ]  # fmt: skip
        if not reinvested.empty:
            continue
        after = warehouse.execute(
            "select fair_value, is_active, is_mark_stale, proceeds "
            "from marts.fct_positions_quarterly "
            "where fund_id = ? and company_id = ? and quarter_end >= ?",
            [e.fund_id, e.company_id, _quarter_end(e.realization_date)],
        ).df()
        assert not after.empty
        assert (after.fair_value == 0).all()
        assert not after.is_active.any()
        assert not after.is_mark_stale.any()
        assert (after.proceeds > 0).all()
        checked += 1
    assert checked >= 1


def test_company_without_industries_is_technology_software(warehouse, seeds, expected_positions):
    ci = seeds["company_industries"]
    bare = sorted(set(seeds["companies"].company_id) - set(ci.company_id))
    assert bare, "demo data should have a company without industry rows"
    weights = warehouse.execute(
        "select company_id, industry_code, revenue_share "
        "from intermediate.int_company_industry_weights where company_id in "
        f"({', '.join('?' * len(bare))})",
        bare,
    ).df()
    assert sorted(weights.company_id) == bare
    assert (weights.industry_code == "technology_software").all()
    assert (weights.revenue_share == 1).all()

    # look-through by industry at one fund's latest quarter, recomputed from the seeds
    active = expected_positions[expected_positions.is_active]
    held = active[active.company_id.isin(bare)]
    assert not held.empty, "a company without industry rows should be held"
    h = held.sort_values("quarter_end").iloc[-1]
    quarter = active[(active.fund_id == h.fund_id) & (active.quarter_end == h.quarter_end)]
    shares = pd.concat(
        [
            ci[["company_id", "industry_code", "revenue_share"]],
            pd.DataFrame(
                {"company_id": bare, "industry_code": "technology_software", "revenue_share": 1.0}
            ),
        ]
    )
    alloc = quarter.merge(shares, on="company_id")
    alloc["fv"] = alloc.fair_value * alloc.revenue_share
    expected = alloc.groupby("industry_code")["fv"].sum() / quarter.fair_value.sum()
    got = (
        warehouse.execute(
            "select industry_code, nav_share from marts.exposure_by_industry "
            "where fund_id = ? and quarter_end = ?",
            [h.fund_id, h.quarter_end],
        )
        .df()
        .set_index("industry_code")["nav_share"]
    )
    assert set(got.index) == set(expected.index)
    for code, share in expected.items():
        assert close(got[code], share), code


def test_segment_nav_share_at_latest_quarter(warehouse, seeds, expected_positions):
    for fund in sorted(seeds["funds"].fund_id):
        pos = expected_positions[
            (expected_positions.fund_id == fund) & expected_positions.is_active
        ]
        q = pos.quarter_end.max()
        latest = pos[pos.quarter_end == q].merge(
            seeds["companies"][["company_id", "segment_code"]], on="company_id"
        )
        by_segment = latest.groupby("segment_code")["fair_value"].sum() / latest.fair_value.sum()
        top = by_segment.idxmax()
        got = warehouse.execute(
            "select nav_share, company_count from marts.exposure_by_segment "
            "where fund_id = ? and quarter_end = ? and segment_code = ?",
            [fund, q, top],
        ).fetchone()
        assert got is not None
        assert close(got[0], by_segment[top])
        assert got[1] == (latest.segment_code == top).sum()


def test_portfolio_concentration_matches_weights(warehouse, expected_positions):
    got = mart(warehouse, "portfolio_concentration")
    got["quarter_end"] = pd.to_datetime(got["quarter_end"]).dt.date
    active = expected_positions[expected_positions.is_active]
    for (fund, q), g in active.groupby(["fund_id", "quarter_end"]):
        row = got[(got.fund_id == fund) & (got.quarter_end == q)].iloc[0]
        assert row.active_company_count == len(g)
        total = g.fair_value.sum()
        if total <= 0:
            assert pd.isna(row.hhi)
            continue
        w = (g.fair_value / total).sort_values(ascending=False)
        assert close(row.top_1_share, w.iloc[:1].sum())
        assert close(row.top_5_share, w.iloc[:5].sum())
        assert close(row.top_10_share, w.iloc[:10].sum())
        hhi = ((100 * w) ** 2).sum()
        assert close(row.hhi, hhi)
        assert close(row.effective_holdings, 10_000 / hhi)


def test_company_kpis_latest_ttm(warehouse):
    kpis = _dates(_csv("company_kpis"), "period_end")
    got = mart(warehouse, "company_kpis_latest").set_index("company_id")
    assert set(got.index) == set(kpis.company_id)
    for company, g in kpis.groupby("company_id"):
        latest = g.period_end.max()
        row = got.loc[company]
        assert pd.Timestamp(row.period_end).date() == latest
        rev = g[g.metric_code == "revenue"].set_index("period_end")["value"]
        last12 = [(pd.Period(latest, "M") - k).end_time.date() for k in range(12)]
        if all(d in rev.index for d in last12):
            assert close(row.revenue_ttm, rev[last12].sum())
        else:
            assert pd.isna(row.revenue_ttm)
        at = g[g.period_end == latest].set_index("metric_code")["value"]
        burn, cash = at.get("net_burn"), at.get("cash_balance")
        if burn is not None and cash is not None and burn > 0:
            assert close(row.runway_months, cash / burn)
        else:
            assert pd.isna(row.runway_months)
