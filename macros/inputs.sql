{#- register_inputs(): run by dbt's on-run-start. Makes the validated inputs readable as
    the `raw` tables that the `fundlens` source names.
    - DuckDB: fundlens's loader writes raw.* into the warehouse itself: nothing to do.
    - Spark: the loader's tables arrive as Parquet folders, one per table, under
      $FUNDLENS_SPARK_INPUTS (fundlens/spark.py); each becomes an external table. On a
      cluster, point the variable at shared storage (hdfs://, s3a://, abfss://). -#}
{% macro register_inputs() -%}
    {{ return(adapter.dispatch('register_inputs', 'fundlens')()) }}
{%- endmacro %}

{% macro default__register_inputs() -%}
    select 1 as nothing_to_register
{%- endmacro %}

{% macro spark__register_inputs() -%}
    {%- set inputs = env_var('FUNDLENS_SPARK_INPUTS', '') -%}
    {%- if execute -%}
        {%- if not inputs -%}
            {{ exceptions.raise_compiler_error(
                "Set FUNDLENS_SPARK_INPUTS to the folder of the loader's Parquet inputs "
                ~ "(fundlens refresh --engine spark does)."
            ) }}
        {%- endif -%}
        {%- set schemas = [] -%}
        {%- for source in graph.sources.values() if source.source_name == 'fundlens' -%}
            {%- if source.schema not in schemas -%}
                {%- do run_query('create database if not exists ' ~ source.schema) -%}
                {%- do schemas.append(source.schema) -%}
            {%- endif -%}
            {%- do run_query(
                'create table if not exists ' ~ source.schema ~ '.' ~ source.identifier
                ~ " using parquet location '" ~ inputs ~ '/' ~ source.identifier ~ "'"
            ) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1 as inputs_registered
{%- endmacro %}
