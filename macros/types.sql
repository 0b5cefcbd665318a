{#- A 64-bit floating point type. dbt.type_float() maps to FLOAT, which is 32-bit on DuckDB
    and Postgres; money and shares need double precision. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}
