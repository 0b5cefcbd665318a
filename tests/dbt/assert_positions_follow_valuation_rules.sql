-- Recomputes every position of fct_positions_quarterly from the staged inputs with
-- correlated subqueries (independently of the window logic of int_positions_*):
-- - full exit: after a full exit on or before the quarter end, with no later investment,
--   the position is inactive with fair value 0;
-- - carry-forward: otherwise the latest mark on or before the quarter end (after the last
--   full exit) counts, converted at the latest FX rates on or before the quarter end;
-- - cost after mark: plus the investments after that mark (or after the exit, or all of
--   them when there is no mark), at cost in fund currency;
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

history as (

    select
        positions.fund_id,
        positions.company_id,
        positions.quarter_end,
        funds.currency as fund_currency,
        (
            select max(realizations.realization_date)
            from realizations
            where
                realizations.fund_id = positions.fund_id
                and realizations.company_id = positions.company_id
                and realizations.is_full_exit
                and realizations.realization_date <= positions.quarter_end
        ) as last_exit_date,
        (
            select max(investments.investment_date)
            from investments
            where
                investments.fund_id = positions.fund_id
                and investments.company_id = positions.company_id
                and investments.investment_date <= positions.quarter_end
        ) as last_investment_date

    from positions
    inner join funds
        on positions.fund_id = funds.fund_id

),

marked as (

    select
        history.*,
        (
            select max(valuations.valuation_date)
            from valuations
            where
                valuations.fund_id = history.fund_id
                and valuations.company_id = history.company_id
                and valuations.valuation_date <= history.quarter_end
                and (
                    history.last_exit_date is null
                    or valuations.valuation_date > history.last_exit_date
                )
        ) as mark_date

    from history

),

with_mark as (

    select
        marked.*,
        valuations.fair_value as mark_local_value,
        valuations.currency as mark_currency,
        (
            marked.last_exit_date is null
            or marked.last_investment_date > marked.last_exit_date
        ) as expected_is_active

    from marked
    left join valuations
        on
            marked.fund_id = valuations.fund_id
            and marked.company_id = valuations.company_id
            and marked.mark_date = valuations.valuation_date

),

rated as (

    select
        with_mark.*,
        case
            when with_mark.mark_currency = 'USD' then 1.0
            else (
                select max(fx_rates.units_per_usd)
                from fx_rates
                where
                    fx_rates.currency = with_mark.mark_currency
                    and fx_rates.rate_date = (
                        select max(fx_latest.rate_date)
                        from fx_rates as fx_latest
                        where
                            fx_latest.currency = with_mark.mark_currency
                            and fx_latest.rate_date <= with_mark.quarter_end
                    )
            )
        end as mark_rate,
        case
            when with_mark.fund_currency = 'USD' then 1.0
            else (
                select max(fx_rates.units_per_usd)
                from fx_rates
                where
                    fx_rates.currency = with_mark.fund_currency
                    and fx_rates.rate_date = (
                        select max(fx_latest.rate_date)
                        from fx_rates as fx_latest
                        where
                            fx_latest.currency = with_mark.fund_currency
                            and fx_latest.rate_date <= with_mark.quarter_end
                    )
            )
        end as fund_rate,
        (
            select sum(investments.fund_amount)
            from investments
            where
                investments.fund_id = with_mark.fund_id
                and investments.company_id = with_mark.company_id
                and investments.investment_date <= with_mark.quarter_end
                and investments.investment_date > coalesce(
                    with_mark.mark_date, with_mark.last_exit_date, cast('1900-01-01' as date)
                )
        ) as cost_after_mark

    from with_mark

),

expected as (

    select
        fund_id,
        company_id,
        quarter_end,
        mark_date,
        expected_is_active,
        case
            when expected_is_active
                then
                    coalesce(mark_local_value / mark_rate * fund_rate, 0)
                    + coalesce(cost_after_mark, 0)
            else 0
        end as expected_fair_value,
        (
            expected_is_active and (mark_date is null or mark_date < quarter_end)
        ) as expected_is_mark_stale

    from rated

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
    inner join expected
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
