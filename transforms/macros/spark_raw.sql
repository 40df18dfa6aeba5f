{#- On Spark the raw schema is the Parquet that ingestion writes beside the DuckDB warehouse
    (one folder per raw table under HUB_RAW_PARQUET_DIR, one file per loaded batch, lineage
    columns included; docs/scale-out.md). At the start of every run each raw source becomes
    a table over its folder, re-read (`refresh`) so batches written since the last run count.
    Nothing on other engines, whose raw schema `hub ingest` loads directly. -#}
{% macro raw_sources_from_parquet() -%}
    {%- if target.type == 'spark' and execute -%}
        {%- set root = env_var('HUB_RAW_PARQUET_DIR', '../var/raw_parquet') -%}
        {%- do run_query('create database if not exists raw') -%}
        {%- for node in graph.sources.values() if node.schema == 'raw' -%}
            {%- set location = root ~ '/' ~ node.identifier -%}
            {%- do run_query('create table if not exists raw.' ~ node.identifier ~ " using parquet location '" ~ location ~ "'") -%}
            {%- do run_query('refresh table raw.' ~ node.identifier) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
