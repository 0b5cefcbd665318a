with source as (

    select * from {{ source('fundlens', 'fund_navs') }}

),

renamed as (

    select
        fund_id,
        nav_date,
        net_asset_value

    from source

)

select * from renamed
