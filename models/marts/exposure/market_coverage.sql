{#- How a fund's segment mix compares with the market's: for every fund quarter with active
    holdings and every segment, the fund's nav share in the segment (0 where it holds
    none), the segment's share of the total market size of all segments, and the
    difference (active_weight). Market figures are those of the quarter end's year, or
    the latest earlier year with figures; quarters before any market figure have no rows.
    Where the fund's total fair value is zero, fund_nav_share and active_weight are null. -#}
with exposure as (

    select * from {{ ref('exposure_by_segment') }}

),

segments as (

    select * from {{ ref('stg_fundlens__segments') }}

),

market_shares as (

    select * from {{ ref('int_segment_market_shares') }}

),

fund_quarter_totals as (

    select
        fund_id,
        quarter_end,
        sum(fair_value) as fund_fair_value

    from exposure
    group by fund_id, quarter_end

),

market_years as (

    select distinct market_year
    from market_shares

),

quarter_market_years as (

    select
        fund_quarter_totals.fund_id,
        fund_quarter_totals.quarter_end,
        min(fund_quarter_totals.fund_fair_value) as fund_fair_value,
        max(market_years.market_year) as market_year

    from fund_quarter_totals
    inner join market_years
        on market_years.market_year <= extract(year from fund_quarter_totals.quarter_end)
    group by fund_quarter_totals.fund_id, fund_quarter_totals.quarter_end

),

grid as (

    select
        quarter_market_years.fund_id,
        quarter_market_years.quarter_end,
        quarter_market_years.market_year,
        quarter_market_years.fund_fair_value,
        segments.segment_code,
        segments.segment_name,
        segments.segment_group

    from quarter_market_years
    cross join segments

),

compared as (

    select
        grid.fund_id,
        grid.quarter_end,
        grid.segment_code,
        grid.segment_name,
        grid.segment_group,
        case
            when grid.fund_fair_value > 0 then coalesce(exposure.nav_share, 0)
        end as fund_nav_share,
        market_shares.market_share,
        market_shares.market_size_usd_bn,
        market_shares.is_estimate as is_market_size_estimate,
        grid.market_year

    from grid
    left join exposure
        on
            grid.fund_id = exposure.fund_id
            and grid.quarter_end = exposure.quarter_end
            and grid.segment_code = exposure.segment_code
    left join market_shares
        on
            grid.segment_code = market_shares.segment_code
            and grid.market_year = market_shares.market_year

),

final as (

    select
        fund_id,
        quarter_end,
        segment_code,
        segment_name,
        segment_group,
        fund_nav_share,
        market_share,
        fund_nav_share - market_share as active_weight,
        market_size_usd_bn,
        market_year,
        is_market_size_estimate

    from compared

)

select * from final
