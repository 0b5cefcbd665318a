{#- Warning: a fund quarter end where paid-in capital exceeds the fund's commitments.
    `model` has fund_id, quarter_end, paid_in_capital and committed_capital. -#}
{% test paid_in_within_commitments(model) %}

with figures as (

    select * from {{ model }}

),

final as (

    select
        fund_id,
        quarter_end,
        paid_in_capital,
        committed_capital

    from figures
    where paid_in_capital > committed_capital

)

select * from final

{% endtest %}
