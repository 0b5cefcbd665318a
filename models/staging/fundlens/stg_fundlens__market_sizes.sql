with source as (

    select * from {{ source('fundlens', 'market_sizes') }}

),

renamed as (

    select
        segment_code,
        year as market_year,
        market_size_usd_bn,
        (is_estimate = 'true') as is_estimate,
        source as figure_source

    from source

)

select * from renamed
