{#- Look-through: each holding's cost and fair value are allocated to the industries it
    sells into by revenue_share (int_company_industry_weights), so the industries of a
    fund and quarter add up to the fund's total fair value. -#}
with holdings as (

    select * from {{ ref('int_positions_weighted') }}

),

industry_weights as (

    select * from {{ ref('int_company_industry_weights') }}

),

allocated as (

    select
        holdings.fund_id,
        holdings.quarter_end,
        holdings.company_id,
        holdings.currency,
        industry_weights.industry_code,
        industry_weights.industry_name,
        holdings.cost * industry_weights.revenue_share as cost,
        holdings.proceeds * industry_weights.revenue_share as proceeds,
        holdings.fair_value * industry_weights.revenue_share as fair_value,
        holdings.nav_weight * industry_weights.revenue_share as nav_weight,
        holdings.cost_weight * industry_weights.revenue_share as cost_weight

    from holdings
    inner join industry_weights
        on holdings.company_id = industry_weights.company_id

),

aggregated as (

    select
        fund_id,
        quarter_end,
        industry_code,
        min(industry_name) as industry_name,
        min(currency) as currency,
        count(distinct company_id) as company_count,
        sum(cost) as cost,
        sum(proceeds) as proceeds,
        sum(fair_value) as fair_value,
        sum(nav_weight) as nav_share,
        sum(cost_weight) as cost_share

    from allocated
    group by fund_id, quarter_end, industry_code

),

final as (

    {{ exposure_final(['industry_code', 'industry_name']) }}

)

select * from final
