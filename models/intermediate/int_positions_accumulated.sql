{#- One row per fund, company and quarter end of the fund's calendar, from the quarter of
    the fund's first investment in the company on: what was invested and realized to date
    (in fund currency, each flow at the rate of its own date), the last full exit and
    whether the fund still holds the company (no full exit, or an investment after it). -#}
with fund_quarters as (

    select * from {{ ref('int_fund_quarters') }}

),

investments as (

    select * from {{ ref('int_investments_converted') }}

),

realizations as (

    select * from {{ ref('int_realizations_converted') }}

),

holdings as (

    select
        fund_id,
        company_id,
        min(fund_currency) as fund_currency,
        min(investment_date) as first_investment_date

    from investments
    group by fund_id, company_id

),

position_quarters as (

    select
        holdings.fund_id,
        holdings.company_id,
        fund_quarters.quarter_end,
        holdings.fund_currency,
        holdings.first_investment_date

    from holdings
    inner join fund_quarters
        on
            holdings.fund_id = fund_quarters.fund_id
            and holdings.first_investment_date <= fund_quarters.quarter_end

),

investments_in_quarter_scope as (

    select
        position_quarters.fund_id,
        position_quarters.company_id,
        position_quarters.quarter_end,
        investments.investment_id,
        investments.investment_date,
        investments.stage,
        investments.fund_amount

    from position_quarters
    inner join investments
        on
            position_quarters.fund_id = investments.fund_id
            and position_quarters.company_id = investments.company_id
            and position_quarters.quarter_end >= investments.investment_date

),

investments_to_date as (

    select
        fund_id,
        company_id,
        quarter_end,
        sum(fund_amount) as cost,
        max(investment_date) as last_investment_date

    from investments_in_quarter_scope
    group by fund_id, company_id, quarter_end

),

latest_investment_ranked as (

    select
        fund_id,
        company_id,
        quarter_end,
        stage,
        row_number() over (
            partition by fund_id, company_id, quarter_end
            order by investment_date desc, investment_id desc
        ) as recency_rank

    from investments_in_quarter_scope

),

latest_stage as (

    select
        fund_id,
        company_id,
        quarter_end,
        stage

    from latest_investment_ranked
    where recency_rank = 1

),

realizations_to_date as (

    select
        position_quarters.fund_id,
        position_quarters.company_id,
        position_quarters.quarter_end,
        sum(realizations.fund_proceeds) as proceeds,
        max(
            case when realizations.is_full_exit then realizations.realization_date end
        ) as last_full_exit_date

    from position_quarters
    inner join realizations
        on
            position_quarters.fund_id = realizations.fund_id
            and position_quarters.company_id = realizations.company_id
            and position_quarters.quarter_end >= realizations.realization_date
    group by
        position_quarters.fund_id,
        position_quarters.company_id,
        position_quarters.quarter_end

),

final as (

    select
        position_quarters.fund_id,
        position_quarters.company_id,
        position_quarters.quarter_end,
        position_quarters.fund_currency,
        position_quarters.first_investment_date,
        investments_to_date.last_investment_date,
        realizations_to_date.last_full_exit_date,
        latest_stage.stage,
        investments_to_date.cost,
        coalesce(realizations_to_date.proceeds, 0) as proceeds,
        (
            realizations_to_date.last_full_exit_date is null
            or investments_to_date.last_investment_date
            > realizations_to_date.last_full_exit_date
        ) as is_active

    from position_quarters
    inner join investments_to_date
        on
            position_quarters.fund_id = investments_to_date.fund_id
            and position_quarters.company_id = investments_to_date.company_id
            and position_quarters.quarter_end = investments_to_date.quarter_end
    inner join latest_stage
        on
            position_quarters.fund_id = latest_stage.fund_id
            and position_quarters.company_id = latest_stage.company_id
            and position_quarters.quarter_end = latest_stage.quarter_end
    left join realizations_to_date
        on
            position_quarters.fund_id = realizations_to_date.fund_id
            and position_quarters.company_id = realizations_to_date.company_id
            and position_quarters.quarter_end = realizations_to_date.quarter_end

)

select * from final
