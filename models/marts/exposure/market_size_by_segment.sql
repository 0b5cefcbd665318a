{#- Each segment's market size per year of market_sizes: its share of all segments' total
    that year and its growth on the year before (null where that year has no figure). -#}
with market_shares as (

    select * from {{ ref('int_segment_market_shares') }}

),

segments as (

    select * from {{ ref('stg_fundlens__segments') }}

),

with_previous as (

    select
        segment_code,
        market_year,
        market_size_usd_bn,
        is_estimate,
        market_share,
        lag(market_size_usd_bn) over (
            partition by segment_code order by market_year
        ) as previous_size_usd_bn,
        lag(market_year) over (
            partition by segment_code order by market_year
        ) as previous_year

    from market_shares

),

final as (

    select
        with_previous.segment_code,
        segments.segment_name,
        segments.segment_group,
        with_previous.market_year,
        with_previous.market_size_usd_bn,
        with_previous.is_estimate,
        with_previous.market_share,
        case
            when with_previous.previous_year = with_previous.market_year - 1
                then with_previous.market_size_usd_bn / with_previous.previous_size_usd_bn - 1
        end as growth_yoy

    from with_previous
    inner join segments
        on with_previous.segment_code = segments.segment_code

)

select * from final
