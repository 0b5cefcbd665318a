-- What are the ten largest active holdings of each fund at its latest quarter end, and
-- what share of the fund's fair value (NAV of its holdings) does each make up?
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

active_positions as (
    select
        positions.fund_id,
        positions.company_id,
        positions.quarter_end,
        positions.fair_value,
        positions.gross_moic,
        positions.currency,
        sum(positions.fair_value) over (partition by positions.fund_id) as fund_fair_value
    from positions
    inner join funds
        on
            positions.fund_id = funds.fund_id
            and positions.quarter_end = funds.last_quarter_end
    where positions.is_active
),

ranked as (
    select
        active_positions.*,
        row_number() over (
            partition by active_positions.fund_id
            order by active_positions.fair_value desc
        ) as holding_rank
    from active_positions
)

select
    ranked.fund_id,
    ranked.quarter_end,
    ranked.holding_rank,
    companies.company_name,
    companies.segment_name,
    ranked.fair_value,
    ranked.currency,
    ranked.gross_moic,
    ranked.fair_value / nullif(ranked.fund_fair_value, 0) as fair_value_share
from ranked
inner join companies on ranked.company_id = companies.company_id
where ranked.holding_rank <= 10
order by ranked.fund_id, ranked.holding_rank
