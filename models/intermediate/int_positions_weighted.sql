{#- The active holdings of each fund at each quarter end (is_active), classified by
    segment, region and stage, with each holding's weight in the fund's portfolio:
    nav_weight = fair value / total fair value of the fund's active holdings at that
    quarter end (null when that total is zero), cost_weight likewise on cost. Every
    exposure mart aggregates these rows. -#}
with positions as (

    select * from {{ ref('int_positions_valued') }}

),

companies as (

    select * from {{ ref('int_companies_classified') }}

),

active_positions as (

    select
        positions.fund_id,
        positions.company_id,
        positions.quarter_end,
        positions.currency,
        positions.stage,
        companies.segment_code,
        companies.segment_name,
        companies.segment_group,
        companies.region,
        positions.cost,
        positions.proceeds,
        positions.fair_value,
        sum(positions.fair_value) over (
            partition by positions.fund_id, positions.quarter_end
        ) as fund_fair_value,
        sum(positions.cost) over (
            partition by positions.fund_id, positions.quarter_end
        ) as fund_cost

    from positions
    inner join companies
        on positions.company_id = companies.company_id
    where positions.is_active

),

final as (

    select
        *,
        case
            when fund_fair_value > 0 then fair_value / fund_fair_value
        end as nav_weight,
        case
            when fund_cost > 0 then cost / fund_cost
        end as cost_weight

    from active_positions

)

select * from final
