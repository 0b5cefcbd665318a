with source as (

    select * from {{ source('fundlens', 'realizations') }}

),

renamed as (

    select
        realization_id,
        fund_id,
        company_id,
        realization_date,
        proceeds,
        currency,
        realization_type,
        (is_full_exit = 'true') as is_full_exit

    from source

)

select * from renamed
