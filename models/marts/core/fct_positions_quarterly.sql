with positions as (

    select * from {{ ref('int_positions_valued') }}

),

final as (

    select
        fund_id,
        company_id,
        quarter_end,
        cost,
        proceeds,
        fair_value,
        total_value,
        gross_moic,
        is_active,
        is_mark_stale,
        stage,
        currency,
        mark_date,
        valuation_method,
        first_investment_date,
        last_full_exit_date

    from positions

)

select * from final
