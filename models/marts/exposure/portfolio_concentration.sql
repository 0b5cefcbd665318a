{#- Concentration of each fund's active holdings at each quarter end of its calendar.
    Weights are shares of the fund's total fair value of active holdings; hhi =
    sum((100 * weight)^2) (0-10,000) and effective_holdings = 10,000 / hhi. A quarter
    with no active holdings has active_company_count 0; the share columns are null
    whenever the total fair value is zero. -#}
with fund_quarters as (

    select * from {{ ref('int_fund_quarters') }}

),

holdings as (

    select * from {{ ref('int_positions_weighted') }}

),

ranked as (

    select
        fund_id,
        quarter_end,
        company_id,
        nav_weight,
        row_number() over (
            partition by fund_id, quarter_end
            order by fair_value desc, company_id asc
        ) as fair_value_rank

    from holdings

),

aggregated as (

    select
        fund_id,
        quarter_end,
        count(*) as active_company_count,
        sum(case when fair_value_rank <= 1 then nav_weight end) as top_1_share,
        sum(case when fair_value_rank <= 5 then nav_weight end) as top_5_share,
        sum(case when fair_value_rank <= 10 then nav_weight end) as top_10_share,
        sum((100 * nav_weight) * (100 * nav_weight)) as hhi

    from ranked
    group by fund_id, quarter_end

),

final as (

    select
        fund_quarters.fund_id,
        fund_quarters.quarter_end,
        coalesce(aggregated.active_company_count, 0) as active_company_count,
        aggregated.top_1_share,
        aggregated.top_5_share,
        aggregated.top_10_share,
        aggregated.hhi,
        case when aggregated.hhi > 0 then 10000 / aggregated.hhi end as effective_holdings

    from fund_quarters
    left join aggregated
        on
            fund_quarters.fund_id = aggregated.fund_id
            and fund_quarters.quarter_end = aggregated.quarter_end

)

select * from final
