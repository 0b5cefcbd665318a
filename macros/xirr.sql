{#
    xirr(amount_column, date_column): an aggregate expression, Excel's XIRR of the
    signed cash flows of each group (negative = paid out, positive = received).
    Use it in a select with a group by, one group per series:

        select fund_id, quarter_end, {{ xirr('signed_amount', 'flow_date') }} as net_irr
        from flows group by fund_id, quarter_end

    Null where no root exists (flows of one sign only, no flows, all on one day).
    With several roots it gives the one closest to 0.1 (see fundlens/xirr.py).
    On DuckDB it collects the group's flows into two lists and calls the `xirr`
    scalar function that the fundlens.udfs dbt-duckdb plugin registers on every
    connection. Other adapters need their own `<adapter>__xirr`.
#}
{% macro xirr(amount_column, date_column) -%}
    {{ return(adapter.dispatch('xirr', 'fundlens')(amount_column, date_column)) }}
{%- endmacro %}

{% macro duckdb__xirr(amount_column, date_column) -%}
    {#- One list of (amount, date) pairs, split into the function's two lists, so the
        elements stay paired; the function does not need them in date order. -#}
    xirr(
        [struct_extract(flow, 'amount') for flow in list({'amount': {{ amount_column }}, 'flow_date': {{ date_column }}})],
        [struct_extract(flow, 'flow_date') for flow in list({'amount': {{ amount_column }}, 'flow_date': {{ date_column }}})]
    )
{%- endmacro %}

{% macro default__xirr(amount_column, date_column) -%}
    {{ exceptions.raise_compiler_error(
        "The xirr macro has no implementation for the '" ~ adapter.type() ~ "' adapter. "
        ~ "Add a macro named " ~ adapter.type() ~ "__xirr(amount_column, date_column) "
        ~ "that returns Excel's XIRR of each group's flows (see macros/xirr.sql and "
        ~ "fundlens/xirr.py for the required behaviour)."
    ) }}
{%- endmacro %}
