-- Owned vehicles inside an open field alert (one not closed) of their model, component and
-- build batch (an alert without a batch covers the whole model), with what the agent
-- tells the caller (the field_alert_agent_scripts seed, by severity).
with alerts as (
    select * from {{ ref('fct_field_alerts') }} where alert_state <> 'closed'
),

served as (
    select
        vehicles.current_customer_id as customer_id,
        vehicles.vin,
        alerts.alert_id,
        alerts.alert_level,
        alerts.component,
        alerts.severity,
        alerts.opened_date,
        replace(scripts.agent_script, '{component}', alerts.component) as agent_script
    from {{ ref('dim_vehicles') }} as vehicles
    inner join alerts
        on alerts.model_code = vehicles.model_code
        and (alerts.build_batch is null or alerts.build_batch = vehicles.build_batch)
    left join {{ ref('field_alert_agent_scripts') }} as scripts on scripts.severity = alerts.severity
    where not vehicles.is_unknown_member
)

{{ select_served() }}
