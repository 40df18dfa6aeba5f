with

source as (
    select * from {{ source('telematics', 'telematics__events') }}
),

ranked as (
    select
        *,
        row_number() over (partition by event_id order by {{ latest_version_order() }}) as version_rank
    from source
),

final as (
    select
        -- ids
        event_id,
        vin,
        -- attributes
        event_type,
        spn,
        fmi,
        value as event_value,
        lat as latitude,
        lon as longitude,
        -- timestamps
        event_at,
        _ingested_at as ingested_at
    from ranked
    where version_rank = 1
)

select * from final
