{#- The select list of a serving model, from its contract: every column the model's yml
    declares, in that order, cast to its declared type. The model's SQL computes a CTE
    named `served` with whatever columns it likes; only the contract reaches the serving
    store, so a column is declared once (the yml) and typed the same on every engine. -#}
{% macro select_served(from_relation='served') -%}
    {%- if model.resource_type == 'unit_test' -%}
    {#- a unit test renders the model with `model` the test, which has no columns: it checks
        the rule's values (its expectations name the columns); the contract checks the shape -#}
    select * from {{ from_relation }}
    {%- else -%}
    select
    {%- for column in model.columns.values() %}
        cast({{ column.name }} as {{ column.data_type }}) as {{ column.name }}{{ "," if not loop.last }}
    {%- endfor %}
    from {{ from_relation }}
    {%- endif -%}
{%- endmacro %}

{#- x rounded to `digits` decimals as a double: PostgreSQL rounds only numerics. -#}
{% macro round_to(x, digits) -%}
    {{ return(adapter.dispatch('round_to', 'cs_hub')(x, digits)) }}
{%- endmacro %}

{% macro default__round_to(x, digits) -%}
    round({{ x }}, {{ digits }})
{%- endmacro %}

{% macro postgres__round_to(x, digits) -%}
    cast(round(cast({{ x }} as numeric), {{ digits }}) as {{ type_double() }})
{%- endmacro %}
