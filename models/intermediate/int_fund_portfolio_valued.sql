{#- One row per fund and quarter end: the fund's positions added up, in fund currency
    (cost and proceeds to date, fair value at the quarter end). A quarter before the first
    investment has zeros. -#}
with fund_quarters as (

    select * from {{ ref('int_fund_quarters') }}

),

positions as (

    select * from {{ ref('int_positions_valued') }}

),

positions_summed as (

    select
        fund_id,
        quarter_end,
        sum(cost) as cost,
        sum(proceeds) as proceeds,
        sum(fair_value) as fair_value

    from positions
    group by
        fund_id,
        quarter_end

),

final as (

    select
        fund_quarters.fund_id,
        fund_quarters.quarter_end,
        coalesce(positions_summed.cost, 0) as gross_cost,
        coalesce(positions_summed.proceeds, 0) as gross_proceeds,
        coalesce(positions_summed.fair_value, 0) as portfolio_fair_value

    from fund_quarters
    left join positions_summed
        on
            fund_quarters.fund_id = positions_summed.fund_id
            and fund_quarters.quarter_end = positions_summed.quarter_end

)

select * from final
