# ruff: noqa: E501  (the curated tables below keep one record per line)
"""Deterministic demo data: a fictional AI-infrastructure / physical-AI venture portfolio.

`generate()` writes every input CSV of the data contract (`fundlens.contract.FILES`).
The same arguments always give byte-identical files: all randomness comes from
`random.Random` streams seeded from `seed`, and no date depends on today.

The model, in short: each company has a round history (priced rounds, bridges) and a
quarterly value path; funds take a stake in a company's first round (the lead fund)
or in a later round (a co-investor) and follow on pro rata within a budget. Marks are
ownership x company value plus convertibles at cost. Capital calls fund the
investments (rounded up, so the fund keeps a little cash) and the fees; exits are
distributed a month later; reported NAVs are the holdings' fair value plus cash,
computed with the contract's own valuation rules.

The default arguments produce the shipped demo set in `seeds/`:
  python -m fundlens.demo            # regenerate seeds/
"""

from __future__ import annotations

import argparse
import bisect
import calendar
import csv
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from fundlens import SEEDS_DIR
from fundlens.contract import FILES, ROUND_LABELS

AS_OF = date(2026, 9, 30)  # last quarter end of the demo data
INDEX_CODE = "FLX_GLOBAL_TECH"  # the fictional benchmark index in market_index.csv

# -- reference data -------------------------------------------------------------------

SEGMENTS = (  # code, name, group, description, market size 2019 (USD bn), CAGR
    ("compute_infrastructure", "Compute infrastructure", "ai_infrastructure",
     "GPU and accelerator clusters, schedulers and interconnects for AI workloads", 38.0, 0.31),
    ("data_centers", "Data centers", "ai_infrastructure",
     "AI-ready data center capacity, power and cooling", 190.0, 0.12),
    ("ai_chips", "AI chips", "ai_infrastructure",
     "Processors and accelerators designed for training and inference", 17.0, 0.34),
    ("cloud_platforms", "Cloud platforms", "ai_infrastructure",
     "Managed platforms for training, serving and fine-tuning models", 42.0, 0.27),
    ("edge_computing", "Edge computing", "ai_infrastructure",
     "Inference hardware and software running close to where data is produced", 9.5, 0.29),
    ("ml_frameworks", "ML frameworks and tooling", "ai_infrastructure",
     "Compilers, runtimes, training frameworks and evaluation tools", 4.2, 0.33),
    ("data_processing_networks", "Data processing networks", "ai_infrastructure",
     "Pipelines, labeling networks and federated data processing for AI", 11.0, 0.24),
    ("robotics_infrastructure", "Robotics infrastructure", "ai_infrastructure",
     "Operating systems, simulation and fleet software for robots", 3.1, 0.30),
    ("autonomous_systems", "Autonomous systems", "ai_infrastructure",
     "Perception, navigation and autonomy stacks sold to system builders", 6.8, 0.26),
    ("humanoid_robots", "Humanoid robots", "physical_ai",
     "General-purpose humanoid and bipedal robots", 1.1, 0.45),
    ("warehouse_automation", "Warehouse automation", "physical_ai",
     "Mobile robots, picking and storage systems for fulfilment", 15.0, 0.16),
    ("autonomous_vehicles", "Autonomous vehicles", "physical_ai",
     "Self-driving trucks, shuttles and delivery vehicles", 24.0, 0.22),
    ("industrial_robotics", "Industrial robotics", "physical_ai",
     "Robot arms and cells with AI perception for factories", 44.0, 0.11),
    ("ai_drones", "AI drones", "physical_ai",
     "Autonomous aerial systems for inspection, agriculture and security", 5.6, 0.21),
    ("intelligent_manufacturing", "Intelligent manufacturing", "physical_ai",
     "AI process control, inspection and maintenance on the factory floor", 13.0, 0.20),
)  # fmt: skip

INDUSTRIES = (
    ("manufacturing", "Manufacturing"),
    ("logistics", "Logistics"),
    ("transportation", "Transportation"),
    ("healthcare", "Healthcare"),
    ("energy_utilities", "Energy and utilities"),
    ("retail_ecommerce", "Retail and e-commerce"),
    ("financial_services", "Financial services"),
    ("telecommunications", "Telecommunications"),
    ("agriculture", "Agriculture"),
    ("public_sector_defense", "Public sector and defense"),
    ("technology_software", "Technology and software"),
)

COUNTRIES = (  # code, name, region, reporting currency, deal currency
    ("US", "United States", "north_america", "USD", "USD"),
    ("CA", "Canada", "north_america", "CAD", "CAD"),
    ("BR", "Brazil", "latin_america", "BRL", "USD"),
    ("MX", "Mexico", "latin_america", "MXN", "USD"),
    ("GB", "United Kingdom", "europe", "GBP", "GBP"),
    ("DE", "Germany", "europe", "EUR", "EUR"),
    ("FR", "France", "europe", "EUR", "EUR"),
    ("NL", "Netherlands", "europe", "EUR", "EUR"),
    ("SE", "Sweden", "europe", "SEK", "SEK"),
    ("CH", "Switzerland", "europe", "CHF", "CHF"),
    ("IL", "Israel", "middle_east_africa", "ILS", "ILS"),
    ("AE", "United Arab Emirates", "middle_east_africa", "AED", "USD"),
    ("JP", "Japan", "asia_pacific", "JPY", "JPY"),
    ("SG", "Singapore", "asia_pacific", "SGD", "SGD"),
    ("KR", "South Korea", "asia_pacific", "KRW", "KRW"),
    ("IN", "India", "asia_pacific", "INR", "USD"),
    ("AU", "Australia", "asia_pacific", "AUD", "AUD"),
)
COUNTRY = {c[0]: c for c in COUNTRIES}

# Units per USD around 2019, and monthly volatility, for the simulated FX series.
FX_BASE = {
    "EUR": (0.89, 0.018), "GBP": (0.78, 0.02), "JPY": (109.0, 0.022),
    "CAD": (1.33, 0.015), "CHF": (0.99, 0.017), "SEK": (9.4, 0.022),
    "SGD": (1.36, 0.01), "ILS": (3.6, 0.015), "KRW": (1160.0, 0.02),
    "INR": (70.0, 0.012), "AUD": (1.42, 0.022), "BRL": (3.9, 0.035),
    "MXN": (19.2, 0.03), "AED": (3.6725, 0.0),
}  # fmt: skip

# Curated portfolio: name, segment, country, founded, "industry:percent ...", outcome, flag.
# outcome: acquisition | ipo_sale | write_off (company level); flag applies to the lead
# fund's holding: secondary (partial sale), stale (marks stop early), late_bridge (stale,
# then a bridge investment after the last mark).
CURATED = (
    ("Tessellate Compute", "compute_infrastructure", "US", 2017, "technology_software:70 financial_services:30", "", "secondary", "GPU cluster scheduling and orchestration for AI training jobs"),
    ("Northlight Fabric", "compute_infrastructure", "CA", 2018, "telecommunications:60 technology_software:40", "", "", "Optical interconnect fabric for rack-scale AI compute"),
    ("Gridwell Compute", "compute_infrastructure", "DE", 2019, "technology_software:50 manufacturing:30 public_sector_defense:20", "", "", "Sovereign GPU capacity marketplace for European enterprises"),
    ("Coldfront Data Halls", "data_centers", "SE", 2016, "energy_utilities:60 technology_software:40", "", "stale", "Liquid-cooled modular data halls run on renewable power"),
    ("Kiln Thermal", "data_centers", "US", 2019, "energy_utilities:50 technology_software:50", "", "", "Immersion cooling retrofits for AI-dense data centers"),
    ("Basalt Edge DC", "data_centers", "SG", 2020, "telecommunications:70 technology_software:30", "", "", "Prefabricated micro data centers for tropical climates"),
    ("Siliconveil", "ai_chips", "IL", 2018, "technology_software:40 transportation:30 manufacturing:30", "", "late_bridge", "Low-power inference accelerators for vision workloads"),
    ("Ferrite Semiconductor", "ai_chips", "JP", 2017, "manufacturing:60 transportation:40", "acquisition", "", "Analog in-memory compute chips for edge inference"),
    ("Lumen Photonic Devices", "ai_chips", "GB", 2019, "", "", "", "Photonic matrix-multiply accelerators"),
    ("Stratus Forge", "cloud_platforms", "US", 2018, "technology_software:60 retail_ecommerce:25 financial_services:15", "", "", "Serverless inference platform for open-weight models"),
    ("Nimbus Atelier", "cloud_platforms", "FR", 2020, "financial_services:40 healthcare:35 public_sector_defense:25", "", "stale", "Sovereign AI cloud for regulated industries"),
    ("Halcyon Cloud Works", "cloud_platforms", "IN", 2019, "", "", "", "Low-cost GPU cloud for early-stage software companies"),
    ("Fieldstone Edge", "edge_computing", "US", 2018, "manufacturing:50 agriculture:30 energy_utilities:20", "", "", "Ruggedized edge servers for factories and farms"),
    ("Waypoint Edge AI", "edge_computing", "KR", 2019, "telecommunications:80 transportation:20", "", "late_bridge", "Inference platform for telecom operators' 5G edge sites"),
    ("Meridian Edge Systems", "edge_computing", "NL", 2020, "energy_utilities:70 telecommunications:30", "", "", "Edge AI gateways for electricity substations"),
    ("Graphite ML", "ml_frameworks", "US", 2019, "technology_software:100", "", "secondary", "Compiler and runtime for heterogeneous AI accelerators"),
    ("Paraflow Labs", "ml_frameworks", "GB", 2020, "technology_software:70 financial_services:30", "write_off", "", "Distributed training framework with enterprise support"),
    ("Vector Loom", "ml_frameworks", "CH", 2021, "financial_services:50 healthcare:50", "", "", "Model evaluation and red-teaming toolkit"),
    ("Tidewater Data", "data_processing_networks", "US", 2017, "retail_ecommerce:50 financial_services:50", "acquisition", "", "Streaming feature pipelines for real-time machine learning"),
    ("Synapse Relay", "data_processing_networks", "DE", 2019, "healthcare:100", "", "", "Federated data processing network for hospitals"),
    ("Corvid Labeling", "data_processing_networks", "BR", 2020, "technology_software:40 agriculture:30 retail_ecommerce:30", "", "", "Human-in-the-loop data labeling network"),
    ("Armature OS", "robotics_infrastructure", "US", 2019, "logistics:50 manufacturing:50", "", "", "Operating system and fleet management for mixed robot fleets"),
    ("Simforge", "robotics_infrastructure", "CA", 2020, "manufacturing:60 technology_software:40", "", "stale", "Physics simulation and synthetic data for robot training"),
    ("Kinetic Mesh", "robotics_infrastructure", "JP", 2018, "logistics:60 healthcare:40", "", "", "Teleoperation and remote supervision network for robots"),
    ("Sentinel Autonomy", "autonomous_systems", "US", 2018, "public_sector_defense:80 transportation:20", "ipo_sale", "", "Autonomy stack for public-safety and defense vehicles"),
    ("Polar Nav", "autonomous_systems", "SE", 2019, "transportation:50 public_sector_defense:50", "", "", "GNSS-free navigation for autonomous systems"),
    ("Ferrous Humanoids", "humanoid_robots", "US", 2021, "manufacturing:70 logistics:30", "", "", "General-purpose humanoid robot for light industrial work"),
    ("Kaiju Robotics", "humanoid_robots", "JP", 2020, "healthcare:100", "", "", "Humanoid assistants for elder care"),
    ("Bipedal Works", "humanoid_robots", "GB", 2020, "", "", "", "Low-cost humanoid platform for research labs"),
    ("Palletron", "warehouse_automation", "US", 2017, "logistics:70 retail_ecommerce:30", "", "", "Autonomous mobile robots for pallet moving"),
    ("Pickwise Robotics", "warehouse_automation", "DE", 2018, "retail_ecommerce:60 logistics:40", "", "", "AI piece-picking arms for e-commerce fulfilment"),
    ("Stackline Automation", "warehouse_automation", "SG", 2019, "logistics:100", "", "", "Cube storage automation for dense urban warehouses"),
    ("Drayage Drive", "autonomous_vehicles", "US", 2018, "logistics:60 transportation:40", "", "", "Autonomous yard trucks for ports and depots"),
    ("Velora Mobility", "autonomous_vehicles", "FR", 2019, "transportation:100", "write_off", "", "Level-4 autonomous shuttles for campuses"),
    ("Hanbit Autonomous", "autonomous_vehicles", "KR", 2019, "logistics:70 retail_ecommerce:30", "", "", "Autonomous delivery vans for last-mile logistics"),
    ("Weldcraft AI", "industrial_robotics", "US", 2016, "manufacturing:80 energy_utilities:20", "", "", "Vision-guided welding robots for heavy fabrication"),
    ("Torque Dynamics", "industrial_robotics", "DE", 2017, "manufacturing:100", "", "", "Collaborative robot arms with force sensing"),
    ("Brightline Robotics", "industrial_robotics", "IL", 2020, "manufacturing:100", "", "stale", "Inspection robots for semiconductor fabs"),
    ("Skyloom", "ai_drones", "US", 2019, "energy_utilities:60 telecommunications:40", "", "", "Drone-in-a-box for infrastructure inspection"),
    ("Harrier Aerial", "ai_drones", "GB", 2018, "energy_utilities:50 agriculture:30 public_sector_defense:20", "", "", "Long-range drones for utility corridor patrols"),
    ("Dunewatch Drones", "ai_drones", "AE", 2021, "public_sector_defense:70 energy_utilities:30", "", "", "Autonomous security drones for critical infrastructure"),
    ("Foundry Mind", "intelligent_manufacturing", "US", 2018, "manufacturing:80 energy_utilities:20", "", "", "AI process control for semiconductor and battery fabs"),
    ("Takumi Vision", "intelligent_manufacturing", "JP", 2017, "manufacturing:70 transportation:30", "", "", "Visual quality inspection for automotive lines"),
    ("Loomcast", "intelligent_manufacturing", "IN", 2020, "manufacturing:100", "", "", "Predictive maintenance for textile factories"),
)  # fmt: skip

# The two curated funds; further funds are randomized.
CURATED_FUNDS = (  # name, vintage, currency, committed, first close, benchmarked
    ("Frontier Compute Fund I", 2019, "USD", 150_000_000, date(2019, 3, 15), True),
    ("Frontier Physical AI Fund II", 2022, "EUR", 120_000_000, date(2022, 4, 20), False),
)
CURATED_LPS = (
    ("Northern Teachers Pension Plan", "pension"),
    ("Harbor State University Endowment", "endowment"),
    ("Alder Family Office", "family_office"),
    ("Civitas Fund of Funds III", "fund_of_funds"),
    ("Meridian Life Insurance", "insurance"),
    ("Gulf Horizon Investment Authority", "sovereign_wealth"),
    ("Lindqvist Foundation", "foundation"),
    ("Kestrel Industrial Group", "corporate"),
    ("Rhine Valley Pensionskasse", "pension"),
    ("Okabe Family Holdings", "family_office"),
    ("Ada Brightwater", "individual"),
    ("Saltmarsh Foundation", "foundation"),
    ("Cobalt Ventures Fund of Funds", "fund_of_funds"),
    ("Tanaka Mutual Insurance", "insurance"),
)
NAME_PREFIXES = (
    "Arc", "Bolt", "Cinder", "Delta", "Ember", "Flux", "Gantry", "Helix", "Ion", "Jetty",
    "Keel", "Lattice", "Mosaic", "Nova", "Orbit", "Pylon", "Quill", "Rivet", "Sable", "Torus",
    "Umbra", "Vale", "Wren", "Xylo", "Yonder", "Zenith", "Argent", "Beacon", "Cobalt", "Dynamo",
)  # fmt: skip
NAME_SUFFIXES = (
    "Robotics", "Systems", "Compute", "Labs", "Dynamics", "Autonomy", "Machines", "Silicon",
    "Networks", "Motion", "Works", "Aerial", "Logic", "Fabrication", "Cloud", "Sensing",
)  # fmt: skip
PRICED_LADDER = ("pre_seed", "seed", "series_a", "series_b", "series_c", "series_d_plus", "growth")
GROWTH_LABELS = ("series_c", "series_d_plus", "growth")
LP_TYPES = ("pension", "endowment", "foundation", "fund_of_funds", "family_office",
            "sovereign_wealth", "insurance", "corporate", "individual")  # fmt: skip
assert set(PRICED_LADDER) | {"bridge"} == set(ROUND_LABELS)


# -- dates and numbers ----------------------------------------------------------------


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
        i = bisect.bisect_right(self.dates, d) - 1
        if i < 0:
            raise ValueError(f"no {ccy} rate on or before {d}")
        return self.rates[ccy][i]

    def convert(self, amount: float, from_ccy: str, to_ccy: str, d: date) -> float:
        return amount / self.rate(from_ccy, d) * self.rate(to_ccy, d)


# -- the model ------------------------------------------------------------------------


@dataclass
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


@dataclass
class Round:
    when: date
    label: str
    instrument: str
    post: float  # post-money (for safes and notes: the notional cap, not published)
    raise_amount: float

    @property
    def priced(self) -> bool:
        return self.instrument == "equity"


@dataclass
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
    values: dict[date, float] = field(default_factory=dict)  # quarter end -> value
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


@dataclass
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
    marks: list[tuple[date, float, str]] = field(default_factory=list)
    # (date, proceeds, realization type, is full exit, fraction of the stake sold)
    realizations: list[tuple[date, float, str, bool, float]] = field(default_factory=list)


def _company_names(n: int) -> list[str]:
    names = [c[0] for c in CURATED[:n]]
    i = 0
    while len(names) < n:
        p = NAME_PREFIXES[i % len(NAME_PREFIXES)]
        s = NAME_SUFFIXES[i // len(NAME_PREFIXES) % len(NAME_SUFFIXES)]
        lap = i // (len(NAME_PREFIXES) * len(NAME_SUFFIXES))
        names.append(f"{p} {s}" + (f" {lap + 1}" if lap else ""))
        i += 1
    return names


def _build_funds(rng: random.Random, n: int) -> list[Fund]:
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


def _build_companies(rng: random.Random, n: int, funds: list[Fund]) -> list[Company]:
    width = max(4, len(str(n)))
    segments = [s[0] for s in SEGMENTS]
    countries = [c[0] for c in COUNTRIES]
    country_weights = [14 if c == "US" else 2 for c in countries]
    industries = [i[0] for i in INDUSTRIES]
    out = []
    for i, name in enumerate(_company_names(n)):
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


def _simulate_company(rng: random.Random, c: Company, fund: Fund, check: float) -> None:
    """Round history, outcome dates and quarterly value path of one company."""
    lo, hi = fund.entry_window
    if c.outcome:  # leave room for the exit or the write-off to happen by AS_OF
        hi = max(lo, min(hi, AS_OF - timedelta(days=1100)))
    c.first_round = rand_date(rng, lo, hi)
    if c.founded:
        c.founded = min(c.founded, c.first_round.year)
    else:
        c.founded = c.first_round.year - rng.randint(1, 4)
    # Outcome dates; an outcome that does not fit the timeline becomes a plain holding.
    if c.outcome in ("acquisition", "ipo_sale"):
        lo, hi = c.first_round + timedelta(days=900), AS_OF - timedelta(days=100)
        c.exit_date = rand_date(rng, lo, hi) if lo < hi else None
    elif c.outcome == "write_off":
        lo, hi = c.first_round + timedelta(days=500), AS_OF - timedelta(days=400)
        if lo < hi:
            c.decline_start = rand_date(rng, lo, hi)
            c.write_off_q = add_months(quarter_end_on_or_after(c.decline_start), 6)
    if not (c.exit_date or c.decline_start):
        c.outcome = ""
    stop = (c.exit_date or c.decline_start or AS_OF) - timedelta(days=120)

    stage = rng.choices((0, 1, 2, 3), (15, 40, 35, 10))[0]
    post = check / rng.uniform(0.08, 0.2)
    raise_amount = min(check / rng.uniform(0.35, 0.7), post * 0.35)
    safe = stage == 0 and c.deal_ccy == "USD" and rng.random() < 0.5
    instrument = "safe" if safe else "equity"
    c.rounds = [Round(c.first_round, PRICED_LADDER[stage], instrument, post, raise_amount)]
    # Companies that exit were the winners, write-offs the losers.
    mean = {"acquisition": 0.5, "ipo_sale": 0.6, "write_off": -0.1}.get(c.outcome, 0.25)
    quality = rng.gauss(mean, 0.3 if c.outcome else 0.4)
    when = c.first_round
    while (when := when + timedelta(days=rng.randint(300, 700))) <= stop:
        last = c.rounds[-1]
        when = rand_date(rng, when, when)
        if last.priced and stage >= 2 and rng.random() < 0.18:
            note = last.post * rng.uniform(0.03, 0.08)
            c.rounds.append(Round(when, "bridge", "convertible_note", last.post, note))
            continue
        stage = min(stage + 1, len(PRICED_LADDER) - 1)
        post = max(last.post * math.exp(rng.gauss(quality, 0.35)), last.post * 0.4)
        post = min(post, c.rounds[0].post * 60)  # even the winners stay plausible
        raise_amount = post * rng.uniform(0.12, 0.25)
        c.rounds.append(Round(when, PRICED_LADDER[stage], "equity", post, raise_amount))

    # Quarterly value: the latest priced round's post-money, drifting between rounds.
    base, m, ri = c.rounds[0].post, 1.0, 0
    for q in quarter_ends(c.first_round, c.exit_date or AS_OF):
        while ri + 1 < len(c.rounds) and c.rounds[ri + 1].when <= q:
            ri += 1
            if c.rounds[ri].priced:
                base, m = c.rounds[ri].post, 1.0
        if c.rounds[ri].when < q - timedelta(days=91):
            m = min(max(m * math.exp(rng.gauss(quality * 0.03, 0.06)), 0.3), 2.5)
        if c.decline_start and q >= c.decline_start:
            m *= 0.4
        c.values[q] = 0.0 if c.write_off_q and q >= c.write_off_q else base * m
    if c.exit_date:
        last_q = max(q for q in c.values if q < c.exit_date)
        premium = rng.uniform(1.3, 2.4) if c.outcome == "acquisition" else rng.uniform(1.5, 3.0)
        c.exit_value = c.values[last_q] * premium


def _stage_at(c: Company, d: date) -> str:
    return [r.label for r in c.rounds if (r.priced and r.when <= d) or r is c.rounds[0]][-1]


def _simulate_holding(rng: random.Random, h: Holding) -> None:
    """Investments, marks and realizations of one fund in one company."""
    c, entry = h.company, h.entry
    start = c.rounds[entry].when
    # A partial secondary sale, decided up front so that rounds after it see the smaller stake.
    sale: tuple[date, float] | None = None
    if h.flag == "secondary":
        lo = start + timedelta(days=700)
        hi = (c.exit_date or c.decline_start or AS_OF) - timedelta(days=150)
        if lo < hi:
            sale = (rand_date(rng, lo, hi), rng.uniform(0.3, 0.5))

    own, pending, spent = 0.0, 0.0, 0.0
    states: list[tuple[date, float, float]] = []  # (date, ownership, convertibles at cost)

    def sell(own: float) -> float:
        assert sale is not None
        prev_q = max(q for q in c.values if q < sale[0])
        proceeds = sale[1] * own * c.values[prev_q] * rng.uniform(0.85, 1.0)
        h.realizations.append((sale[0], round(proceeds, 2), "secondary_sale", False, sale[1]))
        states.append((sale[0], own * (1 - sale[1]), pending))
        return own * (1 - sale[1])

    for k, r in enumerate(c.rounds[entry:]):
        if sale and not h.realizations and r.when > sale[0]:
            own = sell(own)
        amount = 0.0
        if k == 0:
            amount = min(h.budget * 0.45, r.raise_amount * (0.6 if entry else 0.9))
        elif r.priced and rng.random() < 0.75:
            amount = min(max(own * r.raise_amount, h.budget * 0.2), r.raise_amount * 0.5)
            amount = min(amount, h.budget - spent)
        elif not r.priced and rng.random() < 0.6:
            amount = min(h.budget * 0.12, h.budget - spent, r.raise_amount * 0.5)
        amount = sig3(amount)
        if k > 0 and amount < h.budget * 0.03:
            amount = 0.0
        if r.priced:
            own = own * (1 - r.raise_amount / r.post) + (amount + 1.25 * pending) / r.post
            own, pending = min(own, 0.95), 0.0
        else:
            pending += amount
        if amount > 0:
            spent += amount
            priced = r.priced
            h.investments.append(
                (r.when, r.label, r.instrument, amount, sig3(r.post) if priced else None,
                 own if priced else None)
            )  # fmt: skip
        states.append((r.when, own, pending))
    if sale and not h.realizations:
        own = sell(own)

    last_q = AS_OF
    if c.exit_date:
        last_q = max(q for q in c.values if q < c.exit_date)
    elif h.flag in ("stale", "late_bridge") and not c.decline_start:
        last_q = add_months(AS_OF, -3 * rng.randint(1, 2 if h.flag == "late_bridge" else 3))
        if h.flag == "late_bridge":  # a bridge after the latest mark: held at cost
            when = rand_date(rng, last_q + timedelta(days=20), AS_OF - timedelta(days=15))
            amount = sig3(h.budget * rng.uniform(0.05, 0.1))
            h.investments.append((when, "bridge", "convertible_note", amount, None, None))
    if c.exit_date:
        proceeds = own * c.exit_value + pending
        h.realizations.append((c.exit_date, round(proceeds, 2), c.outcome, True, 1.0))

    j = 0
    for q in quarter_ends(start, last_q):
        while j + 1 < len(states) and states[j + 1][0] <= q:
            j += 1
        _, own_q, pending_q = states[j]
        fv = own_q * c.values[q] + pending_q
        if c.write_off_q and q >= c.write_off_q:
            fv, method = 0.0, "write_off"
        elif c.decline_start and q >= c.decline_start:
            method = "write_down"
        elif c.exit_date and q == last_q and (c.exit_date - q).days <= 100:
            fv, method = own_q * c.exit_value + pending_q, "exit_price"
        elif any(r.priced and q - timedelta(days=91) < r.when <= q for r in c.rounds):
            method = "last_round"
        elif fv < sum(i[3] for i in h.investments if i[0] <= q) * 0.8:
            method = "write_down"
        else:
            method = "dcf" if _stage_at(c, q) in GROWTH_LABELS else "comparables"
        h.marks.append((q, round(fv, 2), method))


# -- fund level: LP cash flows and reported NAVs --------------------------------------


def _fund_flows(
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


def _fund_navs(
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
    out = []
    for q in quarters:
        fair_value = sum(_fair_value(h, q, fx) for h in holdings)
        cash = sum(a for d, a in cash_moves if d <= q)
        out.append((q, round(max(fair_value + cash, 0.0), 2)))
    if k % 2 == 0:  # a gap in the middle: that quarter's NAV must be rolled forward
        del out[len(out) // 2]
    else:  # reporting starts late: the first quarters fall back to the portfolio's value
        out = out[3:]
    return out


def _fair_value(h: Holding, q: date, fx: Fx) -> float:
    """A holding's fair value at quarter end q in fund currency, as the contract defines it."""
    ccy, fund_ccy = h.company.deal_ccy, h.fund.currency
    exits = [r[0] for r in h.realizations if r[3] and r[0] <= q]
    marks = [m for m in h.marks if m[0] <= q]
    mark_date = marks[-1][0] if marks else date.min
    later = [i for i in h.investments if mark_date < i[0] <= q]
    if exits and not [i for i in later if i[0] > exits[-1]]:
        return 0.0
    value = fx.convert(marks[-1][1], ccy, fund_ccy, q) if marks else 0.0
    return value + sum(fx.convert(i[3], ccy, fund_ccy, i[0]) for i in later)


# -- LPs, company KPIs, market figures ------------------------------------------------


def _lps(rng: random.Random, funds: list[Fund]) -> tuple[list[list], list[list]]:
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


def _kpis(rng: random.Random, c: Company, fx: Fx, first_month: date) -> list[list]:
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
    for d in months:
        revenue *= (1 + growth) * rng.uniform(0.95, 1.05)
        headcount = max(3, headcount + rng.choice((-1, 0, 1, 1, 2)))
        gm = min(max(margin + rng.gauss(0, 1.5), 5.0), 95.0)
        burn = headcount * 12_500 - revenue * gm / 100
        cash += fx.convert(raises.get(d, 0.0), c.deal_ccy, "USD", d) - burn
        if cash < 4 * max(burn, 0):  # venture debt keeps the lights on
            cash += 18 * max(burn, 0)
        rate = fx.rate(c.report_ccy, d)
        ccy, day = c.report_ccy, d.isoformat()
        rows += [
            [c.company_id, day, "revenue", money(revenue * rate), ccy],
            [c.company_id, day, "arr", money(revenue * 12 * rng.uniform(0.9, 1.1) * rate), ccy],
            [c.company_id, day, "gross_margin_pct", decimal(gm, 1), None],
            [c.company_id, day, "headcount", str(headcount), None],
            [c.company_id, day, "cash_balance", money(max(cash, 0.0) * rate), ccy],
            [c.company_id, day, "net_burn", money(burn * rate), ccy],
        ]
    return rows


def _market_sizes(rng: random.Random) -> list[list]:
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


def _market_index(rng: random.Random, months: list[date]) -> list[list]:
    level, rows = 1000.0, []
    for d in months:
        rows.append([INDEX_CODE, d.isoformat(), money(level)])
        level *= math.exp(rng.gauss(0.009, 0.05))
    return rows


# -- putting it together --------------------------------------------------------------


def generate(out_dir: Path, *, seed: int = 7, funds: int = 2, companies: int = 44) -> None:
    """Write every input CSV of the data contract into out_dir (created if missing)."""
    if funds < 1 or companies < funds:
        raise ValueError("need at least one fund and at least as many companies as funds")

    def stream(name: str) -> random.Random:
        return random.Random(f"{seed}:{name}")

    fund_list = _build_funds(stream("funds"), funds)
    months = month_ends(date(min(f.first_close for f in fund_list).year - 1, 1, 1), AS_OF)
    fx = Fx(stream("fx"), months)
    company_list = _build_companies(stream("companies"), companies, fund_list)

    rng = stream("portfolio")
    holdings: list[Holding] = []
    for c in company_list:
        lead = fund_list[c.lead]
        budget = fx.convert(lead.committed * 0.72 / lead.lead_count, lead.currency, c.deal_ccy,
                            lead.first_close)  # fmt: skip
        _simulate_company(rng, c, lead, budget * 0.45)
        holdings.append(Holding(lead, c, budget, c.flag))
        if rng.random() < 0.3 and len(fund_list) > 1:  # a co-investor joins a later round
            others = [f for f in fund_list if f is not lead]
            co = rng.choice(others)
            lo, hi = co.first_close + timedelta(days=20), co.first_close + timedelta(days=1800)
            hi = min(hi, AS_OF - timedelta(days=90))
            later = [k for k, r in enumerate(c.rounds) if k > 0 and r.priced and lo <= r.when <= hi]
            if later:
                co_budget = fx.convert(co.committed * 0.36 / max(co.lead_count, 1), co.currency,
                                       c.deal_ccy, co.first_close)  # fmt: skip
                holdings.append(Holding(co, c, co_budget, entry=later[0]))
    for h in holdings:
        _simulate_holding(rng, h)

    by_fund: dict[str, list[Holding]] = {f.fund_id: [] for f in fund_list}
    for h in holdings:
        by_fund[h.fund.fund_id].append(h)
    flows, navs = [], []
    for k, f in enumerate(fund_list):
        fund_flows = _fund_flows(stream(f"flows:{f.fund_id}"), f, by_fund[f.fund_id], fx)
        flows += [(f.fund_id, *x) for x in fund_flows]
        navs += [(f.fund_id, *x) for x in _fund_navs(f, k, by_fund[f.fund_id], fund_flows, fx)]
    lps, commitments = _lps(stream("lps"), fund_list)
    kpi_rng = stream("kpis")
    kpis = [row for c in company_list for row in _kpis(kpi_rng, c, fx, months[0])]

    investments = sorted(
        (i[0], h.fund.fund_id, h.company.company_id, i, h.company.deal_ccy)
        for h in holdings for i in h.investments
    )  # fmt: skip
    realizations = sorted(
        (r[0], h.fund.fund_id, h.company.company_id, r, h.company.deal_ccy)
        for h in holdings for r in h.realizations
    )  # fmt: skip
    iw, rw, cw = (max(5, len(str(len(x)))) for x in (investments, realizations, flows))
    tables: dict[str, Iterable[Sequence[object]]] = {
        "segments": [s[:4] for s in SEGMENTS],
        "industries": INDUSTRIES,
        "countries": [c[:3] for c in COUNTRIES],
        "funds": [
            [
                f.fund_id,
                f.name,
                f.vintage,
                f.currency,
                money(f.committed),
                INDEX_CODE if f.benchmarked else None,
            ]
            for f in fund_list
        ],
        "companies": [
            [c.company_id, c.name, c.segment, c.country, c.founded, c.description]
            for c in company_list
        ],
        "company_industries": [
            [c.company_id, code, decimal(pct / 100, 4)]
            for c in company_list
            for code, pct in c.industries
        ],
        "investments": [
            [
                f"INV{n + 1:0{iw}d}",
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
            for n, (d, fid, cid, (_, label, instrument, amount, post, own), ccy) in enumerate(
                investments
            )
        ],
        "realizations": [
            [
                f"R{n + 1:0{rw}d}",
                fid,
                cid,
                d.isoformat(),
                money(proceeds),
                ccy,
                kind,
                "true" if full else "false",
            ]
            for n, (d, fid, cid, (_, proceeds, kind, full, _frac), ccy) in enumerate(realizations)
        ],
        "valuations": [
            [
                h.fund.fund_id,
                h.company.company_id,
                q.isoformat(),
                money(fv),
                h.company.deal_ccy,
                method,
            ]
            for h in sorted(holdings, key=lambda h: (h.fund.fund_id, h.company.company_id))
            for q, fv, method in h.marks
        ],
        "fund_cash_flows": [
            [f"CF{n + 1:0{cw}d}", fid, d.isoformat(), kind, money(amount), purpose]
            for n, (fid, d, kind, amount, purpose) in enumerate(flows)
        ],
        "fund_navs": [[fid, q.isoformat(), money(nav)] for fid, q, nav in navs],
        "lps": lps,
        "commitments": commitments,
        "company_kpis": kpis,
        "market_sizes": _market_sizes(stream("market")),
        "market_index": _market_index(stream("index"), months),
        "fx_rates": [
            [d.isoformat(), ccy, decimal(fx.rates[ccy][n], 6)]
            for n, d in enumerate(months)
            for ccy in sorted(fx.rates)
        ],
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, spec in FILES.items():
        with (out_dir / spec.filename).open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(spec.column_names)
            for row in tables[name]:
                assert len(row) == len(spec.columns), (name, row)
                writer.writerow(row)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m fundlens.demo",
        description="Write the deterministic FundLens demo data set (every input CSV of the "
        "data contract). The defaults reproduce the shipped seeds/ byte for byte; larger "
        "--funds/--companies give synthetic portfolios for benchmarks.",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=SEEDS_DIR,
        help=f"directory to write the CSVs into (default: {SEEDS_DIR})",
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed (default: 7)")
    parser.add_argument("--funds", type=int, default=2, help="number of funds (default: 2)")
    parser.add_argument("--companies", type=int, default=44,
                        help="number of portfolio companies (default: 44)")  # fmt: skip
    args = parser.parse_args(argv)
    generate(args.out, seed=args.seed, funds=args.funds, companies=args.companies)
    print(f"wrote {len(FILES)} files to {args.out}")


if __name__ == "__main__":
    main()
