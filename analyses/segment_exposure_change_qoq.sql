-- How did each fund's exposure by segment change from one quarter to the next? Share of
-- fair value (nav_share) this quarter and the quarter before, and the change in
-- percentage points; a segment new to the fund counts as 0 the quarter before.
with

exposure as (
    select * from {{ ref('exposure_by_segment') }}
),

fund_quarters as (
    select distinct
        fund_id,
        quarter_end
    from exposure
),

quarter_pairs as (
    select
        fund_id,
        quarter_end,
        lag(quarter_end) over (
            partition by fund_id
            order by quarter_end
        ) as previous_quarter_end
    from fund_quarters
)

select
    current_quarter.fund_id,
    current_quarter.quarter_end,
    quarter_pairs.previous_quarter_end,
    current_quarter.segment_name,
    current_quarter.fair_value,
    current_quarter.currency,
    current_quarter.nav_share,
    coalesce(previous_quarter.nav_share, 0) as previous_nav_share,
    100 * (current_quarter.nav_share - coalesce(previous_quarter.nav_share, 0))
        as nav_share_change_pp
from exposure as current_quarter
inner join quarter_pairs
    on
        current_quarter.fund_id = quarter_pairs.fund_id
        and current_quarter.quarter_end = quarter_pairs.quarter_end
left join exposure as previous_quarter
    on
        current_quarter.fund_id = previous_quarter.fund_id
        and current_quarter.segment_code = previous_quarter.segment_code
        and quarter_pairs.previous_quarter_end = previous_quarter.quarter_end
where quarter_pairs.previous_quarter_end is not null
order by current_quarter.fund_id, current_quarter.quarter_end, current_quarter.segment_name
