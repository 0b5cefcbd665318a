"""Excel-compatible XIRR, robust where Newton's method is not, vectorised over many series.

XIRR is the rate ``r > -1`` solving

    NPV(r) = sum_i CF_i / (1 + r) ** ((d_i - d_0) / 365) = 0

with days counted as actual days and ``d_0`` the first flow (Excel's convention; the
data contract, "Conventions of the computation"). Which flow is taken as ``d_0`` only
scales NPV by a positive factor, so it never changes the roots.

Method
------
Excel iterates Newton's method from a guess of 0.1. That fails (or wanders to
nonsense) for returns near -100%, for very high returns, for flows a few days apart
and when the NPV is flat near the guess. Instead we find *every* sign change of NPV:

1. Substitute ``v = T * ln(1 + r)``, with ``T`` the span of the flows in years. Then
   ``NPV = sum_i CF_i * exp(-v * s_i)`` with ``s_i = t_i / T`` in [0, 1]: the shape of
   the function in ``v`` no longer depends on how long the series is, so one grid fits
   a few days and forty years alike. ``v`` is the log of the growth over the whole span.
2. Evaluate NPV (rescaled by a positive factor so nothing overflows) on a fixed grid
   of ``v`` in [-750, 750] (every rate a double can hold, for spans of a day or more),
   dense near 0 and sparse in the tails (``v = 2 sinh(w)``, ``w`` evenly spaced); for
   long series, one more bracket on each side out to ``|ln(1 + r)| = 745``.
3. Refine every bracket (adjacent grid points with opposite signs) by bisection to
   the last bit of a double: bisection cannot diverge, so no input gives garbage.
4. Return ``r = exp(v / T) - 1``.

Root choice: an NPV with several sign changes in its flows can have several roots.
We return **the root closest to 0.1**, Excel's default guess, which is the root
Excel's Newton iteration from 0.1 converges to whenever it converges to a root. The
choice is deterministic and does not depend on the order of the flows.

No root gives ``None`` (``NaN`` in the batch functions): flows of one sign only,
no flows, all amounts zero, all flows on one day, or an NPV that never changes sign
on the grid (a root that only touches zero, or two roots closer together than the
grid spacing, is not reported). A root that a double cannot represent also gives
``None``: ``r`` above ~1e308, or ``1 + r`` so small that it rounds to 0 (``r`` within
about 1e-16 of -100%, e.g. losing half the money in one day, annualised).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

DAYS_PER_YEAR = 365.0
EXCEL_GUESS = 0.1

# Grid of v = T * ln(1 + r): 2 sinh(w), w evenly spaced, v in [-750, 750], which covers
# every rate a double can hold for spans of a day or more (exp(709) overflows). Odd size
# so that v = 0 (r = 0) is a grid point. Spacing in v: 0.17 near 0, 0.4 at |v| = 2,
# 1.5 at |v| = 9, 62 at |v| = 750.
_V_MAX = 750.0
_GRID_SIZE = 161
_V_GRID = 2.0 * np.sinh(np.linspace(-np.arcsinh(_V_MAX / 2), np.arcsinh(_V_MAX / 2), _GRID_SIZE))
_U_MAX = 745.0  # |ln(1 + r)| beyond which 1 + r overflows or underflows a double
_BISECTIONS = 80  # brackets up to ~1e8 wide (tails of a long series) shrink below 1 ulp
_CHUNK_ELEMENTS = 2_000_000  # bound on rows x flows x grid points held in memory at once


def xirr(amounts: Sequence[float], dates: Sequence[dt.date]) -> float | None:
    """XIRR of one series of signed cash flows; ``None`` where no root exists.

    ``amounts`` are signed (negative = paid out, positive = received), ``dates`` the
    matching dates in any order. See the module docstring for the method and for
    which root is returned when there are several.
    """
    if len(amounts) != len(dates):
        raise ValueError(f"xirr: {len(amounts)} amounts but {len(dates)} dates")
    days = [d.toordinal() for d in dates]
    result = xirr_ragged(
        np.asarray(amounts, dtype=float),
        np.asarray(days, dtype=float),
        np.array([0, len(days)]),
    )[0]
    return None if np.isnan(result) else float(result)


def xirr_batch(
    amounts: Sequence[Sequence[float]], dates: Sequence[Sequence[dt.date]]
) -> list[float | None]:
    """XIRR of many series at once (one list of amounts and one of dates per series)."""
    if len(amounts) != len(dates):
        raise ValueError(f"xirr_batch: {len(amounts)} amount lists but {len(dates)} date lists")
    lengths = []
    for a, d in zip(amounts, dates, strict=True):
        if len(a) != len(d):
            raise ValueError(f"xirr_batch: a series has {len(a)} amounts but {len(d)} dates")
        lengths.append(len(a))
    offsets = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])
    values = np.fromiter((x for a in amounts for x in a), dtype=float, count=int(offsets[-1]))
    days = np.fromiter(
        (x.toordinal() for d in dates for x in d), dtype=float, count=int(offsets[-1])
    )
    result = xirr_ragged(values, days, offsets)
    return [None if np.isnan(x) else float(x) for x in result]


def xirr_ragged(amounts: np.ndarray, days: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """XIRR of series stored back to back (Arrow's list layout); ``NaN`` where no root.

    Series ``k`` is ``amounts[offsets[k]:offsets[k+1]]`` with the matching ``days``
    (any day number: days since an epoch, ordinals, ...). Returns one float per series.
    """
    amounts = np.asarray(amounts, dtype=float)
    days = np.asarray(days, dtype=float)
    offsets = np.asarray(offsets, dtype=np.int64)
    n = len(offsets) - 1
    lengths = np.diff(offsets)
    result = np.full(n, np.nan)
    if n == 0 or amounts.size == 0:
        return result

    # Net the flows of one series on one day: NPV is unchanged, and amounts that cancel
    # exactly cannot leave rounding noise that looks like a root.
    series = np.repeat(np.arange(n), lengths)
    finite = np.isfinite(amounts) & np.isfinite(days)
    row_ok = np.bincount(series[~finite], minlength=n) == 0  # a NaN flow: no IRR
    valid = row_ok[series]
    day0 = days[valid].min() if valid.any() else 0.0
    keys = np.stack([series[valid], (days[valid] - day0).astype(np.int64)])
    unique_keys, inverse = np.unique(keys, axis=1, return_inverse=True)
    amounts = np.bincount(inverse.ravel(), weights=amounts[valid], minlength=unique_keys.shape[1])
    days = unique_keys[1].astype(float)
    lengths = np.bincount(unique_keys[0], minlength=n)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    if amounts.size == 0:
        return result

    # Pad to a rectangle; zero amounts (and padding) contribute nothing to NPV.
    width = int(lengths.max())
    row = np.repeat(np.arange(n), lengths)
    col = np.arange(amounts.size) - np.repeat(offsets[:-1], lengths)
    a = np.zeros((n, width))
    d = np.zeros((n, width))
    a[row, col] = amounts
    d[row, col] = days
    nonzero = a != 0
    d_first = np.where(nonzero, d, np.inf).min(axis=1)
    d_last = np.where(nonzero, d, -np.inf).max(axis=1)
    span_days = d_last - d_first
    has_both_signs = (a > 0).any(axis=1) & (a < 0).any(axis=1)
    solvable = has_both_signs & (span_days > 0) & np.isfinite(span_days)
    if not solvable.any():
        return result

    idx = np.flatnonzero(solvable)
    a = a[idx]
    span = span_days[idx]
    s = np.where(nonzero[idx], (d[idx] - d_first[idx, None]) / span[:, None], 0.0)
    a = a / np.abs(a).max(axis=1, keepdims=True)

    years_all = span / DAYS_PER_YEAR
    pos, v = _roots_in_v(a, s, years_all)
    if pos.size == 0:
        return result
    years = years_all[pos]
    with np.errstate(over="ignore"):
        r = np.expm1(v / years)
    ok = np.isfinite(r) & (r > -1.0)  # not representable: 1 + r overflows or rounds to 0
    pos, r = pos[ok], r[ok]
    # Per series, keep the root closest to Excel's guess.
    order = np.lexsort((np.abs(r - EXCEL_GUESS), pos))
    pos, r = pos[order], r[order]
    first = np.ones(pos.size, dtype=bool)
    first[1:] = pos[1:] != pos[:-1]
    result[idx[pos[first]]] = r[first]
    return result


def _npv_scaled(a: np.ndarray, s: np.ndarray, v: np.ndarray) -> np.ndarray:
    """sum_j a_j exp(-v s_j), divided by exp(max(0, -v)) so that it cannot overflow.

    ``a``, ``s``: (rows, flows); ``v``: (grid,). Returns (rows, grid).
    """
    shift = np.maximum(0.0, -v)
    return np.einsum("rf,rfg->rg", a, np.exp(-s[:, :, None] * v[None, None, :] - shift))


def _npv_scaled_rows(a: np.ndarray, s: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Like ``_npv_scaled`` with one ``v`` per row: returns (rows,)."""
    shift = np.maximum(0.0, -v)
    return (a * np.exp(-s * v[:, None] - shift[:, None])).sum(axis=1)


def _roots_in_v(
    a: np.ndarray, s: np.ndarray, span_years: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every sign change of NPV on the v grid, refined: (row positions, v values)."""
    rows, width = a.shape
    step = max(1, _CHUNK_ELEMENTS // (width * _GRID_SIZE))
    f = np.empty((rows, _GRID_SIZE))
    for start in range(0, rows, step):
        stop = start + step
        f[start:stop] = _npv_scaled(a[start:stop], s[start:stop], _V_GRID)

    sign = np.sign(f)
    # Exact zeros on the grid are roots as they stand.
    zero_row, zero_g = np.nonzero(sign == 0)
    # Brackets: neighbouring grid points of strictly opposite sign.
    br_row, br_g = np.nonzero(sign[:, :-1] * sign[:, 1:] < 0)
    lo = _V_GRID[br_g]
    hi = _V_GRID[br_g + 1]
    f_lo_sign = sign[br_row, br_g]

    # Beyond the grid, out to the rates a double can hold (|ln(1 + r)| <= _U_MAX): a
    # long series whose NPV is dominated by flows days apart can have its root there.
    tail_rows, tail_lo, tail_hi, tail_sign = [], [], [], []
    for end, edge_sign in ((_V_GRID[-1], sign[:, -1]), (_V_GRID[0], sign[:, 0])):
        far = np.copysign(_U_MAX * span_years, end)
        beyond = np.abs(far) > abs(end)
        far_sign = np.sign(_npv_scaled_rows(a, s, np.where(beyond, far, end)))
        rows_t = np.flatnonzero(beyond & (far_sign * edge_sign < 0))
        tail_rows.append(rows_t)
        tail_lo.append(np.full(rows_t.size, end))
        tail_hi.append(far[rows_t])
        tail_sign.append(edge_sign[rows_t])
    br_row = np.concatenate([br_row, *tail_rows])
    lo = np.concatenate([lo, *tail_lo])
    hi = np.concatenate([hi, *tail_hi])
    f_lo_sign = np.concatenate([f_lo_sign, *tail_sign])
    if br_row.size:
        ab, sb = a[br_row], s[br_row]
        for _ in range(_BISECTIONS):
            mid = 0.5 * (lo + hi)
            f_mid_sign = np.sign(_npv_scaled_rows(ab, sb, mid))
            same = f_mid_sign == f_lo_sign
            lo = np.where(same, mid, lo)
            hi = np.where(same, hi, mid)
            exact = f_mid_sign == 0
            lo = np.where(exact, mid, lo)
            hi = np.where(exact, mid, hi)
    v = np.concatenate([0.5 * (lo + hi), _V_GRID[zero_g]])
    pos = np.concatenate([br_row, zero_row])
    return pos, v
