{#- Each company with the attributes exposure is reported by: its segment (and segment
    group) and the country and region of its headquarters. -#}
with companies as (

    select * from {{ ref('stg_fundlens__companies') }}

),

segments as (

    select * from {{ ref('stg_fundlens__segments') }}

),

countries as (

    select * from {{ ref('stg_fundlens__countries') }}

),

final as (

    select
        companies.company_id,
        companies.company_name,
        companies.segment_code,
        segments.segment_name,
        segments.segment_group,
        companies.hq_country,
        countries.country_name,
        countries.region,
        companies.founded_year,
        companies.description

    from companies
    inner join segments
        on companies.segment_code = segments.segment_code
    inner join countries
        on companies.hq_country = countries.country_code

)

select * from final
