with companies as (

    select * from {{ ref('int_companies_classified') }}

),

final as (

    select
        company_id,
        company_name,
        segment_code,
        segment_name,
        segment_group,
        hq_country,
        country_name,
        region,
        founded_year,
        description

    from companies

)

select * from final
