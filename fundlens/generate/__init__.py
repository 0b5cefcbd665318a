"""Synthetic venture portfolios: every input CSV of the data contract, at any scale.

`generate()` writes a complete, valid input directory (`fundlens.contract.FILES`,
reference files included), with the demo's realism: curated and synthetic funds,
lead and co-investors, follow-ons and bridges, exits, partial sales, write-offs,
stale marks, marks in other currencies, FX, monthly company KPIs, LPs and their
commitments. The same arguments always give byte-identical files: all randomness
comes from `random.Random` streams seeded from `seed`, and no date depends on today.

The model, in short: each company has a round history (priced rounds, bridges) and a
quarterly value path; funds take a stake in a company's first round (the lead fund)
or in a later round (a co-investor) and follow on pro rata within a budget. Marks are
ownership x company value plus convertibles at cost. Capital calls fund the
investments (rounded up, so the fund keeps a little cash) and the fees; exits are
distributed a month later; reported NAVs are the holdings' fair value plus cash,
computed with the contract's own valuation rules.

Modules, in the order the data is drawn: `reference` (taxonomies, curated names),
`dates` (calendar, number formats, FX), `model` (funds and companies), `simulate`
(one company, one holding), `funds` (LP flows, NAVs, LPs), `figures` (KPIs, market
figures), `portfolio` (all of it, seeded), `rows` and `writer` (the CSVs); `presets` the sizes.

The portfolio is simulated whole, then written file by file (the KPIs, most of the
rows, are drawn as they are written). What stays in memory is kept small, about 5 KB
a company (slotted entities, quarterly figures in arrays): the 200,000 companies of
the xlarge preset need about 1 GB.

    fundlens generate --out DIR --preset medium
    python -m fundlens.demo            # regenerate the shipped seeds/ (preset demo)
"""

from fundlens.generate.presets import PRESETS, Preset

__all__ = ["PRESETS", "Preset", "generate"]


def __getattr__(name: str):
    """`generate` loads the simulation (and tqdm) on first use, not with the presets."""
    if name == "generate":
        from fundlens.generate.writer import generate

        return generate
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
