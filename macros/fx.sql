{#- Currency conversion helpers over int_fx_rates_ranged (one row per currency and
    validity interval [valid_from, valid_to), USD included at 1.0).

    Converting `amount` in currency X on date d into currency Y:
        {{ fx_join('fx_rates', 'fx_from', 'x.currency', 'x.some_date') }}
        {{ fx_join('fx_rates', 'fx_to', 'funds.currency', 'x.some_date') }}
        ... {{ fx_convert('x.amount', 'fx_from.units_per_usd', 'fx_to.units_per_usd',
                          'x.currency', 'funds.currency') }}
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

{#- amount / units_per_usd(from) * units_per_usd(to). Given the two currencies, an amount
    already in the target currency is returned exactly (no round trip through USD). -#}
{% macro fx_convert(
    amount, from_units_per_usd, to_units_per_usd, from_currency=none, to_currency=none
) -%}
    {%- if from_currency is not none and to_currency is not none -%}
    case
        when {{ from_currency }} = {{ to_currency }} then {{ amount }}
        else {{ amount }} / {{ from_units_per_usd }} * {{ to_units_per_usd }}
    end
    {%- else -%}
    ({{ amount }} / {{ from_units_per_usd }} * {{ to_units_per_usd }})
    {%- endif -%}
{%- endmacro %}
