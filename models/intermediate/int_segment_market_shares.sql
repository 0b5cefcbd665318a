{#- Each segment's share of the whole market (all segments with a figure that year), per
    year of market_sizes. -#}
with market_sizes as (

    select * from {{ ref('stg_fundlens__market_sizes') }}

),

year_totals as (

    select
        market_year,
        sum(market_size_usd_bn) as total_market_size_usd_bn

    from market_sizes
    group by market_year

),

final as (

    select
        market_sizes.segment_code,
        market_sizes.market_year,
        market_sizes.market_size_usd_bn,
        market_sizes.is_estimate,
        year_totals.total_market_size_usd_bn,
        market_sizes.market_size_usd_bn / year_totals.total_market_size_usd_bn as market_share

    from market_sizes
    inner join year_totals
        on market_sizes.market_year = year_totals.market_year

)

select * from final
