-- How has each fund's split between physical AI and AI infrastructure moved over time?
-- Fair value and share of the fund's fair value of each segment group, every quarter.
with

exposure as (
    select * from {{ ref('exposure_by_segment') }}
)

select
    fund_id,
    quarter_end,
    segment_group,
    currency,
    sum(company_count) as company_count,
    sum(fair_value) as fair_value,
    sum(nav_share) as nav_share
from exposure
group by fund_id, quarter_end, segment_group, currency
order by fund_id, quarter_end, segment_group
