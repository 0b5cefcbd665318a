with source as (

    select * from {{ source('fundlens', 'market_index') }}

),

renamed as (

    select
        index_code,
        price_date,
        close

    from source

)

select * from renamed
