{#- One row per position and quarter end (as int_positions_accumulated) with the latest
    fair-value mark on or before the quarter end, carried forward, in local currency and
    converted into the fund currency at the quarter end's rate. Marks on or before the
    position's last full exit belong to the exited holding and are ignored. Mark columns
    are null when there is no such mark. -#}
with positions as (

    select * from {{ ref('int_positions_accumulated') }}

),

valuations as (

    select * from {{ ref('stg_fundlens__valuations') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

marks_in_scope as (

    select
        positions.fund_id,
        positions.company_id,
        positions.quarter_end,
        valuations.valuation_date,
        valuations.fair_value,
        valuations.currency,
        valuations.valuation_method,
        row_number() over (
            partition by positions.fund_id, positions.company_id, positions.quarter_end
            order by valuations.valuation_date desc
        ) as recency_rank

    from positions
    inner join valuations
        on
            positions.fund_id = valuations.fund_id
            and positions.company_id = valuations.company_id
            and positions.quarter_end >= valuations.valuation_date
            and coalesce(positions.last_full_exit_date, {{ fx_open_start_date() }})
            < valuations.valuation_date

),

latest_marks as (

    select * from marks_in_scope
    where recency_rank = 1

),

final as (

    select
        positions.fund_id,
        positions.company_id,
        positions.quarter_end,
        positions.fund_currency,
        latest_marks.valuation_date as mark_date,
        latest_marks.valuation_method,
        latest_marks.fair_value as mark_local_fair_value,
        latest_marks.currency as mark_currency,
        fx_local.units_per_usd as mark_units_per_usd,
        fx_fund.units_per_usd as fund_units_per_usd,
        {{ fx_convert(
            'latest_marks.fair_value', 'fx_local.units_per_usd', 'fx_fund.units_per_usd',
            'latest_marks.currency', 'positions.fund_currency'
        ) }} as mark_fair_value

    from positions
    left join latest_marks
        on
            positions.fund_id = latest_marks.fund_id
            and positions.company_id = latest_marks.company_id
            and positions.quarter_end = latest_marks.quarter_end
    {{ fx_join('fx_rates', 'fx_local', 'latest_marks.currency', 'positions.quarter_end') }}
    {{ fx_join('fx_rates', 'fx_fund', 'positions.fund_currency', 'positions.quarter_end') }}

)

select * from final
