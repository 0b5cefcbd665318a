{#- Warning: an active holding, at its fund's latest quarter end, whose latest mark is
    older than two quarters before it (or that was never marked and was bought before
    then). `model` is a positions mart with fund_id, company_id, quarter_end, is_active,
    mark_date and first_investment_date. -#}
{% test marks_are_recent(model, max_months=6) %}

with positions as (

    select * from {{ model }}

),

latest_quarters as (

    select
        fund_id,
        max(quarter_end) as quarter_end

    from positions
    group by fund_id

),

latest_positions as (

    select
        positions.*,
        {{ dbt.dateadd('month', -max_months, 'positions.quarter_end') }} as oldest_fresh_date

    from positions
    inner join latest_quarters
        on
            positions.fund_id = latest_quarters.fund_id
            and positions.quarter_end = latest_quarters.quarter_end
    where positions.is_active

),

final as (

    select
        fund_id,
        company_id,
        quarter_end,
        mark_date

    from latest_positions
    where coalesce(mark_date, first_investment_date) < oldest_fresh_date

)

select * from final

{% endtest %}
