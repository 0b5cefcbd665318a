with funds as (

    select * from {{ ref('stg_fundlens__funds') }}

),

fund_quarters as (

    select * from {{ ref('int_fund_quarters') }}

),

cash_flows as (

    select * from {{ ref('stg_fundlens__fund_cash_flows') }}

),

inception as (

    select
        fund_id,
        min(flow_date) as inception_date

    from cash_flows
    group by fund_id

),

calendar as (

    select
        fund_id,
        min(quarter_end) as first_quarter_end,
        max(quarter_end) as last_quarter_end

    from fund_quarters
    group by fund_id

),

final as (

    select
        funds.fund_id,
        funds.fund_name,
        funds.vintage_year,
        funds.currency,
        funds.committed_capital,
        funds.benchmark_index_code,
        calendar.first_quarter_end,
        calendar.last_quarter_end,
        inception.inception_date

    from funds
    left join calendar
        on funds.fund_id = calendar.fund_id
    left join inception
        on funds.fund_id = inception.fund_id

)

select * from final
