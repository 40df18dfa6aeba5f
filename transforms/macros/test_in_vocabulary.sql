{#- Generic test: every non-null value of the column is in one domain of the hub's
    vocabulary (seed `vocabulary`, written from hub/vocabulary.py), or one of `also`
    (a mart's own stand-in value such as 'unknown'). Fails with the offending values. -#}
{% test in_vocabulary(model, column_name, domain, also=[]) %}
    select {{ column_name }} as value, count(*) as row_count
    from {{ model }}
    where {{ column_name }} is not null
      and {{ column_name }} not in (
          select value from {{ ref('vocabulary') }} where domain = '{{ domain }}'
      )
      {%- for extra in also %}
      and {{ column_name }} <> '{{ extra }}'
      {%- endfor %}
    group by {{ column_name }}
{% endtest %}
