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
        'open_work_orders_per_engineer': ['open_work_orders', 'engineers_on_duty'],
        'answered_service_level': ['answered_within_service_level_calls', 'answered_calls'],
        'first_contact_resolution_closed': ['first_contact_resolved_closed_calls', 'fcr_closed_calls'],
        'qa_score': ['qa_points', 'qa_possible_points'],
        'qa_coverage': ['qa_reviewed_sampled_calls', 'qa_required_reviews'],
        'arrivals_per_day': ['offered_calls', 'observed_days'],
        'ivr_containment': ['ivr_contained_calls', 'ivr_followable_calls'],
        'outbound_connect_rate': ['outbound_connects', 'outbound_attempts'],
        'callback_completion': ['outbound_connects', 'callback_requests'],
        'tier1_resolution': ['tier1_resolved_calls', 'fcr_closed_calls'],
        'conversion_rate': ['conversion_count', 'offer_count']
    } -%}
    {%- if name not in registry -%}
        {{ exceptions.raise_compiler_error('kpi ' ~ name ~ ' is not in hub/kpis.py; known: ' ~ registry.keys() | join(', ')) }}
    {%- endif -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    {{ ratio(prefix ~ registry[name][0], prefix ~ registry[name][1]) }}
{%- endmacro %}

{#- kpi_parts(name): [numerator, denominator, higher_is_better] of a KPI. -#}
{% macro kpi_parts(name) -%}
    {%- set registry = {
        'service_level': ['answered_within_service_level_calls', 'service_level_base_calls', true],
        'abandon_rate': ['counted_abandoned_calls', 'service_level_base_calls', true],
        'average_speed_of_answer_seconds': ['answered_wait_seconds', 'answered_calls', true],
        'average_handle_seconds': ['handle_seconds', 'answered_calls', false],
        'occupancy': ['handle_seconds', 'staffed_seconds', true],
        'first_contact_resolution': ['first_contact_resolved_calls', 'fcr_eligible_calls', true],
        'csat': ['satisfied_responses', 'survey_responses', true],
        'sla_compliance': ['resolved_within_sla_work_orders', 'resolved_work_orders', true],
        'average_resolve_hours': ['resolve_hours', 'resolved_work_orders', true],
        'reopen_rate': ['reopened_work_orders', 'resolved_work_orders', true],
        'callback_satisfaction': ['callback_satisfied_responses', 'callback_responses', true],
        'open_work_orders_per_engineer': ['open_work_orders', 'engineers_on_duty', true],
        'answered_service_level': ['answered_within_service_level_calls', 'answered_calls', true],
        'first_contact_resolution_closed': ['first_contact_resolved_closed_calls', 'fcr_closed_calls', true],
        'qa_score': ['qa_points', 'qa_possible_points', true],
        'qa_coverage': ['qa_reviewed_sampled_calls', 'qa_required_reviews', true],
        'arrivals_per_day': ['offered_calls', 'observed_days', true],
        'ivr_containment': ['ivr_contained_calls', 'ivr_followable_calls', true],
        'outbound_connect_rate': ['outbound_connects', 'outbound_attempts', true],
        'callback_completion': ['outbound_connects', 'callback_requests', true],
        'tier1_resolution': ['tier1_resolved_calls', 'fcr_closed_calls', true],
        'conversion_rate': ['conversion_count', 'offer_count', true]
    } -%}
    {%- if name not in registry -%}
        {{ exceptions.raise_compiler_error('kpi ' ~ name ~ ' is not in hub/kpis.py') }}
    {%- endif -%}
    {{ return(registry[name]) }}
{%- endmacro %}

{#- scorecard_kpis(): the KPIs of a scorecard, in order. -#}
{% macro scorecard_kpis() -%}
    {{ return(['answered_service_level', 'average_handle_seconds', 'first_contact_resolution_closed', 'csat', 'qa_score', 'qa_coverage']) }}
{%- endmacro %}
