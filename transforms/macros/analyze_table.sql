{#- Post-hook of every model (dbt_project.yml): on PostgreSQL, ANALYZE a table the moment
    it is built, so the models built next in the same run are planned on real row counts
    rather than on a freshly created table with no statistics (autovacuum gets there only
    a minute later). DuckDB keeps its statistics up to date itself: nothing to run. -#}
{% macro analyze_table() -%}
    {{ return(adapter.dispatch('analyze_table')()) }}
{%- endmacro %}

{% macro default__analyze_table() -%}{%- endmacro %}

{% macro postgres__analyze_table() -%}
    {%- if config.get('materialized') in ('table', 'incremental') -%}analyze {{ this }}{%- endif -%}
{%- endmacro %}
