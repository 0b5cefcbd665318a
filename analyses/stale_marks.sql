-- Which active holdings carry a mark more than two quarters older than the fund's latest
-- quarter end (or no mark at all, held at cost)? Quarters are counted calendar quarter
-- to calendar quarter.
with

positions as (
    select * from {{ ref('fct_positions_quarterly') }}
),

companies as (
    select * from {{ ref('dim_companies') }}
),

funds as (
    select * from {{ ref('dim_funds') }}
),

latest_positions as (
    select
        positions.fund_id,
        positions.company_id,
        positions.quarter_end,
        positions.mark_date,
        positions.valuation_method,
        positions.fair_value,
        positions.currency,
        (extract(year from positions.quarter_end) * 4 + extract(quarter from positions.quarter_end))
        - (extract(year from positions.mark_date) * 4 + extract(quarter from positions.mark_date))
            as quarters_since_mark
    from positions
    inner join funds
        on
            positions.fund_id = funds.fund_id
            and positions.quarter_end = funds.last_quarter_end
    where positions.is_active
)

select
    latest_positions.fund_id,
    latest_positions.quarter_end,
    companies.company_name,
    latest_positions.mark_date,
    latest_positions.quarters_since_mark,
    latest_positions.valuation_method,
    latest_positions.fair_value,
    latest_positions.currency
from latest_positions
inner join companies on latest_positions.company_id = companies.company_id
where latest_positions.mark_date is null or latest_positions.quarters_since_mark > 2
order by latest_positions.fund_id asc, latest_positions.quarters_since_mark desc
