with source as (

    select * from {{ source('fundlens', 'funds') }}

),

renamed as (

    select
        fund_id,
        fund_name,
        vintage_year,
        currency,
        committed_capital,
        benchmark_index_code

    from source

)

select * from renamed
