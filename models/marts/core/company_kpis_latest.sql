{#- Each reporting company's latest operating figures, as of its latest period_end (the
    latest month it reported any metric). Point-in-time metrics are those reported for that
    month (null if not reported then). revenue_ttm sums the 12 monthly revenues ending at
    period_end (null unless all 12 are reported); revenue_growth_yoy compares it with the
    12 months before (null unless those are complete and positive). Money is in the
    company's reporting currency. -#}
with kpis as (

    select * from {{ ref('stg_fundlens__company_kpis') }}

),

latest_periods as (

    select
        company_id,
        max(period_end) as period_end

    from kpis
    group by company_id

),

kpis_aged as (

    select
        kpis.company_id,
        kpis.metric_code,
        kpis.metric_value,
        kpis.currency,
        kpis.period_end = latest_periods.period_end as is_latest_period,
        {{ months_between_dates('kpis.period_end', 'latest_periods.period_end') }}
            as months_before_latest

    from kpis
    inner join latest_periods
        on kpis.company_id = latest_periods.company_id

),

pivoted as (

    select
        company_id,
        sum(
            case
                when metric_code = 'revenue' and months_before_latest between 0 and 11
                    then metric_value
            end
        ) as revenue_last_12m,
        sum(
            case
                when metric_code = 'revenue' and months_before_latest between 0 and 11
                    then 1
                else 0
            end
        ) as revenue_months_last_12m,
        sum(
            case
                when metric_code = 'revenue' and months_before_latest between 12 and 23
                    then metric_value
            end
        ) as revenue_prior_12m,
        sum(
            case
                when metric_code = 'revenue' and months_before_latest between 12 and 23
                    then 1
                else 0
            end
        ) as revenue_months_prior_12m,
        max(case when is_latest_period and metric_code = 'arr' then metric_value end) as arr,
        max(
            case when is_latest_period and metric_code = 'gross_margin_pct' then metric_value end
        ) as gross_margin_pct,
        max(
            case when is_latest_period and metric_code = 'headcount' then metric_value end
        ) as headcount,
        max(
            case when is_latest_period and metric_code = 'cash_balance' then metric_value end
        ) as cash_balance,
        max(
            case when is_latest_period and metric_code = 'net_burn' then metric_value end
        ) as net_burn,
        max(case when is_latest_period then currency end) as latest_currency,
        max(currency) as any_currency

    from kpis_aged
    group by company_id

),

final as (

    select
        latest_periods.company_id,
        latest_periods.period_end,
        case
            when pivoted.revenue_months_last_12m = 12 then pivoted.revenue_last_12m
        end as revenue_ttm,
        pivoted.arr,
        case
            when
                pivoted.revenue_months_last_12m = 12
                and pivoted.revenue_months_prior_12m = 12
                and pivoted.revenue_prior_12m > 0
                then pivoted.revenue_last_12m / pivoted.revenue_prior_12m - 1
        end as revenue_growth_yoy,
        pivoted.gross_margin_pct,
        pivoted.headcount,
        pivoted.cash_balance,
        pivoted.net_burn,
        case
            when pivoted.net_burn > 0 then pivoted.cash_balance / pivoted.net_burn
        end as runway_months,
        coalesce(pivoted.latest_currency, pivoted.any_currency) as currency

    from latest_periods
    inner join pivoted
        on latest_periods.company_id = pivoted.company_id

)

select * from final
