{#- One row per fund, company and quarter end: the position's fair value under the
    contract's rules, with its gross figures, all in fund currency.
    - fair value = the latest mark on or before the quarter end (converted at the quarter
      end), plus, at cost, investments made after that mark (each at the rate of its own
      date); with no mark since the last full exit, the cost of the investments since it;
    - zero when the fund no longer holds the company (after a full exit, until a later
      investment): is_active is then false;
    - is_mark_stale: an active holding whose latest mark is older than the quarter end
      (or that has no mark yet, so is carried at cost). -#}
with positions as (

    select * from {{ ref('int_positions_accumulated') }}

),

marks as (

    select * from {{ ref('int_positions_marked') }}

),

investments as (

    select * from {{ ref('int_investments_converted') }}

),

positions_marked as (

    select
        positions.fund_id,
        positions.company_id,
        positions.quarter_end,
        positions.fund_currency,
        positions.stage,
        positions.first_investment_date,
        positions.last_investment_date,
        positions.last_full_exit_date,
        positions.cost,
        positions.proceeds,
        positions.is_active,
        marks.mark_date,
        marks.valuation_method,
        marks.mark_fair_value,
        coalesce(
            marks.mark_date, positions.last_full_exit_date, {{ fx_open_start_date() }}
        ) as carried_at_cost_after

    from positions
    inner join marks
        on
            positions.fund_id = marks.fund_id
            and positions.company_id = marks.company_id
            and positions.quarter_end = marks.quarter_end

),

cost_after_mark as (

    select
        positions_marked.fund_id,
        positions_marked.company_id,
        positions_marked.quarter_end,
        sum(investments.fund_amount) as cost_after_mark

    from positions_marked
    inner join investments
        on
            positions_marked.fund_id = investments.fund_id
            and positions_marked.company_id = investments.company_id
            and positions_marked.carried_at_cost_after < investments.investment_date
            and positions_marked.quarter_end >= investments.investment_date
    group by
        positions_marked.fund_id,
        positions_marked.company_id,
        positions_marked.quarter_end

),

valued as (

    select
        positions_marked.*,
        coalesce(cost_after_mark.cost_after_mark, 0) as cost_after_mark,
        case
            when positions_marked.is_active
                then
                    coalesce(positions_marked.mark_fair_value, 0)
                    + coalesce(cost_after_mark.cost_after_mark, 0)
            else 0
        end as fair_value

    from positions_marked
    left join cost_after_mark
        on
            positions_marked.fund_id = cost_after_mark.fund_id
            and positions_marked.company_id = cost_after_mark.company_id
            and positions_marked.quarter_end = cost_after_mark.quarter_end

),

final as (

    select
        fund_id,
        company_id,
        quarter_end,
        fund_currency as currency,
        stage,
        first_investment_date,
        last_investment_date,
        last_full_exit_date,
        mark_date,
        valuation_method,
        mark_fair_value,
        cost_after_mark,
        cost,
        proceeds,
        fair_value,
        proceeds + fair_value as total_value,
        case
            when cost > 0 then (proceeds + fair_value) / cost
        end as gross_moic,
        is_active,
        (
            is_active
            and (mark_date is null or mark_date < quarter_end)
        ) as is_mark_stale

    from valued

)

select * from final
