-- How are gross multiples (MOIC) spread across the round a fund last invested in (seed,
-- early, growth)? Holdings per MOIC band at each fund's latest quarter, with their cost
-- and total value; written-off and exited holdings count too.
with

positions as (
    select * from {{ ref('fct_positions_quarterly') }}
),

funds as (
    select * from {{ ref('dim_funds') }}
),

banded as (
    select
        positions.fund_id,
        positions.stage,
        positions.cost,
        positions.total_value,
        positions.currency,
        case
            when positions.gross_moic < 0.5 then '1: under 0.5x'
            when positions.gross_moic < 1 then '2: 0.5x to 1x'
            when positions.gross_moic < 2 then '3: 1x to 2x'
            when positions.gross_moic < 3 then '4: 2x to 3x'
            else '5: 3x and more'
        end as moic_band
    from positions
    inner join funds
        on
            positions.fund_id = funds.fund_id
            and positions.quarter_end = funds.last_quarter_end
    where positions.gross_moic is not null
)

select
    fund_id,
    stage,
    moic_band,
    currency,
    count(*) as holding_count,
    sum(cost) as cost,
    sum(total_value) as total_value,
    sum(total_value) / nullif(sum(cost), 0) as gross_moic
from banded
group by fund_id, stage, moic_band, currency
order by fund_id, stage, moic_band
