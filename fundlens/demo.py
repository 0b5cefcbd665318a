"""`python -m fundlens.demo`: regenerate the shipped demo data in seeds/.

The generator lives in `fundlens.generate`; this is `fundlens generate --preset demo
--out seeds/` under its old name (extra arguments are passed on, e.g. `--out DIR`).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from fundlens import SEEDS_DIR
from fundlens.cli import main as cli_main


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if "--out" not in args:
        args += ["--out", str(SEEDS_DIR)]
    return cli_main(["generate", "--preset", "demo", *args])


if __name__ == "__main__":
    sys.exit(main())
