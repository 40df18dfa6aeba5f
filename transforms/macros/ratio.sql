{#- A KPI ratio from its numerator and denominator: NULL when the denominator is 0 (no
    calls is not 0% service level), double precision on every engine. -#}
{% macro ratio(numerator, denominator) -%}
    case when ({{ denominator }}) > 0
        then cast({{ numerator }} as double precision) / ({{ denominator }})
    end
{%- endmacro %}
