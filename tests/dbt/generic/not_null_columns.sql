{#- Fails for every row where any of `column_names` is null: the contract's "required"
    columns of a model checked in one query. -#}
{% test not_null_columns(model, column_names) %}

select * from {{ model }}
where
    {% for column_name in column_names -%}
    {{ column_name }} is null{% if not loop.last %}
    or {% endif %}
    {%- endfor %}

{% endtest %}
