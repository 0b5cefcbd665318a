{#- Warning: a company with no rows in company_industries, so its look-through exposure
    goes 100% to the default industry. `model` has company_id and company_name. -#}
{% test has_industry_weights(model) %}

with companies as (

    select * from {{ model }}

),

weights as (

    select * from {{ ref('stg_fundlens__company_industries') }}

),

final as (

    select
        companies.company_id,
        companies.company_name

    from companies
    where not exists (
        select 1 from weights
        where weights.company_id = companies.company_id
    )

)

select * from final

{% endtest %}
