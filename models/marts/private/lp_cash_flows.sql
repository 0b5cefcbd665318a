{#- One row per LP, fund, quarter end, flow type and purpose: the LP's pro-rata share of
    the fund's capital calls and distributions of that quarter, in fund currency. The
    share is the one lp_capital_accounts uses (the LP's commitment / the fund's total
    commitments), so an LP's flows add up to its contributed and distributed there.
    Flows without a purpose count as 'other'. Quarters outside the fund's reporting
    calendar (flows after its latest report) are left out, as in lp_capital_accounts.
    Private: never copied into the analysts' public database. -#}
with commitments as (

    select * from {{ ref('stg_fundlens__commitments') }}

),

cash_flows as (

    select * from {{ ref('stg_fundlens__fund_cash_flows') }}

),

fund_quarters as (

    select * from {{ ref('int_fund_quarters') }}

),

funds as (

    select * from {{ ref('stg_fundlens__funds') }}

),

commitment_shares as (

    select
        lp_id,
        fund_id,
        commitment_amount
        / sum(commitment_amount) over (partition by fund_id) as ownership_share

    from commitments

),

fund_flows_by_quarter as (

    select
        fund_id,
        {{ quarter_end_of('flow_date') }} as quarter_end,
        flow_type,
        coalesce(purpose, 'other') as purpose,
        sum(amount) as fund_amount,
        count(*) as flow_count

    from cash_flows
    group by
        fund_id,
        {{ quarter_end_of('flow_date') }},
        flow_type,
        coalesce(purpose, 'other')

),

reported_flows as (

    select fund_flows_by_quarter.*

    from fund_flows_by_quarter
    inner join fund_quarters
        on
            fund_flows_by_quarter.fund_id = fund_quarters.fund_id
            and fund_flows_by_quarter.quarter_end = fund_quarters.quarter_end

),

final as (

    select
        commitment_shares.lp_id,
        reported_flows.fund_id,
        reported_flows.quarter_end,
        reported_flows.flow_type,
        reported_flows.purpose,
        commitment_shares.ownership_share,
        reported_flows.fund_amount,
        commitment_shares.ownership_share * reported_flows.fund_amount as amount,
        reported_flows.flow_count,
        funds.currency

    from reported_flows
    inner join commitment_shares
        on reported_flows.fund_id = commitment_shares.fund_id
    inner join funds
        on reported_flows.fund_id = funds.fund_id

)

select * from final
