{#- One row per company and end market: the look-through weight (share of the company's
    revenue) that exposure_by_industry allocates its fair value by. -#}
with weights as (

    select * from {{ ref('int_company_industry_weights') }}

),

final as (

    select
        company_id,
        industry_code,
        industry_name,
        revenue_share,
        is_default_allocation

    from weights

)

select * from final
