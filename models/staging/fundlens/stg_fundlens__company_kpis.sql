with source as (

    select * from {{ source('fundlens', 'company_kpis') }}

),

renamed as (

    select
        company_id,
        period_end,
        metric_code,
        value as metric_value,
        currency

    from source

)

select * from renamed
