{#- Written from hub/kpis.py (the KPI registry) by `hub kpis --write-macro`; do not edit.
    kpi(name, relation): the KPI's ratio over its numerator and denominator columns,
    optionally of one relation (CTE) of the model. -#}
{% macro kpi(name, relation=none) -%}
    {%- set registry = {
        'service_level': ['answered_within_service_level_calls', 'service_level_base_calls'],
        'abandon_rate': ['counted_abandoned_calls', 'service_level_base_calls'],
        'average_speed_of_answer_seconds': ['answered_wait_seconds', 'answered_calls'],
        'average_handle_seconds': ['handle_seconds', 'answered_calls'],
        'occupancy': ['handle_seconds', 'staffed_seconds'],
        'first_contact_resolution': ['first_contact_resolved_calls', 'fcr_eligible_calls'],
        'csat': ['satisfied_responses', 'survey_responses'],
        'sla_compliance': ['resolved_within_sla_work_orders', 'resolved_work_orders'],
        'average_resolve_hours': ['resolve_hours', 'resolved_work_orders'],
        'reopen_rate': ['reopened_work_orders', 'resolved_work_orders'],
        'callback_satisfaction': ['callback_satisfied_responses', 'callback_responses'],
        'open_work_orders_per_engineer': ['open_work_orders', 'engineers_on_duty']
    } -%}
    {%- if name not in registry -%}
        {{ exceptions.raise_compiler_error('kpi ' ~ name ~ ' is not in hub/kpis.py; known: ' ~ registry.keys() | join(', ')) }}
    {%- endif -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    {{ ratio(prefix ~ registry[name][0], prefix ~ registry[name][1]) }}
{%- endmacro %}
