"""The bad-input corpus (`cases.py`) and the valid inputs it starts from."""

from __future__ import annotations

import shutil
from pathlib import Path

from fundlens import SEEDS_DIR
from fundlens.contract import FILES

from .fixture import write_fixture_seeds


def demo_seeds_ready() -> bool:
    return all((SEEDS_DIR / spec.filename).exists() for spec in FILES.values())


def copy_valid_seeds(dest: Path) -> Path:
    """A writable copy of valid inputs: the demo seeds, or the small fixture until they exist."""
    if demo_seeds_ready():
        dest.mkdir(parents=True, exist_ok=True)
        for spec in FILES.values():
            shutil.copyfile(SEEDS_DIR / spec.filename, dest / spec.filename)
        return dest
    return write_fixture_seeds(dest)
