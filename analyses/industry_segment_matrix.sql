-- Look-through: at each fund's latest quarter, how is fair value split over segment
-- (what companies build) by industry (whom they sell to)? Each holding is allocated by
-- its revenue shares (company_industry_weights); one row per non-empty cell.
with

positions as (
    select * from {{ ref('fct_positions_quarterly') }}
),

companies as (
    select * from {{ ref('dim_companies') }}
),

weights as (
    select * from {{ ref('company_industry_weights') }}
),

funds as (
    select * from {{ ref('dim_funds') }}
),

allocated as (
    select
        positions.fund_id,
        positions.quarter_end,
        positions.currency,
        companies.segment_name,
        weights.industry_name,
        positions.fair_value * weights.revenue_share as fair_value
    from positions
    inner join funds
        on
            positions.fund_id = funds.fund_id
            and positions.quarter_end = funds.last_quarter_end
    inner join companies on positions.company_id = companies.company_id
    inner join weights on positions.company_id = weights.company_id
    where positions.is_active
),

cells as (
    select
        fund_id,
        quarter_end,
        currency,
        segment_name,
        industry_name,
        sum(fair_value) as fair_value
    from allocated
    group by fund_id, quarter_end, currency, segment_name, industry_name
)

select
    fund_id,
    quarter_end,
    segment_name,
    industry_name,
    fair_value,
    currency,
    fair_value / nullif(sum(fair_value) over (partition by fund_id), 0) as nav_share
from cells
order by fund_id, segment_name, industry_name
