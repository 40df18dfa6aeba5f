-- Periodic readings. Ingestion keeps one row per (vin, reading_ts), so no dedupe here:
-- the table is the largest in the warehouse and a window over it would cost a full sort.
with

source as (
    select * from {{ source('telematics', 'telematics__readings') }}
),

final as (
    select
        -- ids
        vin,
        reading_ts,
        -- measures
        lat as latitude,
        lon as longitude,
        speed_kmh,
        fuel_rate_lph,
        odometer_km,
        engine_hours,
        -- timestamps
        reading_at,
        _ingested_at as ingested_at
    from source
)

select * from final
