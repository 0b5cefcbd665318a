{#- Fails for every group of `group_by` columns whose `column_name` values do not sum to 1
    within `tolerance`. Rows where the column is null are ignored; a group whose values are
    all null sums to null and passes (use `config: {where: ...}` to scope the test). -#}
{% test sums_to_one(model, column_name, group_by, tolerance=0.000001) %}

with grouped as (

    select
        {{ group_by | join(',\n        ') }},
        sum({{ column_name }}) as total

    from {{ model }}
    group by {{ group_by | join(', ') }}

)

select * from grouped
where abs(total - 1) > {{ tolerance }}

{% endtest %}
