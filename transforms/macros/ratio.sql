{#- A KPI ratio from its numerator and denominator: NULL when the denominator is 0 (no
    calls is not 0% service level), double precision on every engine. -#}
{% macro ratio(numerator, denominator) -%}
    case when ({{ denominator }}) > 0
        then cast({{ numerator }} as {{ type_double() }}) / ({{ denominator }})
    end
{%- endmacro %}

{#- How many rows of the group meet `condition`, as a BIGINT on every engine (DuckDB's
    sum of integers is a HUGEINT, which SQLite and pandas read as a float). -#}
{% macro count_where(condition) -%}
    cast(sum(case when {{ condition }} then 1 else 0 end) as {{ dbt.type_bigint() }})
{%- endmacro %}

{#- The sum of an integer column as a BIGINT on every engine. -#}
{% macro total(expression) -%}
    cast(sum({{ expression }}) as {{ dbt.type_bigint() }})
{%- endmacro %}
