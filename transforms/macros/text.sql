{#- Free text shown to consumers that must not see personal data: any run of 7 or more
    digits (with spaces or dashes between them), long enough to be a phone, id-card or
    account number, becomes '***'. regexp_replace with the 'g' flag means the same on
    DuckDB and PostgreSQL; Spark's regexp_replace replaces every match without a flag. -#}
{% macro mask_digit_runs(text) -%}
    {{ return(adapter.dispatch('mask_digit_runs', 'cs_hub')(text)) }}
{%- endmacro %}

{% macro default__mask_digit_runs(text) -%}
    regexp_replace({{ text }}, '[0-9][0-9 -]{5,}[0-9Xx]', '***', 'g')
{%- endmacro %}

{% macro spark__mask_digit_runs(text) -%}
    regexp_replace({{ text }}, '[0-9][0-9 -]{5,}[0-9Xx]', '***')
{%- endmacro %}

{#- The group's values joined by `delimiter` (a SQL literal) in their own order. dbt's
    listagg takes an order on DuckDB and PostgreSQL, but ignores it on Spark, where the
    order would then be the rows' arrival order. -#}
{% macro sorted_listagg(value, delimiter) -%}
    {{ return(adapter.dispatch('sorted_listagg', 'cs_hub')(value, delimiter)) }}
{%- endmacro %}

{% macro default__sorted_listagg(value, delimiter) -%}
    {{ dbt.listagg(value, delimiter, 'order by ' ~ value) }}
{%- endmacro %}

{% macro spark__sorted_listagg(value, delimiter) -%}
    array_join(array_sort(collect_list({{ value }})), {{ delimiter }})
{%- endmacro %}
