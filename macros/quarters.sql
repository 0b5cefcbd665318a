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
