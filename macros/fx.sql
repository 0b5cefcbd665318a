{#- Currency conversion helpers over int_fx_rates_ranged (one row per currency and
    validity interval [valid_from, valid_to), USD included at 1.0).

    Converting `amount` in currency X on date d into currency Y:
        {{ fx_join('fx_rates', 'fx_from', 'x.currency', 'x.some_date') }}
        {{ fx_join('fx_rates', 'fx_to', 'funds.currency', 'x.some_date') }}
        ... {{ fx_convert('x.amount', 'fx_from.units_per_usd', 'fx_to.units_per_usd') }}
    where `fx_rates` is the model's import CTE of ref('int_fx_rates_ranged'). The joins are
    left joins: a missing rate gives a null amount, which the models' not_null tests report
    (the loader already rejects dates without a rate). -#}

{% macro fx_open_start_date() -%}
    cast('1900-01-01' as date)
{%- endmacro %}

{% macro fx_open_end_date() -%}
    cast('9999-12-31' as date)
{%- endmacro %}

{% macro fx_join(rates, alias, currency, on_date) -%}
    left join {{ rates }} as {{ alias }}
        on
            {{ alias }}.currency = {{ currency }}
            and {{ alias }}.valid_from <= {{ on_date }}
            and {{ on_date }} < {{ alias }}.valid_to
{%- endmacro %}

{% macro fx_convert(amount, from_units_per_usd, to_units_per_usd) -%}
    ({{ amount }} / {{ from_units_per_usd }} * {{ to_units_per_usd }})
{%- endmacro %}
