{#- One row per fund and quarter end: the fund's money-weighted returns to that date.
    - net_irr: XIRR of the LP flows (calls negative, distributions positive) with the
      net asset value as a final inflow on the quarter end;
    - ks_pme (Kaplan-Schoar) and direct_alpha (Gredil, Griffiths & Stucke) against the
      fund's benchmark: each flow is compounded to the quarter end T by I_T / I_t, I the
      benchmark's latest close on or before the date; ks_pme = (compounded distributions +
      NAV) / compounded calls; direct_alpha = ln(1 + XIRR of the compounded flows and
      NAV). Null when the fund has no benchmark;
    - gross_irr: XIRR of the investments (negative) and realizations (positive) in fund
      currency with the portfolio's fair value as a final inflow on the quarter end.
    XIRR comes from the xirr() macro (macros/xirr.sql): null where no root exists.
    It also carries the capital and gross figures fund_performance reports, so that mart
    reads this model alone (no second path to the NAV and portfolio models). -#}
with navs as (

    select * from {{ ref('int_fund_navs_rolled_forward') }}

),

portfolio as (

    select * from {{ ref('int_fund_portfolio_valued') }}

),

cash_flows as (

    select * from {{ ref('int_fund_cash_flows_indexed') }}

),

benchmark_closes as (

    select * from {{ ref('int_fund_benchmark_closes_ranged') }}

),

investments as (

    select * from {{ ref('int_investments_converted') }}

),

realizations as (

    select * from {{ ref('int_realizations_converted') }}

),

quarters_benchmarked as (

    select
        navs.fund_id,
        navs.quarter_end,
        navs.net_asset_value,
        benchmark_closes.index_close as index_close_at_quarter_end

    from navs
    left join benchmark_closes
        on
            navs.fund_id = benchmark_closes.fund_id
            and navs.quarter_end >= benchmark_closes.valid_from
            and navs.quarter_end < benchmark_closes.valid_to

),

net_flows as (

    select
        quarters_benchmarked.fund_id,
        quarters_benchmarked.quarter_end,
        cash_flows.flow_date,
        cash_flows.flow_type,
        cash_flows.signed_amount,
        cash_flows.signed_amount
        * quarters_benchmarked.index_close_at_quarter_end
        / cash_flows.index_close_at_flow as compounded_amount

    from quarters_benchmarked
    inner join cash_flows
        on
            quarters_benchmarked.fund_id = cash_flows.fund_id
            and quarters_benchmarked.quarter_end >= cash_flows.flow_date

    union all

    select
        fund_id,
        quarter_end,
        quarter_end as flow_date,
        'net_asset_value' as flow_type,
        net_asset_value as signed_amount,
        case
            when index_close_at_quarter_end is not null then net_asset_value
        end as compounded_amount

    from quarters_benchmarked

),

net_returns as (

    select
        fund_id,
        quarter_end,
        {{ xirr('signed_amount', 'flow_date') }} as net_irr,
        {{ xirr('compounded_amount', 'flow_date') }} as benchmark_adjusted_irr,
        count(*) as flow_count,
        count(compounded_amount) as compounded_flow_count,
        sum(
            case when flow_type = 'capital_call' then -compounded_amount end
        ) as compounded_calls,
        sum(
            case when flow_type <> 'capital_call' then compounded_amount end
        ) as compounded_distributions_and_nav

    from net_flows
    group by
        fund_id,
        quarter_end

),

gross_flows as (

    select
        portfolio.fund_id,
        portfolio.quarter_end,
        investments.investment_date as flow_date,
        -investments.fund_amount as signed_amount

    from portfolio
    inner join investments
        on
            portfolio.fund_id = investments.fund_id
            and portfolio.quarter_end >= investments.investment_date

    union all

    select
        portfolio.fund_id,
        portfolio.quarter_end,
        realizations.realization_date as flow_date,
        realizations.fund_proceeds as signed_amount

    from portfolio
    inner join realizations
        on
            portfolio.fund_id = realizations.fund_id
            and portfolio.quarter_end >= realizations.realization_date

    union all

    select
        fund_id,
        quarter_end,
        quarter_end as flow_date,
        portfolio_fair_value as signed_amount

    from portfolio

),

gross_returns as (

    select
        fund_id,
        quarter_end,
        {{ xirr('signed_amount', 'flow_date') }} as gross_irr

    from gross_flows
    group by
        fund_id,
        quarter_end

),

final as (

    select
        navs.fund_id,
        navs.quarter_end,
        navs.paid_in_capital,
        navs.distributed_capital,
        navs.net_asset_value,
        navs.nav_source,
        portfolio.gross_cost,
        portfolio.gross_proceeds + portfolio.portfolio_fair_value as gross_total_value,
        net_returns.net_irr,
        -- every flow needs a benchmark level, else there is no PME
        case
            when
                net_returns.compounded_flow_count = net_returns.flow_count
                and net_returns.compounded_calls > 0
                then net_returns.compounded_distributions_and_nav / net_returns.compounded_calls
        end as ks_pme,
        case
            when net_returns.compounded_flow_count = net_returns.flow_count
                then ln(1 + net_returns.benchmark_adjusted_irr)
        end as direct_alpha,
        gross_returns.gross_irr

    from navs
    left join net_returns
        on
            navs.fund_id = net_returns.fund_id
            and navs.quarter_end = net_returns.quarter_end
    left join gross_returns
        on
            navs.fund_id = gross_returns.fund_id
            and navs.quarter_end = gross_returns.quarter_end
    inner join portfolio
        on
            navs.fund_id = portfolio.fund_id
            and navs.quarter_end = portfolio.quarter_end

)

select * from final
