-- Recomputes every position of fct_positions_quarterly from the staged inputs, with a
-- method of its own (independent of the interval joins of int_positions_*): one time
-- line per holding with its investments, full exits, marks and reported quarter ends,
-- swept once in date order with running window aggregates (one sort); the mark and the
-- cost at the latest mark or exit are then looked up by date. On one date, investments
-- come first, then exits, then marks, then the quarter end, so "on or before" holds.
-- - full exit: after a full exit on or before the quarter end, with no later investment,
--   the position is inactive with fair value 0;
-- - carry-forward: otherwise the latest mark on or before the quarter end (after the last
--   full exit) counts, converted at the latest FX rates on or before the quarter end;
-- - cost after mark: plus the investments after that mark (or after the exit, or all of
--   them when there is no mark), at cost in fund currency: the cost to date less the
--   cost to date at the latest mark or exit;
-- - is_mark_stale: active and the mark is older than the quarter end (or missing).
-- Returns the positions that differ.
with positions as (

    select * from {{ ref('fct_positions_quarterly') }}

),

funds as (

    select * from {{ ref('stg_fundlens__funds') }}

),

valuations as (

    select * from {{ ref('stg_fundlens__valuations') }}

),

realizations as (

    select * from {{ ref('stg_fundlens__realizations') }}

),

investments as (

    select * from {{ ref('int_investments_converted') }}

),

fx_rates as (

    select * from {{ ref('stg_fundlens__fx_rates') }}

),

events as (

    select
        fund_id,
        company_id,
        investment_date as event_date,
        1 as event_order,
        fund_amount as invested,
        cast(null as date) as exit_date,
        cast(null as date) as valuation_date

    from investments

    union all

    select
        fund_id,
        company_id,
        realization_date as event_date,
        2 as event_order,
        0 as invested,
        realization_date as exit_date,
        null as valuation_date

    from realizations
    where is_full_exit

    union all

    select
        fund_id,
        company_id,
        valuation_date as event_date,
        3 as event_order,
        0 as invested,
        null as exit_date,
        valuation_date

    from valuations

    union all

    select
        fund_id,
        company_id,
        quarter_end as event_date,
        4 as event_order,
        0 as invested,
        null as exit_date,
        null as valuation_date

    from positions

),

swept as (

    select
        *,
        sum(invested) over time_line as cost_to_date,
        max(exit_date) over time_line as last_exit_date,
        max(case when event_order = 1 then event_date end) over time_line
            as last_investment_date,
        max(valuation_date) over time_line as last_valuation_date

    from events
    window time_line as (
        partition by fund_id, company_id
        order by event_date, event_order
        rows between unbounded preceding and current row
    )

),

-- the cost to date at each mark or full exit (the same for all of them on one date)
anchors as (

    select
        fund_id,
        company_id,
        event_date as anchor_date,
        max(cost_to_date) as cost_at_anchor

    from swept
    where event_order in (2, 3)
    group by
        fund_id,
        company_id,
        event_date

),

quarter_ends as (

    select
        fund_id,
        company_id,
        event_date as quarter_end,
        cost_to_date,
        last_exit_date,
        last_investment_date,
        case
            when
                last_valuation_date
                > coalesce(last_exit_date, cast('1900-01-01' as date))
                then last_valuation_date
        end as mark_date,
        -- the latest mark or full exit on or before the quarter end
        case
            when last_exit_date is null then last_valuation_date
            when last_valuation_date > last_exit_date then last_valuation_date
            else last_exit_date
        end as anchor_date

    from swept
    where event_order = 4

),

quarter_states as (

    select
        quarter_ends.fund_id,
        quarter_ends.company_id,
        quarter_ends.quarter_end,
        funds.currency as fund_currency,
        valuations.fair_value as mark_local_value,
        valuations.currency as mark_currency,
        quarter_ends.mark_date,
        quarter_ends.cost_to_date - coalesce(anchors.cost_at_anchor, 0) as cost_after_mark,
        (
            quarter_ends.last_exit_date is null
            or quarter_ends.last_investment_date > quarter_ends.last_exit_date
        ) as expected_is_active

    from quarter_ends
    inner join funds
        on quarter_ends.fund_id = funds.fund_id
    left join valuations
        on
            quarter_ends.fund_id = valuations.fund_id
            and quarter_ends.company_id = valuations.company_id
            and quarter_ends.mark_date = valuations.valuation_date
    left join anchors
        on
            quarter_ends.fund_id = anchors.fund_id
            and quarter_ends.company_id = anchors.company_id
            and quarter_ends.anchor_date = anchors.anchor_date

),

-- the latest rate on or before each quarter end, for the few (currency, quarter end)
-- pairs the positions need
rate_dates as (

    select distinct
        mark_currency as currency,
        quarter_end
    from quarter_states
    where mark_currency is not null

    union

    select distinct
        fund_currency as currency,
        quarter_end
    from quarter_states

),

rates as (

    select
        rate_dates.currency,
        rate_dates.quarter_end,
        case
            when rate_dates.currency = 'USD' then 1.0
            else (
                select max(fx_rates.units_per_usd)
                from fx_rates
                where
                    fx_rates.currency = rate_dates.currency
                    and fx_rates.rate_date = (
                        select max(fx_latest.rate_date)
                        from fx_rates as fx_latest
                        where
                            fx_latest.currency = rate_dates.currency
                            and fx_latest.rate_date <= rate_dates.quarter_end
                    )
            )
        end as units_per_usd

    from rate_dates

),

expected as (

    select
        quarter_states.fund_id,
        quarter_states.company_id,
        quarter_states.quarter_end,
        quarter_states.mark_date,
        quarter_states.expected_is_active,
        case
            when quarter_states.expected_is_active
                then
                    coalesce(
                        case
                            when quarter_states.mark_date is not null
                                then
                                    quarter_states.mark_local_value
                                    / mark_rates.units_per_usd
                                    * fund_rates.units_per_usd
                        end,
                        0
                    )
                    + quarter_states.cost_after_mark
            else 0
        end as expected_fair_value,
        (
            quarter_states.expected_is_active
            and (
                quarter_states.mark_date is null
                or quarter_states.mark_date < quarter_states.quarter_end
            )
        ) as expected_is_mark_stale

    from quarter_states
    left join rates as mark_rates
        on
            quarter_states.mark_currency = mark_rates.currency
            and quarter_states.quarter_end = mark_rates.quarter_end
    left join rates as fund_rates
        on
            quarter_states.fund_currency = fund_rates.currency
            and quarter_states.quarter_end = fund_rates.quarter_end

),

compared as (

    select
        positions.fund_id,
        positions.company_id,
        positions.quarter_end,
        positions.fair_value,
        expected.expected_fair_value,
        positions.is_active,
        expected.expected_is_active,
        positions.is_mark_stale,
        expected.expected_is_mark_stale,
        positions.mark_date,
        expected.mark_date as expected_mark_date

    from positions
    left join expected
        on
            positions.fund_id = expected.fund_id
            and positions.company_id = expected.company_id
            and positions.quarter_end = expected.quarter_end

)

select * from compared
where
    expected_fair_value is null
    or abs(fair_value - expected_fair_value) > 0.000001 * (1 + abs(expected_fair_value))
    or is_active <> expected_is_active
    or is_mark_stale <> expected_is_mark_stale
    or coalesce(mark_date, cast('1900-01-01' as date))
    <> coalesce(expected_mark_date, cast('1900-01-01' as date))
