"""dbt-duckdb plugin registering FundLens's SQL functions on every dbt connection.

``xirr(amounts DOUBLE[], dates DATE[]) -> DOUBLE``: Excel's XIRR of the signed flows
(see ``fundlens.xirr``), NULL where no root exists or where either list, or any
element of them, is NULL. SQL never calls it by name: the ``xirr`` macro
(macros/xirr.sql) does, so other adapters can supply their own implementation.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from dbt.adapters.duckdb.plugins import BasePlugin

from fundlens.xirr import xirr_ragged

XIRR_FUNCTION = "xirr"


def xirr_arrow(amounts: pa.Array, dates: pa.Array) -> pa.Array:
    """Vectorised XIRR over Arrow list columns (one chunk of rows at a time)."""
    if isinstance(amounts, pa.ChunkedArray):
        amounts = amounts.combine_chunks()
    if isinstance(dates, pa.ChunkedArray):
        dates = dates.combine_chunks()
    n = len(amounts)
    amount_lengths = pc.list_value_length(amounts).to_numpy(zero_copy_only=False)
    date_lengths = pc.list_value_length(dates).to_numpy(zero_copy_only=False)
    # A NULL list has a NULL length (NaN here); it yields NULL.
    row_valid = ~(np.isnan(amount_lengths.astype(float)) | np.isnan(date_lengths.astype(float)))
    amount_lengths = np.where(row_valid, np.nan_to_num(amount_lengths.astype(float)), 0)
    date_lengths = np.where(row_valid, np.nan_to_num(date_lengths.astype(float)), 0)
    if not np.array_equal(amount_lengths, date_lengths):
        bad = int(np.flatnonzero(amount_lengths != date_lengths)[0])
        raise ValueError(
            f"xirr: a row has {int(amount_lengths[bad])} amounts but {int(date_lengths[bad])} dates"
        )
    # Keep only the valid rows' elements, in row order, so offsets follow the lengths.
    mask = pa.array(row_valid)
    values = pc.filter(amounts, mask).flatten()
    days = pc.filter(dates, mask).flatten().cast(pa.int32())
    lengths = amount_lengths[row_valid].astype(np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)])

    # An element that is NULL makes its row NULL.
    element_null = values.is_null().to_numpy(zero_copy_only=False) | days.is_null().to_numpy(
        zero_copy_only=False
    )
    values_np = values.fill_null(0.0).to_numpy(zero_copy_only=False).astype(float)
    days_np = days.fill_null(0).to_numpy(zero_copy_only=False).astype(float)

    valid_result = xirr_ragged(values_np, days_np, offsets)
    if element_null.any():
        row_of_element = np.repeat(np.arange(lengths.size), lengths)
        valid_result[np.unique(row_of_element[element_null])] = np.nan

    result = np.full(n, np.nan)
    result[row_valid] = valid_result
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
    def configure_connection(self, conn):  # dbt-duckdb calls this for every connection
        register(conn)
