with source as (

    select * from {{ source('fundlens', 'investments') }}

),

renamed as (

    select
        investment_id,
        fund_id,
        company_id,
        investment_date,
        round_label,
        instrument,
        amount,
        currency,
        post_money_valuation,
        ownership_pct

    from source

)

select * from renamed
