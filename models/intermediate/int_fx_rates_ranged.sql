{#- Each FX rate with the interval of dates it applies to: [valid_from, valid_to).
    The rate used for a date is the latest one on or before it, so a rate is valid from
    its own date until the next rate of the same currency. USD is added as a constant
    1.0 valid for all dates, so every conversion is the same join. -#}
with fx_rates as (

    select * from {{ ref('stg_fundlens__fx_rates') }}

),

ranged as (

    select
        currency,
        rate_date as valid_from,
        coalesce(
            lead(rate_date) over (partition by currency order by rate_date),
            {{ fx_open_end_date() }}
        ) as valid_to,
        units_per_usd

    from fx_rates

),

usd as (

    select
        'USD' as currency,
        {{ fx_open_start_date() }} as valid_from,
        {{ fx_open_end_date() }} as valid_to,
        cast(1.0 as {{ type_double() }}) as units_per_usd

),

final as (

    select * from ranged
    union all
    select * from usd

)

select * from final
