{#- A model output read as a dbt source, or no rows of the given columns when the model has
    not written it yet (a fresh warehouse, the dbt test fixtures, a PostgreSQL build of the
    marts alone): scored marts then build empty instead of failing. `columns` maps each
    column to its dbt.type_* name. The source() call always runs, so lineage keeps it. -#}
{% macro source_or_empty(source_name, table_name, columns) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- set found = adapter.get_relation(relation.database, relation.schema, relation.identifier) if execute else relation -%}
    {%- if found is not none -%}
        select * from {{ relation }}
    {%- else -%}
        select
        {%- for name, type_name in columns.items() %}
            cast(null as {{ type_name }}) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
        where 1 = 0
    {%- endif -%}
{%- endmacro %}
