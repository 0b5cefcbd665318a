"""FundLens: a portfolio-tracking data warehouse for venture funds."""

from pathlib import Path

__version__ = "0.1.0"

# The repository root: the dbt project, the shipped seeds and the app live here.
PROJECT_DIR = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_DIR / "seeds"
