-- Where is each fund overweight or underweight against the market at its latest quarter?
-- The fund's share of fair value in each segment against the segment's share of the
-- market (market_coverage), largest active weight first.
with

coverage as (
    select * from {{ ref('market_coverage') }}
),

funds as (
    select * from {{ ref('dim_funds') }}
)

select
    coverage.fund_id,
    coverage.quarter_end,
    coverage.segment_name,
    coverage.fund_nav_share,
    coverage.market_share,
    coverage.active_weight,
    coverage.market_size_usd_bn,
    coverage.market_year,
    case
        when coverage.active_weight > 0 then 'overweight'
        when coverage.active_weight < 0 then 'underweight'
        else 'neutral'
    end as positioning
from coverage
inner join funds
    on
        coverage.fund_id = funds.fund_id
        and coverage.quarter_end = funds.last_quarter_end
order by coverage.fund_id asc, coverage.active_weight desc
