with source as (

    select * from {{ source('fundlens', 'segments') }}

),

renamed as (

    select
        segment_code,
        segment_name,
        segment_group,
        description

    from source

)

select * from renamed
