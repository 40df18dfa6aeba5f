{#- Helpers of identity resolution, written with dbt's cross-database macros and plain
    SQL only, so the identity models run unchanged on DuckDB and PostgreSQL. -#}

{#- How two names compare, character by character (DuckDB's edit distances count UTF-8
    bytes, so one Chinese character would weigh three): 'exact'; 'one_typo' when one
    character differs, two adjacent characters are swapped, or one character was added
    at the end (the slips agents make on a pinyin keyboard); otherwise 'different'.
    Only substr/length/position, so it runs unchanged on PostgreSQL. -#}
{% macro name_comparison(left, right, max_length=6) -%}
    {%- set differing -%}
        ({%- for i in range(1, max_length + 1) -%}
        case when substr({{ left }}, {{ i }}, 1) <> substr({{ right }}, {{ i }}, 1) then 1 else 0 end
        {%- if not loop.last %} + {% endif -%}
        {%- endfor -%})
    {%- endset -%}
    case
        when {{ left }} = {{ right }} then 'exact'
        when {{ dbt.length(left) }} = {{ dbt.length(right) }} and {{ differing }} = 1 then 'one_typo'
        when {{ dbt.length(left) }} = {{ dbt.length(right) }} and {{ differing }} = 2 and (
            {%- for i in range(1, max_length) %}
            (substr({{ left }}, {{ i }}, 1) = substr({{ right }}, {{ i + 1 }}, 1)
                and substr({{ left }}, {{ i + 1 }}, 1) = substr({{ right }}, {{ i }}, 1)
                and substr({{ left }}, {{ i }}, 1) <> substr({{ right }}, {{ i }}, 1))
            {%- if not loop.last %} or{% endif %}
            {%- endfor %}
        ) then 'one_typo'
        when abs({{ dbt.length(left) }} - {{ dbt.length(right) }}) = 1
            and ({{ dbt.position(left, right) }} = 1 or {{ dbt.position(right, left) }} = 1) then 'one_typo'
        else 'different'
    end
{%- endmacro %}

{#- A phone number with the middle hidden, as agents may see it: 138****8000. -#}
{% macro mask_phone(e164) -%}
    {%- set national -%}
        case when {{ e164 }} like '+86%' then substr({{ e164 }}, 4) else substr({{ e164 }}, 2) end
    {%- endset -%}
    case
        when {{ e164 }} is null then null
        when {{ dbt.length(national) }} <= 7
            then {{ dbt.concat(["substr(" ~ national ~ ", 1, 2)", "repeat('*', " ~ dbt.length(national) ~ " - 2)"]) }}
        else {{ dbt.concat([
            "substr(" ~ national ~ ", 1, 3)",
            "repeat('*', " ~ dbt.length(national) ~ " - 7)",
            dbt.right(national, 4),
        ]) }}
    end
{%- endmacro %}

{#- The key of the "unknown member" row every dimension carries, so facts never drop a row. -#}
{% macro unknown_key() -%}'UNKNOWN'{%- endmacro %}

{#- In an incremental fact: the keys of rows whose customer id has since been retired by a
    merge, so the run re-resolves them (a model using it must declare
    `-- depends_on: {{ ref('int_crm_customers_resolved') }}`). -#}
{% macro keys_with_retired_customers(key_column) -%}
    select {{ key_column }}
    from {{ this }}
    where customer_id <> {{ unknown_key() }}
        and customer_id not in (select customer_id from {{ ref('int_crm_customers_resolved') }})
{%- endmacro %}
