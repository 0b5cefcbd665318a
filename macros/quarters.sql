{#- Quarter arithmetic on dates, portable through dbt's cross-database macros. -#}

{#- The calendar quarter end (a date) of the quarter containing `date_expr`. -#}
{% macro quarter_end_of(date_expr) -%}
    {{ dbt.last_day(date_expr, 'quarter') }}
{%- endmacro %}

{#- The quarter end `n` quarters after the quarter containing `date_expr`. -#}
{% macro quarter_end_after(date_expr, n) -%}
    {{ dbt.last_day(
        'cast(' ~ dbt.dateadd('month', '3 * (' ~ n ~ ')', dbt.date_trunc('quarter', date_expr)) ~ ' as date)',
        'quarter'
    ) }}
{%- endmacro %}

{#- Calendar quarter boundaries crossed from `start_date` to `end_date` (DuckDB's
    date_diff('quarter', ...)): plain arithmetic, so every engine counts alike
    (dbt-spark's datediff approximates quarters from day-of-year). -#}
{% macro quarters_between(start_date, end_date) -%}
    (
        (extract(year from {{ end_date }}) - extract(year from {{ start_date }})) * 4
        + extract(quarter from {{ end_date }}) - extract(quarter from {{ start_date }})
    )
{%- endmacro %}

{#- Calendar month boundaries crossed from `start_date` to `end_date`. -#}
{% macro months_between_dates(start_date, end_date) -%}
    (
        (extract(year from {{ end_date }}) - extract(year from {{ start_date }})) * 12
        + extract(month from {{ end_date }}) - extract(month from {{ start_date }})
    )
{%- endmacro %}
