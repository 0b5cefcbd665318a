with holdings as (

    select * from {{ ref('int_positions_weighted') }}

),

aggregated as (

    select
        fund_id,
        quarter_end,
        region,
        min(currency) as currency,
        count(distinct company_id) as company_count,
        sum(cost) as cost,
        sum(proceeds) as proceeds,
        sum(fair_value) as fair_value,
        sum(nav_weight) as nav_share,
        sum(cost_weight) as cost_share

    from holdings
    group by fund_id, quarter_end, region

),

final as (

    {{ exposure_final(['region']) }}

)

select * from final
