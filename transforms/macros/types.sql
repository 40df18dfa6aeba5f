{#- Column types dbt's own type macros do not give alike on every engine. A double: dbt's
    type_float() is single precision on DuckDB, and Spark SQL has no `double precision`. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'cs_hub')()) }}
{%- endmacro %}

{% macro default__type_double() -%}double precision{%- endmacro %}

{% macro spark__type_double() -%}double{%- endmacro %}

{#- The materialisation of the incremental facts (fct_calls, fct_work_orders,
    fct_telematics_daily): incremental with delete+insert on DuckDB and PostgreSQL; a table
    rebuilt whole on Spark, where dbt-spark's Parquet tables have no delete (merge needs
    Delta, Iceberg or Hudi; docs/scale-out.md). -#}
{% macro fact_materialization() -%}
    {{ return('table' if target.type == 'spark' else 'incremental') }}
{%- endmacro %}
