{#- Each investment with its stage bucket: seed (pre_seed, seed), early (series_a,
    series_b), growth (series_c, series_d_plus, growth). A bridge keeps the stage of the
    company's previous round: its latest non-bridge round (any fund's) on or before the
    bridge's date. A bridge with no such round (the company's first round) is seed. -#}
with investments as (

    select * from {{ ref('stg_fundlens__investments') }}

),

bucketed as (

    select
        *,
        case
            when round_label in ('pre_seed', 'seed') then 'seed'
            when round_label in ('series_a', 'series_b') then 'early'
            when round_label in ('series_c', 'series_d_plus', 'growth') then 'growth'
        end as round_stage

    from investments

),

bridge_candidates as (

    select
        bridges.investment_id,
        priced.round_stage,
        row_number() over (
            partition by bridges.investment_id
            order by priced.investment_date desc, priced.investment_id desc
        ) as recency_rank

    from bucketed as bridges
    inner join bucketed as priced
        on
            bridges.company_id = priced.company_id
            and bridges.investment_date >= priced.investment_date
            and priced.round_label <> 'bridge'
    where bridges.round_label = 'bridge'

),

bridge_stages as (

    select
        investment_id,
        round_stage as previous_round_stage

    from bridge_candidates
    where recency_rank = 1

),

final as (

    select
        bucketed.investment_id,
        bucketed.fund_id,
        bucketed.company_id,
        bucketed.investment_date,
        bucketed.round_label,
        bucketed.instrument,
        bucketed.amount,
        bucketed.currency,
        case
            when bucketed.round_label = 'bridge'
                then coalesce(bridge_stages.previous_round_stage, 'seed')
            else bucketed.round_stage
        end as stage

    from bucketed
    left join bridge_stages
        on bucketed.investment_id = bridge_stages.investment_id

)

select * from final
