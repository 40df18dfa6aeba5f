{#- Calendar days and durations, on dbt's cross-database macros: the marts get the same
    values, of the same column types, on DuckDB and on PostgreSQL. -#}

{#- Hours from UTC to the contact center's local time (var local_utc_offset_hours, passed by
    the build from hub.calendar.UTC_OFFSET_HOURS). Asia/Shanghai has kept UTC+8 without
    daylight saving since 1991, so a fixed offset is exact and portable. -#}
{% macro local_utc_offset_hours() -%}
    {{ var('local_utc_offset_hours') | int }}
{%- endmacro %}

{#- The Beijing calendar day of a UTC timestamp. -#}
{% macro local_date(utc_timestamp) -%}
    cast({{ dbt.dateadd('hour', local_utc_offset_hours(), utc_timestamp) }} as date)
{%- endmacro %}

{#- Whole seconds from `start_at` to `end_at`, counted as second boundaries crossed
    (08:00:00.9 -> 08:00:02.1 is 2; telematics readings carry milliseconds). dbt.datediff
    counts this way on both engines but returns BIGINT on DuckDB and double precision on
    PostgreSQL (it is built on date_part): the cast keeps one column type everywhere. -#}
{% macro seconds_between(start_at, end_at) -%}
    cast({{ dbt.datediff(start_at, end_at, 'second') }} as {{ dbt.type_bigint() }})
{%- endmacro %}

{#- Hours from `start_at` to `end_at` as a double, from whole seconds as above. Divided in
    double precision on both engines, so the last bit agrees (a PostgreSQL bigint / 3600.0
    would be numeric, and fuel sums then round differently at 3 decimals). Not
    dbt.type_float(): that is FLOAT, single precision on DuckDB. -#}
{% macro hours_between(start_at, end_at) -%}
    cast({{ seconds_between(start_at, end_at) }} as {{ type_double() }}) / 3600
{%- endmacro %}

{#- Start of the 30-minute interval a UTC timestamp falls in (contact-centre intervals).
    Asia/Shanghai is a whole number of hours from UTC, so UTC half hours are Beijing half
    hours too. date_trunc and extract(minute) behave alike on DuckDB and PostgreSQL. -#}
{% macro half_hour_start(utc_timestamp) -%}
    {{ dbt.dateadd('minute', 'case when extract(minute from ' ~ utc_timestamp ~ ') >= 30 then 30 else 0 end',
                   dbt.date_trunc('hour', utc_timestamp)) }}
{%- endmacro %}

{#- Which half hour of the Beijing day (0 = 00:00-00:30 ... 47 = 23:30-24:00). -#}
{% macro local_half_hour_of_day(utc_timestamp) -%}
    cast(extract(hour from {{ dbt.dateadd('hour', local_utc_offset_hours(), utc_timestamp) }}) * 2
        + case when extract(minute from {{ utc_timestamp }}) >= 30 then 1 else 0 end as integer)
{%- endmacro %}

{#- ISO day of the week of a date, 1 = Monday ... 7 = Sunday, as an integer. -#}
{% macro iso_weekday(a_date) -%}
    {{ return(adapter.dispatch('iso_weekday', 'cs_hub')(a_date)) }}
{%- endmacro %}

{% macro default__iso_weekday(a_date) -%}
    cast(extract(isodow from {{ a_date }}) as integer)
{%- endmacro %}

{% macro spark__iso_weekday(a_date) -%}
    cast(extract(dayofweek_iso from {{ a_date }}) as integer)
{%- endmacro %}
