{#- Each LP cash flow signed from the LP's side of the fund (a capital call is money paid
    in, negative; a distribution is money received, positive), with the fund's benchmark
    level on the flow date (its latest close on or before it; null without a benchmark). -#}
with cash_flows as (

    select * from {{ ref('stg_fundlens__fund_cash_flows') }}

),

benchmark_closes as (

    select * from {{ ref('int_fund_benchmark_closes_ranged') }}

),

final as (

    select
        cash_flows.cash_flow_id,
        cash_flows.fund_id,
        cash_flows.flow_date,
        cash_flows.flow_type,
        cash_flows.amount,
        case
            when cash_flows.flow_type = 'capital_call' then -cash_flows.amount
            else cash_flows.amount
        end as signed_amount,
        benchmark_closes.index_close as index_close_at_flow

    from cash_flows
    left join benchmark_closes
        on
            cash_flows.fund_id = benchmark_closes.fund_id
            and cash_flows.flow_date >= benchmark_closes.valid_from
            and cash_flows.flow_date < benchmark_closes.valid_to

)

select * from final
