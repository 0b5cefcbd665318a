with source as (

    select * from {{ source('fundlens', 'companies') }}

),

renamed as (

    select
        company_id,
        company_name,
        segment_code,
        hq_country,
        founded_year,
        description

    from source

)

select * from renamed
