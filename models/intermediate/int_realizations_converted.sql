{#- Each realization in its fund's currency, converted at the rate of the realization date
    (the latest rate on or before it). -#}
with realizations as (

    select * from {{ ref('stg_fundlens__realizations') }}

),

funds as (

    select * from {{ ref('stg_fundlens__funds') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

final as (

    select
        realizations.realization_id,
        realizations.fund_id,
        realizations.company_id,
        realizations.realization_date,
        realizations.realization_type,
        realizations.is_full_exit,
        realizations.proceeds as local_proceeds,
        realizations.currency as local_currency,
        fx_local.units_per_usd as local_units_per_usd,
        funds.currency as fund_currency,
        fx_fund.units_per_usd as fund_units_per_usd,
        {{ fx_convert(
            'realizations.proceeds', 'fx_local.units_per_usd', 'fx_fund.units_per_usd',
            'realizations.currency', 'funds.currency'
        ) }} as fund_proceeds

    from realizations
    inner join funds
        on realizations.fund_id = funds.fund_id
    {{ fx_join('fx_rates', 'fx_local', 'realizations.currency', 'realizations.realization_date') }}
    {{ fx_join('fx_rates', 'fx_fund', 'funds.currency', 'realizations.realization_date') }}

)

select * from final
