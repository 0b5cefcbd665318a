{#- One row per fund and reporting company the fund has invested in: the company's latest
    KPIs (company_kpis_latest) with their money figures also in the fund's currency,
    converted at the rate of the KPIs' period_end. -#}
with kpis as (

    select * from {{ ref('company_kpis_latest') }}

),

investments as (

    select * from {{ ref('int_investments_converted') }}

),

fx_rates as (

    select * from {{ ref('int_fx_rates_ranged') }}

),

fund_companies as (

    select distinct
        fund_id,
        company_id,
        fund_currency

    from investments

),

final as (

    select
        fund_companies.fund_id,
        kpis.company_id,
        kpis.period_end,
        kpis.currency,
        fund_companies.fund_currency,
        {{ fx_convert(
            '1.0', 'fx_kpi.units_per_usd', 'fx_fund.units_per_usd',
            'kpis.currency', 'fund_companies.fund_currency'
        ) }} as fx_rate_to_fund,
        {{ fx_convert(
            'kpis.revenue_ttm', 'fx_kpi.units_per_usd', 'fx_fund.units_per_usd',
            'kpis.currency', 'fund_companies.fund_currency'
        ) }} as revenue_ttm_fund_currency,
        {{ fx_convert(
            'kpis.arr', 'fx_kpi.units_per_usd', 'fx_fund.units_per_usd',
            'kpis.currency', 'fund_companies.fund_currency'
        ) }} as arr_fund_currency,
        {{ fx_convert(
            'kpis.cash_balance', 'fx_kpi.units_per_usd', 'fx_fund.units_per_usd',
            'kpis.currency', 'fund_companies.fund_currency'
        ) }} as cash_balance_fund_currency,
        {{ fx_convert(
            'kpis.net_burn', 'fx_kpi.units_per_usd', 'fx_fund.units_per_usd',
            'kpis.currency', 'fund_companies.fund_currency'
        ) }} as net_burn_fund_currency

    from fund_companies
    inner join kpis
        on fund_companies.company_id = kpis.company_id
    {{ fx_join('fx_rates', 'fx_kpi', 'kpis.currency', 'kpis.period_end') }}
    {{ fx_join('fx_rates', 'fx_fund', 'fund_companies.fund_currency', 'kpis.period_end') }}

)

select * from final
