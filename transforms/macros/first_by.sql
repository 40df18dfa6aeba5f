{#- Inside a GROUP BY: `value` on the group's row with the lowest (first_by) or highest
    (last_by) `order_by`, NULL when that row's value is NULL. One aggregate pass instead of
    numbering every row with a window: DuckDB's arg_min_null/arg_max_null; elsewhere the
    first element of an ordered array. -#}
{% macro first_by(value, order_by) %}{{ return(adapter.dispatch('first_by')(value, order_by, false)) }}{% endmacro %}

{% macro last_by(value, order_by) %}{{ return(adapter.dispatch('first_by')(value, order_by, true)) }}{% endmacro %}

{% macro default__first_by(value, order_by, last) -%}
    (array_agg({{ value }} order by {{ order_by }}{{ ' desc' if last }}))[1]
{%- endmacro %}

{% macro duckdb__first_by(value, order_by, last) -%}
    {{ 'arg_max_null' if last else 'arg_min_null' }}({{ value }}, {{ order_by }})
{%- endmacro %}

{#- Spark's max_by/min_by keep the chosen row's value even when it is NULL. -#}
{% macro spark__first_by(value, order_by, last) -%}
    {{ 'max_by' if last else 'min_by' }}({{ value }}, {{ order_by }})
{%- endmacro %}
