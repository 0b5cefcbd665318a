with source as (

    select * from {{ source('fundlens', 'fund_cash_flows') }}

),

renamed as (

    select
        cash_flow_id,
        fund_id,
        flow_date,
        flow_type,
        amount,
        purpose

    from source

)

select * from renamed
