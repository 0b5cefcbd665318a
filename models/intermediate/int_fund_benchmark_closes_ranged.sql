{#- Each close of a fund's benchmark index with the dates it applies to, [valid_from,
    valid_to): the level used for a date is the index's latest close on or before it.
    Funds without a benchmark_index_code have no rows. -#}
with funds as (

    select * from {{ ref('stg_fundlens__funds') }}

),

market_index as (

    select * from {{ ref('stg_fundlens__market_index') }}

),

closes_ranged as (

    select
        index_code,
        price_date as valid_from,
        coalesce(
            lead(price_date) over (partition by index_code order by price_date),
            {{ fx_open_end_date() }}
        ) as valid_to,
        close as index_close

    from market_index

),

final as (

    select
        funds.fund_id,
        closes_ranged.index_code,
        closes_ranged.valid_from,
        closes_ranged.valid_to,
        closes_ranged.index_close

    from funds
    inner join closes_ranged
        on funds.benchmark_index_code = closes_ranged.index_code

)

select * from final
