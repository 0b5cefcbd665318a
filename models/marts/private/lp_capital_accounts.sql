{#- One row per LP, fund and quarter end: the LP's pro-rata share of the fund's capital
    account. ownership_share = the LP's commitment / the fund's total commitments; every
    amount is the fund's figure times that share, in fund currency. Private: never
    copied into the analysts' public database. -#}
with commitments as (

    select * from {{ ref('stg_fundlens__commitments') }}

),

lps as (

    select * from {{ ref('stg_fundlens__lps') }}

),

funds as (

    select * from {{ ref('stg_fundlens__funds') }}

),

navs as (

    select * from {{ ref('int_fund_navs_rolled_forward') }}

),

commitment_shares as (

    select
        lp_id,
        fund_id,
        commitment_amount,
        commitment_amount
        / sum(commitment_amount) over (partition by fund_id) as ownership_share

    from commitments

),

accounts as (

    select
        commitment_shares.lp_id,
        commitment_shares.fund_id,
        navs.quarter_end,
        lps.lp_name,
        commitment_shares.commitment_amount,
        commitment_shares.ownership_share,
        commitment_shares.ownership_share * navs.paid_in_capital as contributed,
        commitment_shares.ownership_share * navs.distributed_capital as distributed,  -- noqa: RF04
        commitment_shares.ownership_share * navs.net_asset_value as net_asset_value,
        funds.currency

    from commitment_shares
    inner join lps
        on commitment_shares.lp_id = lps.lp_id
    inner join funds
        on commitment_shares.fund_id = funds.fund_id
    inner join navs
        on commitment_shares.fund_id = navs.fund_id

),

final as (

    select
        lp_id,
        fund_id,
        quarter_end,
        lp_name,
        commitment_amount,
        ownership_share,
        contributed,
        distributed,
        net_asset_value,
        case
            when commitment_amount > contributed then commitment_amount - contributed
            else 0
        end as unfunded_commitment,
        case when contributed > 0 then distributed / contributed end as dpi,
        case when contributed > 0 then (distributed + net_asset_value) / contributed end as tvpi,
        currency

    from accounts

)

select * from final
