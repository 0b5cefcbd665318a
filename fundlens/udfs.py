"""dbt-duckdb plugin registering FundLens's SQL functions on every dbt connection.

``xirr(amounts DOUBLE[], dates DATE[]) -> DOUBLE``: Excel's XIRR of the signed flows
(see ``fundlens.xirr``), NULL where no root exists or where either list, or any
element of them, is NULL. SQL never calls it by name: the ``xirr`` macro
(macros/xirr.sql) does, so other adapters can supply their own implementation.
"""

from __future__ import annotations

import importlib
import sys
import threading

import numpy as np
import pyarrow as pa
from dbt.adapters.duckdb.plugins import BasePlugin

from fundlens.xirr import xirr_ragged

XIRR_FUNCTION = "xirr"


def _validity(arr: pa.Array) -> np.ndarray:
    """True where ``arr`` (a possibly sliced Arrow array) is not null."""
    bitmap = arr.buffers()[0]
    if bitmap is None or arr.null_count == 0:
        return np.ones(len(arr), dtype=bool)
    bits = np.unpackbits(np.frombuffer(bitmap, dtype=np.uint8), bitorder="little")
    return bits[arr.offset : arr.offset + len(arr)].astype(bool)


def _list_parts(arr: pa.Array, dtype) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(row validity, offsets, element values, element validity) of an Arrow list array,
    read from its buffers (no pyarrow.compute: it would import pandas on first use)."""
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[
        arr.offset : arr.offset + len(arr) + 1
    ]
    child = arr.values
    values = np.frombuffer(child.buffers()[1], dtype=dtype)[
        child.offset : child.offset + len(child)
    ]
    return _validity(arr), offsets.astype(np.int64), values, _validity(child)


class _ShortGilSwitch:
    """While any XIRR call runs, lower the interpreter's thread switch interval.

    The solver makes a few hundred numpy calls per chunk of rows, and numpy releases
    the GIL inside each one. With another Python thread busy (dbt runs models and tests
    on several threads), getting the GIL back waits up to the switch interval (5 ms by
    default) every time: measured, a 0.3 s model took 13 s. A 0.1 ms interval brings it
    back to 0.7 s. The previous interval is restored when the last call in flight ends.
    """

    INTERVAL = 1e-4

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._saved = 0.0

    def __enter__(self) -> None:
        with self._lock:
            if self._depth == 0:
                self._saved = sys.getswitchinterval()
                sys.setswitchinterval(min(self._saved, self.INTERVAL))
            self._depth += 1

    def __exit__(self, *exc) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth == 0:
                sys.setswitchinterval(self._saved)


_short_gil_switch = _ShortGilSwitch()


def xirr_arrow(amounts: pa.Array, dates: pa.Array) -> pa.Array:
    """Vectorised XIRR over Arrow list columns (one chunk of rows at a time)."""
    with _short_gil_switch:
        return _xirr_arrow(amounts, dates)


def _xirr_arrow(amounts: pa.Array, dates: pa.Array) -> pa.Array:
    if isinstance(amounts, pa.ChunkedArray):
        amounts = amounts.combine_chunks()
    if isinstance(dates, pa.ChunkedArray):
        dates = dates.combine_chunks()
    n = len(amounts)
    a_valid, a_off, a_val, a_elem_valid = _list_parts(amounts, np.float64)
    d_valid, d_off, d_val, d_elem_valid = _list_parts(dates, np.int32)
    row_valid = a_valid & d_valid
    a_len = np.where(row_valid, np.diff(a_off), 0)
    d_len = np.where(row_valid, np.diff(d_off), 0)
    if not np.array_equal(a_len, d_len):
        bad = int(np.flatnonzero(a_len != d_len)[0])
        raise ValueError(f"xirr: a row has {int(a_len[bad])} amounts but {int(d_len[bad])} dates")

    # A NULL element makes its row NULL: leave such rows out.
    a_null_rows = np.repeat(np.arange(n), np.diff(a_off))[~a_elem_valid[a_off[0] : a_off[-1]]]
    d_null_rows = np.repeat(np.arange(n), np.diff(d_off))[~d_elem_valid[d_off[0] : d_off[-1]]]
    row_valid[a_null_rows] = False
    row_valid[d_null_rows] = False

    # The elements of the valid rows, in row order (a NULL row may still own elements).
    rows = np.flatnonzero(row_valid)
    lengths = a_len[rows]
    starts_a = np.repeat(a_off[:-1][rows], lengths)
    starts_d = np.repeat(d_off[:-1][rows], lengths)
    within = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    ia, idd = starts_a + within, starts_d + within
    values = a_val[ia].astype(float)
    days = d_val[idd].astype(float)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    valid_result = xirr_ragged(values, days, offsets)

    result = np.full(n, np.nan)
    result[rows] = valid_result
    return pa.array(result, type=pa.float64(), mask=np.isnan(result))


def register(conn) -> None:
    """Register FundLens's functions on a DuckDB connection."""
    conn.create_function(
        XIRR_FUNCTION,
        xirr_arrow,
        ["DOUBLE[]", "DATE[]"],
        "DOUBLE",
        type="arrow",
        null_handling="special",
        side_effects=False,
    )


class Plugin(BasePlugin):
    def initialize(self, plugin_config) -> None:
        # DuckDB imports pandas the first time it runs an Arrow UDF (0.2 s). Import it
        # once when dbt loads the plugin, not inside whichever model first calls xirr.
        importlib.import_module("pandas")

    def configure_connection(self, conn):  # dbt-duckdb calls this for every connection
        register(conn)
