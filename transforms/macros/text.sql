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

{#- The `position`-th part (1-based; a column or an expression) of `string_text` split on the
    literal `delimiter_text` (a SQL literal), '' past the last part. dbt's split_part takes a
    constant position only (its PostgreSQL and Spark versions compare it with 0 in Jinja). -#}
{% macro split_part_at(string_text, delimiter_text, position) -%}
    {{ return(adapter.dispatch('split_part_at', 'cs_hub')(string_text, delimiter_text, position)) }}
{%- endmacro %}

{% macro default__split_part_at(string_text, delimiter_text, position) -%}
    split_part({{ string_text }}, {{ delimiter_text }}, {{ position }})
{%- endmacro %}

{% macro spark__split_part_at(string_text, delimiter_text, position) -%}
    coalesce(try_element_at(split({{ string_text }}, concat('\\Q', {{ delimiter_text }}, '\\E')), {{ position }}), '')
{%- endmacro %}
