{#- The reporting calendar: one row per fund and calendar quarter end, from the quarter of
    the fund's first cash flow or investment through the fund's latest quarter end that
    has a valuation or a reported NAV. A fund with neither has no quarters. -#}
with funds as (

    select * from {{ ref('stg_fundlens__funds') }}

),

cash_flows as (

    select * from {{ ref('stg_fundlens__fund_cash_flows') }}

),

investments as (

    select * from {{ ref('stg_fundlens__investments') }}

),

valuations as (

    select * from {{ ref('stg_fundlens__valuations') }}

),

navs as (

    select * from {{ ref('stg_fundlens__fund_navs') }}

),

activity_dates as (

    select
        fund_id,
        flow_date as activity_date
    from cash_flows
    union all
    select
        fund_id,
        investment_date as activity_date
    from investments

),

reporting_dates as (

    select
        fund_id,
        valuation_date as reporting_date
    from valuations
    union all
    select
        fund_id,
        nav_date as reporting_date
    from navs

),

first_activity as (

    select
        fund_id,
        min(activity_date) as first_activity_date
    from activity_dates
    group by fund_id

),

last_reporting as (

    select
        fund_id,
        max(reporting_date) as last_reporting_date
    from reporting_dates
    group by fund_id

),

fund_ranges as (

    select
        funds.fund_id,
        first_activity.first_activity_date,
        {{ quarter_end_of('last_reporting.last_reporting_date') }} as last_quarter_end,
        {{ quarters_between(
            'first_activity.first_activity_date', 'last_reporting.last_reporting_date'
        ) }} as quarter_count_minus_one

    from funds
    inner join first_activity
        on funds.fund_id = first_activity.fund_id
    inner join last_reporting
        on funds.fund_id = last_reporting.fund_id

),

-- 1..400: a century of quarters, more than any fund lives
quarter_numbers as (

    {{ dbt.generate_series(400) }}

),

spine as (

    select
        fund_ranges.fund_id,
        quarter_numbers.generated_number as quarter_number,
        {{ quarter_end_after(
            'fund_ranges.first_activity_date',
            'quarter_numbers.generated_number - 1'
        ) }} as quarter_end

    from fund_ranges
    inner join quarter_numbers
        on quarter_numbers.generated_number - 1 <= fund_ranges.quarter_count_minus_one

),

final as (

    select
        fund_id,
        quarter_end,
        quarter_number,
        cast({{ dbt.date_trunc('quarter', 'quarter_end') }} as date) as quarter_start

    from spine

)

select * from final
