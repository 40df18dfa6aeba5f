{#- The target of KPI `kpi_name` for a team and queue on a day (contact_center_targets):
    (arguments must be qualified with their relation: this is a correlated subquery)
    the most specific row whose period holds the day, team before queue before '*'; NULL
    when no row matches. Arguments are SQL expressions. -#}
{% macro target_for(kpi_name, team, queue_name, on_date) -%}
    (
        select targets.target_value
        from {{ ref('contact_center_targets') }} as targets
        where targets.kpi_name = {{ kpi_name }}
            and targets.team in ({{ team }}, '*')
            and targets.queue_name in ({{ queue_name }}, '*')
            and {{ on_date }} between targets.valid_from and targets.valid_to
        order by
            case when targets.team = '*' then 0 else 2 end
            + case when targets.queue_name = '*' then 0 else 1 end desc
        limit 1
    )
{%- endmacro %}

{#- Whether `value` meets `target` for a KPI of hub/kpis.py (at or above it, or at or below
    it when lower is better); NULL without a value or a target. -#}
{% macro meets_target(kpi_name_literal, value, target) -%}
    {%- set parts = kpi_parts(kpi_name_literal) -%}
    case when {{ value }} is not null and {{ target }} is not null
        then {{ value }} {{ '>=' if parts[2] else '<=' }} {{ target }}
    end
{%- endmacro %}

{#- Monday of the Beijing week of a date, as a date on every engine. -#}
{% macro week_start(a_date) -%}
    cast({{ dbt.date_trunc('week', a_date) }} as date)
{%- endmacro %}

{#- The smaller of two values (least() on both engines). -#}
{% macro least_of(a, b) -%}
    case when {{ a }} <= {{ b }} then {{ a }} else {{ b }} end
{%- endmacro %}
