-- How do the funds compare by vintage? Latest TVPI, DPI, net IRR and PME of each fund,
-- beside its vintage year, age in quarters and how much of its commitments it has called.
with

funds as (
    select * from {{ ref('dim_funds') }}
),

performance as (
    select * from {{ ref('fund_performance') }}
)

select
    funds.vintage_year,
    funds.fund_id,
    funds.fund_name,
    performance.quarter_end,
    4 * (extract(year from performance.quarter_end) - extract(year from funds.first_quarter_end))
    + extract(quarter from performance.quarter_end)
    - extract(quarter from funds.first_quarter_end)
    + 1 as age_quarters,
    performance.committed_capital,
    performance.paid_in_capital / nullif(performance.committed_capital, 0) as called_share,
    performance.tvpi,
    performance.dpi,
    performance.rvpi,
    performance.net_irr,
    performance.ks_pme,
    performance.currency
from funds
inner join performance
    on
        funds.fund_id = performance.fund_id
        and funds.last_quarter_end = performance.quarter_end
order by funds.vintage_year, funds.fund_id
