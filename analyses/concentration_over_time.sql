-- Is each fund getting more or less concentrated? Share of the largest 1, 5 and 10
-- holdings, the Herfindahl index and the effective number of holdings every quarter,
-- with the change in the top-5 share since the quarter before (percentage points).
with

concentration as (
    select * from {{ ref('portfolio_concentration') }}
)

select
    fund_id,
    quarter_end,
    active_company_count,
    top_1_share,
    top_5_share,
    top_10_share,
    hhi,
    effective_holdings,
    100 * (
        top_5_share
        - lag(top_5_share) over (
            partition by fund_id
            order by quarter_end
        )
    ) as top_5_share_change_pp
from concentration
order by fund_id, quarter_end
