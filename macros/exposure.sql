{#- The shared tail of the exposure marts (exposure_by_segment, _industry, _geography,
    _stage): from a CTE `aggregated` with one row per fund, quarter end and the mart's
    dimension (its sums of cost, proceeds, fair value and weights), the mart's columns in
    contract order, gross_moic computed once here.
    `dimension_columns`: the mart's dimension key and labels, in contract order. -#}
{% macro exposure_final(dimension_columns) -%}
    select
        fund_id,
        quarter_end,
        {%- for column in dimension_columns %}
        {{ column }},
        {%- endfor %}
        company_count,
        cost,
        fair_value,
        nav_share,
        cost_share,
        case when cost > 0 then (proceeds + fair_value) / cost end as gross_moic,
        currency

    from aggregated
{%- endmacro %}
