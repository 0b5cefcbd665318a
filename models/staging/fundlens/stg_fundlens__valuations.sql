with source as (

    select * from {{ source('fundlens', 'valuations') }}

),

renamed as (

    select
        fund_id,
        company_id,
        valuation_date,
        fair_value,
        currency,
        valuation_method

    from source

)

select * from renamed
