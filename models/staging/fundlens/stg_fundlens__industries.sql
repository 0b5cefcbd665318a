with source as (

    select * from {{ source('fundlens', 'industries') }}

),

renamed as (

    select
        industry_code,
        industry_name

    from source

)

select * from renamed
