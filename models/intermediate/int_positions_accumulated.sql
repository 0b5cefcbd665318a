{#- One row per fund, company and quarter end of the fund's calendar, from the quarter of
    the fund's first investment in the company on: what was invested and realized to date
    (in fund currency, each flow at the rate of its own date), the last full exit and
    whether the fund still holds the company (no full exit, or an investment after it).
    Running totals per holding are each valid from their flow's date until the holding's
    next flow, so a quarter end joins the one interval that holds it, never every earlier
    flow (flows of one date are ordered by id; all but the last have an empty interval). -#}
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

investments_running as (

    select
        fund_id,
        company_id,
        investment_date as last_investment_date,
        stage,
        sum(fund_amount) over (
            partition by fund_id, company_id
            order by investment_date, investment_id
            rows between unbounded preceding and current row
        ) as cost,
        coalesce(
            lead(investment_date) over (
                partition by fund_id, company_id
                order by investment_date, investment_id
            ),
            {{ fx_open_end_date() }}
        ) as valid_to

    from investments

),

realizations_running as (

    select
        fund_id,
        company_id,
        realization_date,
        sum(fund_proceeds) over (
            partition by fund_id, company_id
            order by realization_date, realization_id
            rows between unbounded preceding and current row
        ) as proceeds,
        max(case when is_full_exit then realization_date end) over (
            partition by fund_id, company_id
            order by realization_date, realization_id
            rows between unbounded preceding and current row
        ) as last_full_exit_date,
        coalesce(
            lead(realization_date) over (
                partition by fund_id, company_id
                order by realization_date, realization_id
            ),
            {{ fx_open_end_date() }}
        ) as valid_to

    from realizations

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
        investments_to_date.stage,
        investments_to_date.cost,
        coalesce(realizations_to_date.proceeds, 0) as proceeds,
        (
            realizations_to_date.last_full_exit_date is null
            or investments_to_date.last_investment_date
            > realizations_to_date.last_full_exit_date
        ) as is_active

    from position_quarters
    inner join investments_running as investments_to_date
        on
            position_quarters.fund_id = investments_to_date.fund_id
            and position_quarters.company_id = investments_to_date.company_id
            and position_quarters.quarter_end >= investments_to_date.last_investment_date
            and position_quarters.quarter_end < investments_to_date.valid_to
    left join realizations_running as realizations_to_date
        on
            position_quarters.fund_id = realizations_to_date.fund_id
            and position_quarters.company_id = realizations_to_date.company_id
            and position_quarters.quarter_end >= realizations_to_date.realization_date
            and position_quarters.quarter_end < realizations_to_date.valid_to

)

select * from final
