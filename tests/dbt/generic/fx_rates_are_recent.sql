{#- Warning: a quarter end at which a holding was valued with an FX rate more than
    `max_days` older than it. `model` has quarter_end, mark_currency and fund_currency
    (the currencies converted at the quarter end); the rates are int_fx_rates_ranged
    (USD needs none). -#}
{% test fx_rates_are_recent(model, max_days=7) %}

with positions as (

    select * from {{ model }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

converted as (

    select distinct
        quarter_end,
        mark_currency as currency

    from positions
    where mark_currency is not null and mark_currency != fund_currency

    union

    select distinct
        quarter_end,
        fund_currency as currency

    from positions
    where mark_currency is not null and mark_currency != fund_currency

),

final as (

    select
        converted.quarter_end,
        converted.currency,
        fx_rates.valid_from as rate_date

    from converted
    inner join fx_rates
        on
            converted.currency = fx_rates.currency
            and converted.quarter_end >= fx_rates.valid_from
            and converted.quarter_end < fx_rates.valid_to
    where
        converted.currency != 'USD'
        and fx_rates.valid_from < {{ dbt.dateadd('day', -max_days, 'converted.quarter_end') }}

)

select * from final

{% endtest %}
