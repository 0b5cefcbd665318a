"""dbt-duckdb plugin registering FundLens's SQL functions on every dbt connection.

Placeholder: the xirr function is added by the fund-performance work.
"""

from dbt.adapters.duckdb.plugins import BasePlugin


class Plugin(BasePlugin):
    def configure_connection(self, conn):  # noqa: D401 - dbt-duckdb hook
        pass
