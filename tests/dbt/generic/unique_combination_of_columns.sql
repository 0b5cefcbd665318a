{#- Fails for every combination of `combination_of_columns` that occurs more than once:
    the composite primary key test (FundLens uses no dbt hub packages). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with grouped as (

    select
        {{ combination_of_columns | join(',\n        ') }},
        count(*) as row_count

    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}

)

select * from grouped
where row_count > 1

{% endtest %}
