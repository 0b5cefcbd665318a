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
    connection. On Spark it calls the `xirr` function that fundlens.spark registers in
    the session (the same Arrow function, as a Spark Arrow UDF). Other adapters need their
    own `<adapter>__xirr`.
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

{% macro spark__xirr(amount_column, date_column) -%}
    {#- One list of (amount, day number) pairs per group, split into the function's two
        lists so the elements stay paired (day numbers: the UDF's Arrow input). -#}
    {%- set flows -%}
        collect_list(named_struct(
            'amount', cast({{ amount_column }} as double),
            'day_number', datediff({{ date_column }}, date '1970-01-01')
        ))
    {%- endset -%}
    xirr(transform({{ flows }}, flow -> flow.amount), transform({{ flows }}, flow -> flow.day_number))
{%- endmacro %}

{% macro default__xirr(amount_column, date_column) -%}
    {{ exceptions.raise_compiler_error(
        "The xirr macro has no implementation for the '" ~ adapter.type() ~ "' adapter. "
        ~ "Add a macro named " ~ adapter.type() ~ "__xirr(amount_column, date_column) "
        ~ "that returns Excel's XIRR of each group's flows (see macros/xirr.sql and "
        ~ "fundlens/xirr.py for the required behaviour)."
    ) }}
{%- endmacro %}
