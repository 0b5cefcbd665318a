{#- One row per fund and quarter end: the fund's net figures (LP <-> fund), its returns
    against its benchmark and its gross figures (fund -> companies), in fund currency.
    See the data contract, "Conventions of the computation". -#}
with funds as (

    select * from {{ ref('stg_fundlens__funds') }}

),

returns as (

    select * from {{ ref('int_fund_returns_computed') }}

),

joined as (

    select
        returns.fund_id,
        returns.quarter_end,
        funds.committed_capital,
        returns.paid_in_capital,
        returns.distributed_capital,
        returns.net_asset_value,
        returns.nav_source,
        returns.net_irr,
        returns.ks_pme,
        returns.direct_alpha,
        returns.gross_cost,
        returns.gross_total_value,
        returns.gross_irr,
        funds.currency

    from returns
    inner join funds
        on returns.fund_id = funds.fund_id

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
