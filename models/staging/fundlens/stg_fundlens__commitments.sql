with source as (

    select * from {{ source('fundlens', 'commitments') }}

),

renamed as (

    select
        lp_id,
        fund_id,
        commitment_amount,
        commitment_date

    from source

)

select * from renamed
