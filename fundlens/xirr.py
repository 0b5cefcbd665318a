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
3. Refine every bracket (adjacent grid points with opposite signs) by safeguarded
   Newton (bisection whenever a Newton step would leave the bracket or stall) to the
   last bits of a double: it cannot leave the bracket, so no input gives garbage.
   Series whose signs change once in date order have exactly one root (Descartes'
   rule of signs) and skip the grid: their bracket is the whole representable range.
4. Return ``r = exp(v / T) - 1``.

Root choice: an NPV with several sign changes in its flows can have several roots.
We return **the root closest to 0.1**, Excel's default guess: the root Excel's Newton
iteration from 0.1 usually lands on, but chosen deterministically (Newton may jump
to a farther root, or to none), independent of the order of the flows.

No root gives ``None`` (``NaN`` in the batch functions): flows of one sign only,
no flows, all amounts zero, all flows on one day, or an NPV that never changes sign
(a double root, where NPV only touches zero, is not reported; two roots inside one
grid cell are, through the turning point of NPV between them). A root that a double
cannot represent also gives ``None``: ``r`` above ~1e308, or ``1 + r`` so small that
it rounds to 0 (``r`` within about 1e-16 of -100%, e.g. losing half the money in one
day, annualised).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

DAYS_PER_YEAR = 365.0
EXCEL_GUESS = 0.1

# Grid of v = T * ln(1 + r): 2 sinh(w), w evenly spaced, v in [-750, 750]. Odd size so
# that v = 0 (r = 0) is a grid point. Spacing in v: 0.28 near 0, 0.44 at |v| = 2, 1.6 at
# |v| = 9, 97 at |v| = 750 (for a 10-year series: 2.8% of rate near r = 0). Two roots
# inside one cell are found through the turning point of NPV between them.
_V_MAX = 750.0
_GRID_SIZE = 97
_V_GRID = 2.0 * np.sinh(np.linspace(-np.arcsinh(_V_MAX / 2), np.arcsinh(_V_MAX / 2), _GRID_SIZE))
_U_MAX = 745.0  # |ln(1 + r)| beyond which 1 + r overflows or underflows a double
_MAX_ITERATIONS = 200  # safeguarded Newton; bisection alone needs < 120 from 1e8 wide
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
    day_number = (days[valid] - day0).astype(np.int64)
    stride = int(day_number.max()) + 1 if day_number.size else 1
    keys = series[valid].astype(np.int64) * stride + day_number
    unique_keys, inverse = np.unique(keys, return_inverse=True)
    amounts = np.bincount(inverse, weights=amounts[valid], minlength=unique_keys.size)
    days = (unique_keys % stride).astype(float)
    lengths = np.bincount(unique_keys // stride, minlength=n)
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


def _npv_scaled(a: np.ndarray, s: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """NPV and its slope in v on a grid, both divided by exp(max(0, -v)) (no overflow).

    NPV(v) = sum_j a_j exp(-v s_j); slope = sum_j -s_j a_j exp(-v s_j).
    ``a``, ``s``: (rows, flows); ``v``: (grid,). Returns two (rows, grid) arrays.
    """
    shift = np.maximum(0.0, -v)
    e = np.exp(-s[:, :, None] * v[None, None, :] - shift)
    return np.einsum("rf,rfg->rg", a, e), np.einsum("rf,rfg->rg", -a * s, e)


def _npv_scaled_rows(a: np.ndarray, s: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Like ``_npv_scaled`` with one ``v`` per row: returns (rows,)."""
    shift = np.maximum(0.0, -v)
    return (a * np.exp(-s * v[:, None] - shift[:, None])).sum(axis=1)


def _roots_in_v(
    a: np.ndarray, s: np.ndarray, span_years: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every root of NPV found by the bracketing: (row positions, v values).

    Flows in date order whose signs change once have exactly one root (Descartes' rule
    of signs, which holds for real exponents): it is bracketed by the limits of a
    double directly. Other series are scanned on the grid, plus one tail bracket on
    each side out to those limits.
    """
    width = a.shape[1]
    v_far = _U_MAX * span_years  # |v| at which 1 + r over- or underflows

    # Sign changes of the flows in date order (rows are sorted by date; skip zeros).
    col = np.where(a != 0, np.arange(width), -1)
    last_nonzero = np.maximum.accumulate(col, axis=1)
    carried = np.where(
        last_nonzero >= 0, np.take_along_axis(np.sign(a), np.maximum(last_nonzero, 0), axis=1), 0
    )
    changes = (carried[:, 1:] * carried[:, :-1] < 0).sum(axis=1)

    single = np.flatnonzero(changes == 1)
    f_lo = np.sign(_npv_scaled_rows(a[single], s[single], -v_far[single]))
    f_hi = np.sign(_npv_scaled_rows(a[single], s[single], v_far[single]))
    ok = f_lo * f_hi < 0
    br_row = [single[ok]]
    lo = [-v_far[single][ok]]
    hi = [v_far[single][ok]]
    f_lo_sign = [f_lo[ok]]
    zero_row, zero_v = [], []

    multi = np.flatnonzero(changes > 1)
    if multi.size:
        am, sm, v_far_m = a[multi], s[multi], v_far[multi]
        f = np.empty((multi.size, _GRID_SIZE))
        df = np.empty((multi.size, _GRID_SIZE))
        # Shortest series first, in chunks padded only to their own longest series.
        used = last_nonzero[multi, -1] + 1
        by_length = np.argsort(used, kind="stable")
        start = 0
        while start < multi.size:
            cols = max(1, int(used[by_length[min(start + 255, multi.size - 1)]]))
            stop = min(
                multi.size, start + 256, start + max(1, _CHUNK_ELEMENTS // (cols * _GRID_SIZE))
            )
            cols = int(used[by_length[stop - 1]])
            rows_c = by_length[start:stop]
            f[rows_c], df[rows_c] = _npv_scaled(am[rows_c, :cols], sm[rows_c, :cols], _V_GRID)
            start = stop
        sign = np.sign(f)
        # Two roots inside one grid cell leave no sign change, but NPV has a turning
        # point between them (Rolle): where the slope changes sign in a cell and NPV
        # does not, find the turning point; if NPV crosses zero there, the cell holds
        # two roots, bracketed on either side of it.
        d_sign = np.sign(df)
        p_row, p_g = np.nonzero(
            (sign[:, :-1] * sign[:, 1:] > 0) & (d_sign[:, :-1] * d_sign[:, 1:] < 0)
        )
        if p_row.size:
            rows_p = multi[p_row]
            turn = _refine(
                -a[rows_p] * s[rows_p],
                s[rows_p],
                _V_GRID[p_g],
                _V_GRID[p_g + 1],
                d_sign[p_row, p_g],
            )
            f_turn = np.sign(_npv_scaled_rows(a[rows_p], s[rows_p], turn))
            split = f_turn * sign[p_row, p_g] < 0
            for lo_p, hi_p, sign_p in (
                (_V_GRID[p_g], turn, sign[p_row, p_g]),
                (turn, _V_GRID[p_g + 1], f_turn),
            ):
                br_row.append(rows_p[split])
                lo.append(lo_p[split])
                hi.append(hi_p[split])
                f_lo_sign.append(sign_p[split])
        # Exact zeros on the grid are roots as they stand.
        z_row, z_g = np.nonzero(sign == 0)
        zero_row.append(multi[z_row])
        zero_v.append(_V_GRID[z_g])
        # Brackets: neighbouring grid points of strictly opposite sign.
        g_row, g = np.nonzero(sign[:, :-1] * sign[:, 1:] < 0)
        br_row.append(multi[g_row])
        lo.append(_V_GRID[g])
        hi.append(_V_GRID[g + 1])
        f_lo_sign.append(sign[g_row, g])
        # Beyond the grid, out to the limits of a double: a long series whose NPV is
        # dominated by flows days apart can have its root there.
        for end, edge_sign in ((_V_GRID[-1], sign[:, -1]), (_V_GRID[0], sign[:, 0])):
            far = np.copysign(v_far_m, end)
            beyond = np.abs(far) > abs(end)
            far_sign = np.sign(_npv_scaled_rows(am, sm, np.where(beyond, far, end)))
            t_row = np.flatnonzero(beyond & (far_sign * edge_sign < 0))
            br_row.append(multi[t_row])
            lo.append(np.full(t_row.size, end))
            hi.append(far[t_row])
            f_lo_sign.append(edge_sign[t_row])

    br_row = np.concatenate(br_row)
    lo, hi = np.concatenate(lo), np.concatenate(hi)
    # Start from Excel's guess where it lies in the bracket, else from the middle.
    guess = np.log1p(EXCEL_GUESS) * span_years[br_row]
    start = np.where((guess > lo) & (guess < hi), guess, 0.5 * (lo + hi))
    v = _refine(a[br_row], s[br_row], lo, hi, np.concatenate(f_lo_sign), start)
    pos = np.concatenate([br_row, *zero_row])
    return pos, np.concatenate([v, *zero_v])


def _refine(
    a: np.ndarray,
    s: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    f_lo_sign: np.ndarray,
    start: np.ndarray | None = None,
) -> np.ndarray:
    """The root in each bracket [lo, hi] (NPV of sign f_lo_sign at lo, opposite at hi).

    Safeguarded Newton (Numerical Recipes' rtsafe), vectorised: a Newton step where it
    stays inside the bracket and is less than half the step before last, bisection
    otherwise, the bracket updated with every evaluation. It cannot leave the bracket,
    so it cannot diverge, and converges quadratically near the root. ``start``: first
    point (default the middle of the bracket).
    """
    lo, hi, f_lo_sign = lo.copy(), hi.copy(), f_lo_sign.copy()
    x = 0.5 * (lo + hi) if start is None else np.clip(start, lo, hi)
    result = x.copy()
    step_before = hi - lo  # rtsafe's dxold
    step = hi - lo  # rtsafe's dx
    active = np.arange(lo.size)
    for _ in range(_MAX_ITERATIONS):
        if active.size == 0:
            break
        aa, ss, xa = a[active], s[active], x[active]
        e = aa * np.exp(-ss * xa[:, None] - np.maximum(0.0, -xa)[:, None])
        fx = e.sum(axis=1)
        dfx = -(ss * e).sum(axis=1)
        f_sign = np.sign(fx)
        same = f_sign == f_lo_sign[active]
        lo_a = np.where(same, xa, lo[active])
        hi_a = np.where(same, hi[active], xa)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            newton_step = fx / dfx
        newton = xa - newton_step
        use_newton = (
            (newton > lo_a)
            & (newton < hi_a)
            & (np.abs(newton_step) < 0.5 * np.abs(step_before[active]))
        )
        mid = 0.5 * (lo_a + hi_a)
        x_new = np.where(use_newton, newton, mid)
        step_before[active] = step[active]
        step[active] = x_new - xa
        tol = 4 * np.finfo(float).eps * np.maximum(1.0, np.abs(xa))
        # At xa NPV is zero up to the rounding of its terms: xa is as good as it gets.
        at_root = np.abs(fx) <= 8 * np.finfo(float).eps * np.abs(e).sum(axis=1)
        done = at_root | (np.abs(x_new - xa) <= tol) | ((hi_a - lo_a) <= tol)
        result[active] = np.where(at_root, xa, x_new)
        lo[active], hi[active], x[active] = lo_a, hi_a, x_new
        active = active[~done]
    return result
