-- Every exposure mart splits the same total: for each fund and quarter end with active
-- holdings, the fair value (and cost) of its segments, industries (look-through by revenue
-- share), regions and stages add up to the fund's total over active positions in
-- fct_positions_quarterly, and no mart misses or invents a fund quarter.
-- Returns one row per mart and fund quarter that does not add up.
with positions as (

    select * from {{ ref('fct_positions_quarterly') }}

),

fund_totals as (

    select
        fund_id,
        quarter_end,
        sum(fair_value) as fair_value,
        sum(cost) as cost

    from positions
    where is_active
    group by fund_id, quarter_end

),

{% set marts = ['exposure_by_segment', 'exposure_by_industry', 'exposure_by_geography',
                'exposure_by_stage'] %}
mart_totals as (

    {% for mart in marts %}
    select
        '{{ mart }}' as mart,
        fund_id,
        quarter_end,
        sum(fair_value) as fair_value,
        sum(cost) as cost

    from {{ ref(mart) }}
    group by fund_id, quarter_end
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

expected as (

    {% for mart in marts %}
    select
        '{{ mart }}' as mart,
        fund_id,
        quarter_end,
        fair_value,
        cost

    from fund_totals
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

compared as (

    select
        coalesce(expected.mart, mart_totals.mart) as mart,
        coalesce(expected.fund_id, mart_totals.fund_id) as fund_id,
        coalesce(expected.quarter_end, mart_totals.quarter_end) as quarter_end,
        expected.fair_value as expected_fair_value,
        mart_totals.fair_value as mart_fair_value,
        expected.cost as expected_cost,
        mart_totals.cost as mart_cost

    from expected
    full outer join mart_totals
        on
            expected.mart = mart_totals.mart
            and expected.fund_id = mart_totals.fund_id
            and expected.quarter_end = mart_totals.quarter_end

)

select * from compared
where
    expected_fair_value is null
    or mart_fair_value is null
    or abs(expected_fair_value - mart_fair_value) > 0.000001 * (1 + abs(expected_fair_value))
    or abs(expected_cost - mart_cost) > 0.000001 * (1 + abs(expected_cost))
