with source as (

    select * from {{ source('fundlens', 'company_industries') }}

),

renamed as (

    select
        company_id,
        industry_code,
        revenue_share

    from source

)

select * from renamed
