{#- Models land in exactly the schema they are configured with (staging, intermediate,
    marts, private), not "<target schema>_<schema>": readers rely on `marts.<table>`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
