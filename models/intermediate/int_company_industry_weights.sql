{#- Look-through weights: the share of each company's revenue by end market. The input
    may sum to 1 within 0.001 (the contract's tolerance): shares are rescaled to sum to
    exactly 1, so look-through exposure adds up to the fund's fair value. A company
    with no company_industries rows is allocated 100% to var('default_industry_code')
    (technology_software). -#}
with companies as (

    select * from {{ ref('stg_fundlens__companies') }}

),

company_industries as (

    select * from {{ ref('stg_fundlens__company_industries') }}

),

industries as (

    select * from {{ ref('stg_fundlens__industries') }}

),

reported_weights as (

    select
        company_id,
        industry_code,
        revenue_share / sum(revenue_share) over (partition by company_id) as revenue_share,
        false as is_default_allocation

    from company_industries

),

default_weights as (

    select
        companies.company_id,
        '{{ var("default_industry_code") }}' as industry_code,
        cast(1.0 as {{ type_double() }}) as revenue_share,
        true as is_default_allocation

    from companies
    left join company_industries
        on companies.company_id = company_industries.company_id
    where company_industries.company_id is null

),

weights as (

    select * from reported_weights
    union all
    select * from default_weights

),

final as (

    select
        weights.company_id,
        weights.industry_code,
        industries.industry_name,
        weights.revenue_share,
        weights.is_default_allocation

    from weights
    left join industries
        on weights.industry_code = industries.industry_code

)

select * from final
