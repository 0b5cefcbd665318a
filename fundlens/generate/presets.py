"""The portfolio sizes `fundlens generate --preset` knows (a module of its own, so the
CLI can list them without loading the simulation)."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_SEED = 7


@dataclass(frozen=True)
class Preset:
    funds: int
    companies: int
    about: str


PRESETS = {
    "demo": Preset(2, 44, "the shipped demo set in seeds/ (about 10k rows)"),
    "medium": Preset(10, 2_000, "a large manager (about 400k rows)"),
    "large": Preset(100, 20_000, "a fund of funds or an administrator (about 4M rows)"),
    "xlarge": Preset(1_000, 200_000, "stress test (about 40M rows)"),
}
