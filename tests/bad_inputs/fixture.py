"""A small, valid set of input files: the fallback when the demo seeds are not there.

It exercises what the bad-input corpus needs: two funds (USD with a benchmark, EUR),
non-USD holdings, a realization, quarter-end marks, money and non-money KPIs, and a
company description that is quoted and spans two lines.
"""

from __future__ import annotations

import csv
from pathlib import Path

from fundlens.contract import FILES

SEGMENTS = [
    ("compute_infrastructure", "Compute infrastructure", "ai_infrastructure", ""),
    ("data_centers", "Data centers", "ai_infrastructure", "Facilities, power, cooling"),
    ("ai_chips", "AI chips", "ai_infrastructure", ""),
    ("humanoid_robots", "Humanoid robots", "physical_ai", ""),
    ("warehouse_automation", "Warehouse automation", "physical_ai", ""),
]
INDUSTRIES = [
    ("manufacturing", "Manufacturing"),
    ("logistics", "Logistics"),
    ("healthcare", "Healthcare"),
    ("technology_software", "Technology & software"),
]
COUNTRIES = [
    ("US", "United States", "north_america"),
    ("DE", "Germany", "europe"),
    ("GB", "United Kingdom", "europe"),
    ("JP", "Japan", "asia_pacific"),
]

ROWS: dict[str, list[tuple]] = {
    "segments": SEGMENTS,
    "industries": INDUSTRIES,
    "countries": COUNTRIES,
    "funds": [
        ("F1", "Fixture Ventures I", 2019, "USD", 100000000, "SPX"),
        ("F2", "Fixture Europe II", 2020, "EUR", 50000000, ""),
    ],
    "companies": [
        ("C1", "Alpha Compute", "compute_infrastructure", "US", 2017, "GPU clouds, for training"),
        ("C2", "Beta Robotics", "humanoid_robots", "DE", 2018, "Humanoids for\nwarehouses"),
        ("C3", "Gamma Chips", "ai_chips", "JP", "", ""),
        ("C4", "Delta Halls", "data_centers", "GB", 2016, 'Modular "halls"'),
    ],
    "company_industries": [
        ("C1", "technology_software", 0.7),
        ("C1", "healthcare", 0.3),
        ("C2", "manufacturing", 0.6),
        ("C2", "logistics", 0.4),
        ("C4", "technology_software", 1),
    ],
    "investments": [
        ("I1", "F1", "C1", "2019-03-15", "seed", "equity", 2000000, "USD", 10000000, 20),
        ("I2", "F1", "C2", "2019-06-10", "series_a", "equity", 3000000, "EUR", 20000000, 15),
        ("I3", "F1", "C1", "2020-05-20", "series_a", "equity", 4000000, "USD", 40000000, 18.5),
        ("I4", "F2", "C3", "2020-09-01", "seed", "safe", 1500000, "JPY", "", ""),
        ("I5", "F2", "C4", "2021-02-01", "series_b", "equity", 2500000, "GBP", 50000000, 5),
        ("I6", "F2", "C2", "2021-04-15", "bridge", "convertible_note", 500000, "EUR", "", ""),
    ],
    "realizations": [
        ("R1", "F1", "C2", "2022-08-01", 4500000, "EUR", "secondary_sale", "false"),
        ("R2", "F2", "C4", "2023-01-10", 6000000, "GBP", "acquisition", "true"),
    ],
    "valuations": [
        ("F1", "C1", "2019-12-31", 2500000, "USD", "last_round"),
        ("F1", "C1", "2020-06-30", 7000000, "USD", "last_round"),
        ("F1", "C2", "2019-09-30", 3000000, "EUR", "last_round"),
        ("F1", "C2", "2021-12-31", 5000000, "EUR", "comparables"),
        ("F2", "C3", "2020-12-31", 1500000, "JPY", "last_round"),
        ("F2", "C4", "2021-06-30", 3000000, "GBP", "dcf"),
        ("F2", "C2", "2021-06-30", 600000, "EUR", "last_round"),
    ],
    "fund_cash_flows": [
        ("CF1", "F1", "2019-03-01", "capital_call", 10000000, "investment"),
        ("CF2", "F1", "2020-05-01", "capital_call", 8000000, "investment"),
        ("CF3", "F1", "2020-06-30", "capital_call", 500000, "management_fee"),
        ("CF4", "F1", "2022-09-01", "distribution", 4000000, "gain"),
        ("CF5", "F2", "2020-08-15", "capital_call", 5000000, ""),
        ("CF6", "F2", "2023-02-01", "distribution", 5500000, "return_of_capital"),
    ],
    "fund_navs": [
        ("F1", "2020-12-31", 12000000),
        ("F1", "2021-12-31", 14000000),
        ("F2", "2021-12-31", 4500000),
    ],
    "lps": [
        ("L1", "State Pension Plan", "pension"),
        ("L2", "Ivy Endowment", "endowment"),
        ("L3", "Smith Family Office", "family_office"),
    ],
    "commitments": [
        ("L1", "F1", 60000000, "2018-12-01"),
        ("L2", "F1", 40000000, "2018-12-15"),
        ("L2", "F2", 30000000, "2020-01-15"),
        ("L3", "F2", 20000000, "2020-02-01"),
    ],
    "company_kpis": [
        ("C1", "2023-01-31", "revenue", 120000, "USD"),
        ("C1", "2023-01-31", "headcount", 42, ""),
        ("C1", "2023-02-28", "revenue", 130000, "USD"),
        ("C2", "2023-01-31", "arr", 2400000, "EUR"),
        ("C2", "2023-01-31", "gross_margin_pct", 55.5, ""),
        ("C4", "2023-03-31", "cash_balance", 900000, "GBP"),
        ("C4", "2023-03-31", "net_burn", -20000, "GBP"),
    ],
    "market_sizes": [
        ("compute_infrastructure", 2023, 120.5, "false", "Analyst report"),
        ("compute_infrastructure", 2024, 150, "true", ""),
        ("humanoid_robots", 2023, 2.1, "false", ""),
    ],
    "market_index": [
        ("SPX", "2018-12-31", 2506.85),
        ("SPX", "2019-06-28", 2941.76),
        ("SPX", "2019-12-31", 3230.78),
        ("SPX", "2020-12-31", 3756.07),
        ("SPX", "2021-12-31", 4766.18),
        ("SPX", "2022-12-30", 3839.5),
    ],
    "fx_rates": [
        ("2018-12-31", "EUR", 0.87),
        ("2018-12-31", "GBP", 0.78),
        ("2018-12-31", "JPY", 110.0),
        ("2020-12-31", "EUR", 0.82),
        ("2020-12-31", "GBP", 0.73),
        ("2020-12-31", "JPY", 103.2),
    ],
}


def write_fixture_seeds(out: Path) -> Path:
    """Write the fixture input files into `out` (created) and return it."""
    out.mkdir(parents=True, exist_ok=True)
    for spec in FILES.values():
        with (out / spec.filename).open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(spec.column_names)
            w.writerows(ROWS[spec.name])
    return out
