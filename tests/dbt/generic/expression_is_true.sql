{#- Fails for every row where `expression` (a SQL boolean over the model's columns) is not
    true. A null result counts as a failure, so guard nullable columns in the expression. -#}
{% test expression_is_true(model, expression) %}

select * from {{ model }}
where not coalesce(({{ expression }}), false)

{% endtest %}
