{#- Free text shown to consumers that must not see personal data: any run of 7 or more
    digits (with spaces or dashes between them), long enough to be a phone, id-card or
    account number, becomes '***'. regexp_replace with the 'g' flag means the same on
    DuckDB and PostgreSQL. -#}
{% macro mask_digit_runs(text) -%}
    regexp_replace({{ text }}, '[0-9][0-9 -]{5,}[0-9Xx]', '***', 'g')
{%- endmacro %}
