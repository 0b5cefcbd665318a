{#- One row per fund and quarter end: capital paid in and distributed to date, and the
    net asset value under the contract's rule:
    - the NAV reported for that quarter end (nav_source 'reported');
    - else the latest earlier reported NAV plus capital calls minus distributions after
      its date, through the quarter end ('rolled_forward');
    - else, when no NAV was ever reported by then, the sum of the holdings' fair values
      ('portfolio_fair_value'). -#}
with fund_quarters as (

    select * from {{ ref('int_fund_quarters') }}

),

navs as (

    select * from {{ ref('stg_fundlens__fund_navs') }}

),

cash_flows as (

    select * from {{ ref('int_fund_cash_flows_indexed') }}

),

portfolio as (

    select * from {{ ref('int_fund_portfolio_valued') }}

),

last_reported_dates as (

    select
        fund_quarters.fund_id,
        fund_quarters.quarter_end,
        max(navs.nav_date) as last_reported_nav_date

    from fund_quarters
    inner join navs
        on
            fund_quarters.fund_id = navs.fund_id
            and fund_quarters.quarter_end >= navs.nav_date
    group by
        fund_quarters.fund_id,
        fund_quarters.quarter_end

),

last_reported as (

    select
        last_reported_dates.fund_id,
        last_reported_dates.quarter_end,
        last_reported_dates.last_reported_nav_date,
        navs.net_asset_value as last_reported_nav

    from last_reported_dates
    inner join navs
        on
            last_reported_dates.fund_id = navs.fund_id
            and last_reported_dates.last_reported_nav_date = navs.nav_date

),

-- One pass over the flows to each quarter end: capital to date and, of it, the flows
-- after the last reported NAV.
flows_to_date as (

    select
        fund_quarters.fund_id,
        fund_quarters.quarter_end,
        last_reported.last_reported_nav_date,
        last_reported.last_reported_nav,
        cash_flows.flow_type,
        cash_flows.amount,
        cash_flows.flow_date > last_reported.last_reported_nav_date as is_after_report

    from fund_quarters
    left join last_reported
        on
            fund_quarters.fund_id = last_reported.fund_id
            and fund_quarters.quarter_end = last_reported.quarter_end
    left join cash_flows
        on
            fund_quarters.fund_id = cash_flows.fund_id
            and fund_quarters.quarter_end >= cash_flows.flow_date

),

flows_summed as (

    select
        fund_id,
        quarter_end,
        last_reported_nav_date,
        last_reported_nav,
        coalesce(sum(
            case when flow_type = 'capital_call' then amount end
        ), 0) as paid_in_capital,
        coalesce(sum(
            case when flow_type = 'distribution' then amount end
        ), 0) as distributed_capital,
        coalesce(sum(
            case when flow_type = 'capital_call' and is_after_report then amount end
        ), 0) as calls_after_report,
        coalesce(sum(
            case when flow_type = 'distribution' and is_after_report then amount end
        ), 0) as distributions_after_report

    from flows_to_date
    group by
        fund_id,
        quarter_end,
        last_reported_nav_date,
        last_reported_nav

),

joined as (

    select
        flows_summed.fund_id,
        flows_summed.quarter_end,
        flows_summed.paid_in_capital,
        flows_summed.distributed_capital,
        flows_summed.last_reported_nav_date,
        flows_summed.last_reported_nav,
        -- null when no NAV was reported by the quarter end
        case
            when flows_summed.last_reported_nav_date is not null
                then flows_summed.calls_after_report
        end as calls_since_report,
        case
            when flows_summed.last_reported_nav_date is not null
                then flows_summed.distributions_after_report
        end as distributions_since_report,
        portfolio.portfolio_fair_value

    from flows_summed
    left join portfolio
        on
            flows_summed.fund_id = portfolio.fund_id
            and flows_summed.quarter_end = portfolio.quarter_end

),

final as (

    select
        fund_id,
        quarter_end,
        paid_in_capital,
        distributed_capital,
        last_reported_nav_date,
        last_reported_nav,
        calls_since_report,
        distributions_since_report,
        portfolio_fair_value,
        case
            when last_reported_nav_date = quarter_end then last_reported_nav
            when last_reported_nav_date is not null
                then last_reported_nav + calls_since_report - distributions_since_report
            else coalesce(portfolio_fair_value, 0)
        end as net_asset_value,
        case
            when last_reported_nav_date = quarter_end then 'reported'
            when last_reported_nav_date is not null then 'rolled_forward'
            else 'portfolio_fair_value'
        end as nav_source

    from joined

)

select * from final
