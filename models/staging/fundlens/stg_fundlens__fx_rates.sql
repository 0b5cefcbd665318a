with source as (

    select * from {{ source('fundlens', 'fx_rates') }}

),

renamed as (

    select
        rate_date,
        currency,
        units_per_usd

    from source

)

select * from renamed
