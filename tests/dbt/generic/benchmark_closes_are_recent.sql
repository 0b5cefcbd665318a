{#- Warning: a fund quarter end whose benchmark level is a close more than `max_days`
    older than it. `model` has fund_id and quarter_end; the closes used are
    int_fund_benchmark_closes_ranged. -#}
{% test benchmark_closes_are_recent(model, max_days=7) %}

with figures as (

    select * from {{ model }}

),

closes as (

    select * from {{ ref('int_fund_benchmark_closes_ranged') }}

),

final as (

    select
        figures.fund_id,
        figures.quarter_end,
        closes.index_code,
        closes.valid_from as close_date

    from figures
    inner join closes
        on
            figures.fund_id = closes.fund_id
            and figures.quarter_end >= closes.valid_from
            and figures.quarter_end < closes.valid_to
    where closes.valid_from < {{ dbt.dateadd('day', -max_days, 'figures.quarter_end') }}

)

select * from final

{% endtest %}
