{#- dbt's dateadd and datediff on Spark, as the project needs them to mean what they mean on
    DuckDB and PostgreSQL. dbt-spark's own versions go through to_unix_timestamp, so an
    hour added drops a timestamp's milliseconds, and they assert their arguments are not
    null, so a NULL (a call never answered) fails the whole query instead of giving NULL.
    These override them on Spark only (dispatch looks in the root project first). -#}

{#- timestampadd keeps fractions of a second and gives NULL for NULL. -#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd({{ datepart | upper }}, {{ interval }}, {{ from_date_or_timestamp }})
{%- endmacro %}

{#- Boundaries crossed, as DuckDB and PostgreSQL count them: calendar days between the two
    dates; whole-second (minute, hour) marks between the two timestamps. -#}
{% macro spark__datediff(first_date, second_date, datepart) -%}
    {%- set seconds = {'second': 1, 'minute': 60, 'hour': 3600} -%}
    {%- if datepart == 'day' -%}
        cast(datediff(cast({{ second_date }} as date), cast({{ first_date }} as date)) as bigint)
    {%- elif datepart in seconds -%}
        cast(floor(unix_seconds(cast({{ second_date }} as timestamp)) / {{ seconds[datepart] }})
            - floor(unix_seconds(cast({{ first_date }} as timestamp)) / {{ seconds[datepart] }}) as bigint)
    {%- else -%}
        {{ exceptions.raise_compiler_error("datediff by " ~ datepart ~ " is not written for Spark (macros/spark_dates.sql)") }}
    {%- endif -%}
{%- endmacro %}
