{#- The look-through weights behind exposure_by_industry, public so that analysts can
    split any holding by end market (e.g. an industry x segment matrix). -#}
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
