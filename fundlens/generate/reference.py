# ruff: noqa: E501  (the curated tables below keep one record per line)
"""Reference data and the curated portfolio: the fixed part of every generated data set."""

from __future__ import annotations

from datetime import date

from fundlens.contract import ROUND_LABELS

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
