with source as (

    select * from {{ source('fundlens', 'countries') }}

),

renamed as (

    select
        country_code,
        country_name,
        region

    from source

)

select * from renamed
