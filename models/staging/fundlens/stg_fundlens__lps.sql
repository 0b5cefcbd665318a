with source as (

    select * from {{ source('fundlens', 'lps') }}

),

renamed as (

    select
        lp_id,
        lp_name,
        lp_type

    from source

)

select * from renamed
