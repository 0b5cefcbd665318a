{#- One row per position and quarter end (as int_positions_accumulated) with the latest
    fair-value mark on or before the quarter end, carried forward, in local currency and
    converted into the fund currency at the quarter end's rate. Marks on or before the
    position's last full exit belong to the exited holding and are ignored. Mark columns
    are null when there is no such mark.
    Each mark is the holding's latest from its date until its next mark, so a quarter end
    joins the one interval that holds it, never every earlier mark; that mark counts if
    it follows the last full exit (when it does not, no earlier mark does either). -#}
with positions as (

    select * from {{ ref('int_positions_accumulated') }}

),

valuations as (

    select * from {{ ref('stg_fundlens__valuations') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

valuations_ranged as (

    select
        fund_id,
        company_id,
        valuation_date,
        fair_value,
        currency,
        valuation_method,
        coalesce(
            lead(valuation_date) over (
                partition by fund_id, company_id
                order by valuation_date
            ),
            {{ fx_open_end_date() }}
        ) as valid_to

    from valuations

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
    left join valuations_ranged as latest_marks
        on
            positions.fund_id = latest_marks.fund_id
            and positions.company_id = latest_marks.company_id
            and positions.quarter_end >= latest_marks.valuation_date
            and positions.quarter_end < latest_marks.valid_to
            and coalesce(positions.last_full_exit_date, {{ fx_open_start_date() }})
            < latest_marks.valuation_date
    {{ fx_join('fx_rates', 'fx_local', 'latest_marks.currency', 'positions.quarter_end') }}
    {{ fx_join('fx_rates', 'fx_fund', 'positions.fund_currency', 'positions.quarter_end') }}

)

select * from final
