{#- One row per investment round a fund made: the amount in the company's currency as
    invested and in the fund's currency at the rate of the investment date, with the
    round's stage bucket, instrument, post-money valuation and the ownership it bought. -#}
with investments_converted as (

    select * from {{ ref('int_investments_converted') }}

),

investments as (

    select * from {{ ref('stg_fundlens__investments') }}

),

final as (

    select
        investments_converted.investment_id,
        investments_converted.fund_id,
        investments_converted.company_id,
        investments_converted.investment_date,
        investments_converted.round_label,
        investments_converted.stage,
        investments_converted.instrument,
        investments_converted.local_amount,
        investments_converted.local_currency,
        investments.post_money_valuation,
        investments.ownership_pct,
        investments_converted.fund_amount,
        investments_converted.fund_currency as currency

    from investments_converted
    inner join investments
        on investments_converted.investment_id = investments.investment_id

)

select * from final
