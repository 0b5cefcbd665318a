{#- Each investment in its fund's currency, converted at the rate of the investment date
    (the latest rate on or before it), with its stage bucket. -#}
with investments as (

    select * from {{ ref('int_investments_staged') }}

),

funds as (

    select * from {{ ref('stg_fundlens__funds') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

final as (

    select
        investments.investment_id,
        investments.fund_id,
        investments.company_id,
        investments.investment_date,
        investments.round_label,
        investments.stage,
        investments.instrument,
        investments.amount as local_amount,
        investments.currency as local_currency,
        fx_local.units_per_usd as local_units_per_usd,
        funds.currency as fund_currency,
        fx_fund.units_per_usd as fund_units_per_usd,
        {{ fx_convert(
            'investments.amount', 'fx_local.units_per_usd', 'fx_fund.units_per_usd',
            'investments.currency', 'funds.currency'
        ) }} as fund_amount

    from investments
    inner join funds
        on investments.fund_id = funds.fund_id
    {{ fx_join('fx_rates', 'fx_local', 'investments.currency', 'investments.investment_date') }}
    {{ fx_join('fx_rates', 'fx_fund', 'funds.currency', 'investments.investment_date') }}

)

select * from final
