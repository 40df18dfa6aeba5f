{#- Generic test: no two rows share these columns (dbt_utils' unique_combination_of_columns,
    written here because the project installs no packages). -#}
{% test unique_combination_of_columns(model, columns) %}
    select {{ columns | join(', ') }}, count(*) as row_count
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}
