"""The simulation of one company (rounds, outcome, quarterly value) and of one fund's
holding in it (investments, marks, realizations)."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from fundlens.generate.dates import (
    add_months,
    quarter_end_on_or_after,
    quarter_ends,
    rand_date,
    sig3,
)
from fundlens.generate.model import Company, Fund, Holding, Quarterly, Round
from fundlens.generate.reference import AS_OF, GROWTH_LABELS, PRICED_LADDER


def simulate_company(rng: random.Random, c: Company, fund: Fund, check: float) -> None:
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
    base, m, ri, path = c.rounds[0].post, 1.0, 0, []
    for q in quarter_ends(c.first_round, c.exit_date or AS_OF):
        while ri + 1 < len(c.rounds) and c.rounds[ri + 1].when <= q:
            ri += 1
            if c.rounds[ri].priced:
                base, m = c.rounds[ri].post, 1.0
        if c.rounds[ri].when < q - timedelta(days=91):
            m = min(max(m * math.exp(rng.gauss(quality * 0.03, 0.06)), 0.3), 2.5)
        if c.decline_start and q >= c.decline_start:
            m *= 0.4
        path.append(0.0 if c.write_off_q and q >= c.write_off_q else base * m)
    c.values = Quarterly(c.first_round, path)
    if c.exit_date:
        last_q = c.values.latest_before(c.exit_date)
        premium = rng.uniform(1.3, 2.4) if c.outcome == "acquisition" else rng.uniform(1.5, 3.0)
        c.exit_value = c.values[last_q] * premium


def simulate_holding(rng: random.Random, h: Holding) -> None:
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
        prev_q = c.values.latest_before(sale[0])
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
        last_q = c.values.latest_before(c.exit_date)
    elif h.flag in ("stale", "late_bridge") and not c.decline_start:
        last_q = add_months(AS_OF, -3 * rng.randint(1, 2 if h.flag == "late_bridge" else 3))
        if h.flag == "late_bridge":  # a bridge after the latest mark: held at cost
            when = rand_date(rng, last_q + timedelta(days=20), AS_OF - timedelta(days=15))
            amount = sig3(h.budget * rng.uniform(0.05, 0.1))
            h.investments.append((when, "bridge", "convertible_note", amount, None, None))
    if c.exit_date:
        proceeds = own * c.exit_value + pending
        h.realizations.append((c.exit_date, round(proceeds, 2), c.outcome, True, 1.0))

    priced = [r for r in c.rounds if r.priced]
    quarter = timedelta(days=91)
    marks = []
    j = p = 0  # states[j] is the latest state and priced[:p] the priced rounds by q
    for q, value in c.values.items(start, last_q):
        while j + 1 < len(states) and states[j + 1][0] <= q:
            j += 1
        while p < len(priced) and priced[p].when <= q:
            p += 1
        _, own_q, pending_q = states[j]
        fv = own_q * value + pending_q
        if c.write_off_q and q >= c.write_off_q:
            fv, method = 0.0, "write_off"
        elif c.decline_start and q >= c.decline_start:
            method = "write_down"
        elif c.exit_date and q == last_q and (c.exit_date - q).days <= 100:
            fv, method = own_q * c.exit_value + pending_q, "exit_price"
        elif p and priced[p - 1].when > q - quarter:  # a priced round this quarter
            method = "last_round"
        elif fv < sum(i[3] for i in h.investments if i[0] <= q) * 0.8:
            method = "write_down"
        else:  # the stage: the latest priced round's, else the first round's
            stage = priced[p - 1].label if p else c.rounds[0].label
            method = "dcf" if stage in GROWTH_LABELS else "comparables"
        marks.append(round(fv, 2))
        h.methods.append(method)
    h.marks = Quarterly(start, marks)
