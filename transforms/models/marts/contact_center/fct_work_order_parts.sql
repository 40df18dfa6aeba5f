-- Parts used per work order: one row per part line of a stage change that names parts
-- ('part_no x qty;...' on the ticketing export, 'part_no x qty' from the contact engine),
-- with the warehouse it was drawn from and the engineer who fitted it. A line without
-- ' x<quantity>' keeps its part number with no quantity.
with

transitions as (
    select * from {{ ref('int_work_order_transitions_combined') }}
    where parts is not null and parts <> ''
),

positions as (
    {% for position in range(1, 21) -%}
    select {{ position }} as part_position{{ " union all" if not loop.last }}
    {% endfor %}
),

lines as (
    select
        transitions.*,
        positions.part_position,
        trim({{ split_part_at('transitions.parts', "';'", 'positions.part_position') }}) as part_line
    from transitions
    cross join positions
),

final as (
    select
        -- ids
        {{ dbt.concat(["transition_id", "'|'", dbt.safe_cast("part_position", dbt.type_string())]) }} as work_order_part_id,
        work_order_id,
        transition_seq,
        engineer_id,
        -- attributes
        trim({{ dbt.split_part('part_line', "' x'", 1) }}) as part_no,
        warehouse,
        region_office,
        -- measures
        -- NULL when the line names no quantity (the not_null test warns: the line is kept)
        {{ dbt.safe_cast("nullif(trim(" ~ dbt.split_part('part_line', "' x'", 2) ~ "), '')", dbt.type_int()) }}
            as part_quantity,
        -- timestamps
        stage_at as parts_used_at
    from lines
    where part_line <> ''
)

select * from final
