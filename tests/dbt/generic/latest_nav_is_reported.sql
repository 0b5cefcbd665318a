{#- Warning: a fund whose latest quarter end has no NAV reported by the administrator,
    so the published NAV was rolled forward (or is the portfolio's fair value). One row
    per such fund. `model` has fund_id, quarter_end and nav_source. -#}
{% test latest_nav_is_reported(model) %}

with figures as (

    select * from {{ model }}

),

latest_quarters as (

    select
        fund_id,
        max(quarter_end) as quarter_end

    from figures
    group by fund_id

),

final as (

    select
        figures.fund_id,
        figures.quarter_end,
        figures.nav_source

    from figures
    inner join latest_quarters
        on
            figures.fund_id = latest_quarters.fund_id
            and figures.quarter_end = latest_quarters.quarter_end
    where figures.nav_source != 'reported'

)

select * from final

{% endtest %}
