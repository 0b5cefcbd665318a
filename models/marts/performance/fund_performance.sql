{#- One row per fund and quarter end: the fund's net figures (LP <-> fund), its returns
    against its benchmark and its gross figures (fund -> companies), in fund currency.
    See the data contract, "Conventions of the computation". -#}
with funds as (

    select * from {{ ref('stg_fundlens__funds') }}

),

navs as (

    select * from {{ ref('int_fund_navs_rolled_forward') }}

),

portfolio as (

    select * from {{ ref('int_fund_portfolio_valued') }}

),

returns as (

    select * from {{ ref('int_fund_returns_computed') }}

),

joined as (

    select
        navs.fund_id,
        navs.quarter_end,
        funds.committed_capital,
        navs.paid_in_capital,
        navs.distributed_capital,
        navs.net_asset_value,
        navs.nav_source,
        returns.net_irr,
        returns.ks_pme,
        returns.direct_alpha,
        portfolio.gross_cost,
        portfolio.gross_proceeds + portfolio.portfolio_fair_value as gross_total_value,
        returns.gross_irr,
        funds.currency

    from navs
    inner join funds
        on navs.fund_id = funds.fund_id
    inner join portfolio
        on
            navs.fund_id = portfolio.fund_id
            and navs.quarter_end = portfolio.quarter_end
    inner join returns
        on
            navs.fund_id = returns.fund_id
            and navs.quarter_end = returns.quarter_end

),

final as (

    select
        fund_id,
        quarter_end,
        committed_capital,
        paid_in_capital,
        distributed_capital,
        net_asset_value,
        nav_source,
        case
            when committed_capital > paid_in_capital then committed_capital - paid_in_capital
            else 0
        end as unfunded_commitment,
        case when paid_in_capital > 0 then distributed_capital / paid_in_capital end as dpi,
        case when paid_in_capital > 0 then net_asset_value / paid_in_capital end as rvpi,
        case
            when paid_in_capital > 0
                then (distributed_capital + net_asset_value) / paid_in_capital
        end as tvpi,
        net_irr,
        ks_pme,
        direct_alpha,
        gross_cost,
        gross_total_value,
        case when gross_cost > 0 then gross_total_value / gross_cost end as gross_moic,
        gross_irr,
        currency

    from joined

)

select * from final
