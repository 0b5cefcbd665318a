-- Which portfolio companies have under 12 months of runway (cash / monthly net burn at
-- their latest report), and which funds hold them and for how much at the latest quarter?
with

kpis as (
    select * from {{ ref('company_kpis_latest') }}
),

companies as (
    select * from {{ ref('dim_companies') }}
),

positions as (
    select * from {{ ref('fct_positions_quarterly') }}
),

funds as (
    select * from {{ ref('dim_funds') }}
),

holdings as (
    select
        positions.fund_id,
        positions.company_id,
        positions.fair_value,
        positions.currency as fund_currency
    from positions
    inner join funds
        on
            positions.fund_id = funds.fund_id
            and positions.quarter_end = funds.last_quarter_end
    where positions.is_active
)

select
    companies.company_name,
    companies.segment_name,
    kpis.period_end,
    kpis.runway_months,
    kpis.cash_balance,
    kpis.net_burn,
    kpis.currency,
    holdings.fund_id,
    holdings.fair_value,
    holdings.fund_currency
from kpis
inner join companies on kpis.company_id = companies.company_id
left join holdings on kpis.company_id = holdings.company_id
where kpis.runway_months < 12
order by kpis.runway_months, companies.company_name, holdings.fund_id
