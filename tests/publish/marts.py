"""A tiny warehouse with the marts the publish step reads, made messy on purpose.

Customer CU1 has two CRM records (a duplicate), phones in E.164 (one a shared
switchboard that is not a caller id), an old id CU9 merged into it, and owns VIN_B, which
it bought from CU2. CU2 has an open work order in its on_site stage.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
from filelock import FileLock

VIN_A = "LFWSRXSJ7RA076498"
VIN_B = "LFWPCKDN7SA064223"
VIN_C = "LFWPCLDM4SA044749"
PHONE_1 = "+8613800138000"
PHONE_2 = "+8613900139000"
SWITCHBOARD = "+861065529988"

SCHEMA = """
create schema marts;
create schema intermediate;
create table marts.customer_profile (
    customer_id varchar, primary_crm_customer_id varchar, customer_type varchar, customer_name varchar,
    gender varchar, city varchar, segment varchar, crm_record_count bigint, primary_phone_masked varchar,
    phones_masked varchar, phone_count bigint, vehicle_count bigint, vins varchar, call_count bigint,
    recent_call_count hugeint, last_call_at timestamp, work_order_count bigint, open_work_order_count hugeint,
    last_work_order_at timestamp, purchase_count bigint, purchases_amount_cny decimal(38, 6),
    last_purchased_at timestamp, has_marketing_consent boolean, first_registered_at timestamp);
create table marts.dim_customer_phones (
    customer_phone_id varchar, customer_id varchar, phone_e164 varchar, phone_masked varchar,
    phone_kind varchar, phone_label varchar, is_primary boolean, exclusion_reason varchar,
    is_caller_id boolean, updated_at timestamp);
create table marts.customer_aliases (alias_id varchar, customer_id varchar, aliased_at timestamp);
create table marts.dim_vehicles (
    vin varchar, current_customer_id varchar, model_code varchar, model_name varchar, build_batch varchar,
    engine_type varchar, route_type varchar, ownership_count bigint, is_unknown_member boolean,
    build_date date, current_owned_from date);
create table marts.fct_telematics_daily (
    vehicle_day_id varchar, vin varchar, customer_id varchar, reading_count bigint, km_driven float,
    fuel_litres float, engine_hours float, max_speed_kmh double, harsh_braking_count hugeint,
    over_speed_count hugeint, overload_count hugeint, faults_raised_count hugeint,
    faults_cleared_count hugeint, activity_date date);
create table marts.fct_calls (
    call_id varchar, customer_id varchar, call_direction varchar, final_queue_name varchar,
    final_disposition varchar, is_answered boolean, queue_wait_seconds bigint, handle_seconds hugeint,
    survey_score bigint, call_started_at timestamp);
create table marts.fct_work_orders (
    work_order_id varchar, customer_id varchar, vin varchar, work_order_category varchar,
    work_order_priority varchar, work_order_status varchar, is_open boolean, component varchar,
    fault_code varchar, created_at timestamp, updated_at timestamp, sla_due_at timestamp);
create table marts.fct_work_order_stages (
    work_order_stage_id varchar, work_order_id varchar, work_order_stage varchar,
    is_current_stage boolean, stage_entered_at timestamp);
create table marts.fct_contacts (
    contact_event_id varchar, contact_id varchar, customer_id varchar, agent_id varchar, ops_seq bigint,
    contact_channel varchar, contact_direction varchar, disposition varchar, queue_name varchar, notes varchar,
    survey_score bigint, contact_started_at timestamp, contact_ended_at timestamp, recorded_at timestamp);
create table marts.fct_customer_scores (
    customer_id varchar, region varchar, segment varchar, primary_phone_masked varchar, lifecycle_stage varchar,
    churn_risk double, churn_reason_1 varchar, churn_reason_2 varchar, churn_reason_3 varchar,
    expected_purchases_12m double, expected_value_12m_cny double, next_best_offer varchar, next_best_offer_propensity double);
create table marts.fct_cross_sell_propensities (
    propensity_id varchar, customer_id varchar, product varchar, is_held boolean, propensity double,
    expected_value_12m_cny double, list_score double, offer_rank bigint);
create table marts.fct_consents (
    consent_id varchar, customer_id varchar, recorded_on_crm_customer_id varchar, consent_channel varchar,
    consent_purpose varchar, consent_status varchar, is_granted boolean, consent_source varchar,
    event_count bigint, recorded_at timestamp);
create table marts.fct_offer_responses (
    offer_response_id varchar, customer_id varchar, offer_id varchar, ops_seq bigint, product varchar,
    offer_response varchar, is_accepted boolean, response_channel varchar, responded_at timestamp,
    recorded_at timestamp);
create table marts.ops_watermark (watermark_id varchar, ops_seq bigint, event_count bigint);
create table intermediate.int_crm_customers_resolved (
    crm_customer_id varchar, customer_id varchar, anchor_crm_customer_id varchar, assigned_at timestamp);
create table marts.fct_field_alerts (
    alert_id varchar, alert_level varchar, model_code varchar, component varchar, build_batch varchar,
    alert_state varchar, severity varchar, window_days integer, observed_failures double,
    expected_failures double, rate_ratio double, peak_rate_ratio double, p_value double, q_value double,
    failures_since_opened integer, affected_vehicle_count bigint, affected_batch_count bigint,
    affected_region_count bigint, work_order_count bigint, call_count bigint, opened_date date,
    last_signal_date date, closed_date date, as_of_date date);
create table marts.fct_field_alert_days (
    alert_day_id varchar, alert_id varchar, alert_state varchar, is_signal boolean, observed_failures double,
    expected_failures double, vehicle_days double, rate_per_1000_vehicle_days double,
    baseline_per_1000_vehicle_days double, q_value double, activity_date date);
create table marts.fct_field_alert_failures (
    alert_failure_id varchar, alert_id varchar, failure_id varchar, vin varchar, work_order_id varchar,
    call_id varchar, model_code varchar, build_batch varchar, region_office varchar, route_type varchar,
    component varchar, fault_code varchar, has_work_order boolean, has_telematics boolean,
    work_order_category varchar, work_order_status varchar, fault_description varchar, failure_date date);
create table marts.fct_field_failure_rates_weekly (
    rate_week_id varchar, model_code varchar, component varchar, region_office varchar,
    vehicles_in_service hugeint, vehicle_days hugeint, km_driven double, failure_count hugeint,
    failures_per_1000_vehicle_days double, week_start date);
create table marts.fct_resolved_cases (
    work_order_id varchar, vin varchar, work_order_category varchar, component varchar, fault_code varchar,
    fault_description varchar, resolution varchar, created_date date, resolved_date date,
    created_at timestamp, resolved_at timestamp);
create table marts.fct_driving_behaviour (
    vin varchar, customer_id varchar, model_code varchar, route_type varchar, driving_peer_percentile double,
    harsh_braking_vs_peers double, over_speed_vs_peers double, fuel_vs_peers double);
create table marts.fct_similar_case_terms (
    case_term_id varchar, term varchar, work_order_id varchar, weight double, idf double);
"""

ROWS = f"""
insert into marts.customer_profile values
    ('CU1', 'CRM1', 'person', '张伟', 'M', '北京', 'retail', 2, '138****8000', null, 2, 2, null, 3, 3,
     '2026-03-30 09:00:00', 0, 0, null, 1, 1000.5, null, true, '2024-01-05 08:00:00'),
    ('CU2', 'CRM3', 'fleet', '顺达物流', null, '天津', 'fleet', 1, '139****9000', null, 1, 1, null, 1, 1,
     '2026-03-31 10:00:00', 1, 1, null, 0, 0, null, false, '2023-06-01 08:00:00'),
    ('CU3', 'CRM4', 'person', '张伟强', 'M', '上海', 'retail', 1, null, null, 0, 0, null, 0, 0,
     null, 0, 0, null, 0, 0, null, false, '2025-02-01 08:00:00');
insert into marts.dim_customer_phones values
    ('P1', 'CU1', '{PHONE_1}', '138****8000', 'mobile', 'mobile', true, null, true, now()),
    ('P2', 'CU1', '{SWITCHBOARD}', '106***9988', 'landline', 'office', false, 'switchboard', false, now()),
    ('P3', 'CU2', '{PHONE_2}', '139****9000', 'mobile', 'mobile', true, null, true, now()),
    ('P4', 'CU2', '{SWITCHBOARD}', '106***9988', 'landline', 'office', false, 'switchboard', false, now());
insert into marts.customer_aliases values ('CU9', 'CU1', '2026-02-01 00:00:00');
insert into marts.dim_vehicles values
    ('{VIN_A}', 'CU1', 'J6P', '解放J6P 牵引车', 'J6P-2412', 'diesel', 'long', 1, false, '2024-12-01', '2025-01-10'),
    ('{VIN_B}', 'CU1', 'JK6', '解放JK6 载货车', 'JK6-2509', 'diesel', 'city', 2, false, '2025-09-01', '2026-02-15'),
    ('{VIN_C}', 'CU2', 'J6L', '解放J6L 载货车', 'J6L-2508', 'diesel', 'city', 1, false, '2025-08-01', '2025-10-20'),
    ('UNKNOWN', 'UNKNOWN', null, null, null, null, null, 0, true, null, null);
insert into marts.fct_telematics_daily values
    ('T1', '{VIN_A}', 'CU1', 10, 400, 100, 8, 90, 2, 0, 0, 2, 1, '2026-03-30'),
    ('T2', '{VIN_A}', 'CU1', 10, 600, 150, 9, 88, 0, 0, 0, 0, 0, '2026-03-31');
insert into marts.fct_calls values
    ('C1', 'CU1', 'inbound', 'repair', 'resolved', true, 12, 300, 5, '2026-03-28 09:00:00'),
    ('C2', 'CU1', 'inbound', 'repair', 'resolved', true, 8, 200, null, '2026-03-29 09:00:00'),
    ('C3', 'CU1', 'inbound', 'sales', 'abandoned', false, 40, 0, null, '2026-03-30 09:00:00'),
    ('C4', 'CU2', 'inbound', 'rescue', 'resolved', true, 5, 600, 4, '2026-03-31 10:00:00'),
    ('C5', 'UNKNOWN', 'inbound', 'sales', 'resolved', true, 5, 60, null, '2026-03-31 11:00:00');
insert into marts.fct_work_orders values
    ('W1', 'CU2', '{VIN_C}', 'repair', 'P2', 'on_site', true, 'turbocharger', '102-18',
     '2026-03-30 08:00:00', '2026-03-31 09:00:00', '2026-03-31 08:00:00'),
    ('W2', 'CU1', '{VIN_A}', 'repair', 'P3', 'closed', false, 'brakes', '521-3',
     '2026-03-01 08:00:00', '2026-03-02 09:00:00', '2026-03-03 08:00:00');
insert into marts.fct_work_order_stages values
    ('S1', 'W1', 'created', false, '2026-03-30 08:00:00'),
    ('S2', 'W1', 'on_site', true, '2026-03-31 07:00:00');
insert into marts.fct_customer_scores values
    ('CU1', '北京市', 'retail', '138****8000', 'active', 0.12, 'abandoned calls lately', 'recent repairs', null, 1.5, 6000, 'parts', 0.4),
    ('CU2', '天津市', 'fleet', '139****9000', 'at_risk', 0.61, 'calls to the complaints line', null, null, 3.0, 20000, 'parts', 0.7),
    ('CU3', '上海市', 'retail', null, 'new', 0.05, null, null, null, 0.4, 1500, 'parts', 0.9);
insert into marts.fct_cross_sell_propensities values
    ('X1', 'CU1', 'parts', false, 0.4, 6000, 2400, 1),
    ('X2', 'CU2', 'parts', false, 0.7, 20000, 14000, 1),
    ('X3', 'CU3', 'parts', false, 0.9, 1500, 1350, 1),
    ('X4', 'CU1', 'financing', true, 0.2, 6000, 1200, null);
-- CU1 may be sent sms marketing; CU2 withdrew it; CU3 granted it but opted out of
-- personalised marketing (PIPL art. 24): only CU1 may appear on an sms list
insert into marts.fct_consents values
    ('K1', 'CU1', 'CRM1', 'sms', 'marketing', 'granted', true, 'contract', 1, '2025-01-05 08:00:00'),
    ('K2', 'CU1', 'CRM1', 'phone', 'service', 'granted', true, 'contract', 1, '2025-01-05 08:00:00'),
    ('K3', 'CU2', 'CRM3', 'sms', 'marketing', 'withdrawn', false, 'app', 2, '2025-06-01 08:00:00'),
    ('K4', 'CU3', 'CRM4', 'sms', 'marketing', 'granted', true, 'crm', 1, '2025-02-01 08:00:00'),
    ('K5', 'CU3', 'CRM4', 'wechat', 'personalised_marketing', 'withdrawn', false, 'crm', 2, '2026-03-02 08:00:00'),
    ('K6', 'CU1', 'CRM1', 'phone', 'marketing', 'granted', true, 'crm', 1, '2025-01-01 08:00:00');
insert into marts.ops_watermark values ('ops', 0, 0);
insert into intermediate.int_crm_customers_resolved values
    ('CRM1', 'CU1', 'CRM1', now()), ('CRM2', 'CU1', 'CRM1', now()), ('CRM3', 'CU2', 'CRM3', now()),
    ('CRM4', 'CU3', 'CRM4', now());
insert into marts.fct_field_alerts values
    ('FA-J6P-aftertreatment-ALL-20260320', 'model', 'J6P', 'aftertreatment', null, 'new', 'high', 7, 12, 2.0,
     6.0, 6.0, 1e-6, 1e-4, 12, 1, 1, 1, 1, 1, '2026-03-20', '2026-03-31', null, '2026-03-31');
insert into marts.fct_field_alert_days values
    ('D1', 'FA-J6P-aftertreatment-ALL-20260320', 'new', true, 12, 2.0, 7000, 1.71, 0.29, 1e-4, '2026-03-31');
insert into marts.fct_field_alert_failures values
    ('F1', 'FA-J6P-aftertreatment-ALL-20260320', '{VIN_A}|aftertreatment|1', '{VIN_A}', 'W2', 'C1', 'J6P',
     'J6P-2412', '华北服务中心', 'long_haul', 'aftertreatment', '4364-18', true, true, 'repair', 'closed',
     '司机反映：尿素故障灯亮，发动机限扭', '2026-03-21');
insert into marts.fct_field_failure_rates_weekly values
    ('R1', 'J6P', 'aftertreatment', '华北服务中心', 1, 7, 500.5, 1, 142.9, '2026-03-16');
insert into marts.fct_resolved_cases values
    ('W2', '{VIN_A}', 'repair', 'brakes', '117-1', '司机反映：制动气压低报警，刹车发软', '制动管路漏气，更换漏气管接头',
     '2026-03-01', '2026-03-02', '2026-03-01 08:00:00', '2026-03-02 08:00:00'),
    ('W3', '{VIN_B}', 'repair', 'aftertreatment', '4364-18', '客户报修：尿素故障灯亮，发动机限扭', '更换SCR催化器',
     '2026-03-03', '2026-03-04', '2026-03-03 08:00:00', '2026-03-04 08:00:00');
insert into marts.fct_driving_behaviour values
    ('{VIN_A}', 'CU1', 'J6P', 'long_haul', 0.75, 1.5, 0.5, 1.02);
insert into marts.fct_similar_case_terms values
    ('t1', '气压', 'W2', 0.6, 2.0), ('t2', '刹车', 'W2', 0.5, 2.0), ('t3', '发软', 'W2', 0.4, 2.0),
    ('t4', '尿素', 'W3', 0.6, 2.0), ('t5', '限扭', 'W3', 0.5, 2.0), ('t6', '故障灯', 'W3', 0.3, 1.5);
"""


# Contact-centre KPI and forecast marts (docs/contact_center.md): their columns as dbt builds them.
CONTACT_CENTER_SCHEMA = """
create table marts.fct_queue_intervals (queue_interval_id varchar, queue_name varchar, interval_date date, half_hour_of_day integer, interval_start_at timestamp, offered_calls bigint, answered_calls bigint, abandoned_calls bigint, short_abandoned_calls bigint, transferred_calls bigint, answering_agents bigint, answered_within_service_level_calls bigint, service_level_base_calls bigint, service_level double, counted_abandoned_calls bigint, abandon_rate double, answered_wait_seconds bigint, average_speed_of_answer_seconds double, handle_seconds bigint, average_handle_seconds double, staffed_seconds bigint, occupancy double);
create table marts.fct_queue_days (queue_day_id varchar, queue_name varchar, call_date date, offered_calls bigint, answered_calls bigint, abandoned_calls bigint, short_abandoned_calls bigint, transferred_calls bigint, answered_within_service_level_calls bigint, service_level_base_calls bigint, service_level double, counted_abandoned_calls bigint, abandon_rate double, answered_wait_seconds bigint, average_speed_of_answer_seconds double, handle_seconds bigint, average_handle_seconds double, staffed_seconds bigint, occupancy double, first_contact_resolved_calls bigint, fcr_eligible_calls bigint, first_contact_resolution double, satisfied_responses bigint, survey_responses bigint, csat double);
create table marts.fct_agent_days (agent_day_id varchar, agent_id varchar, call_date date, handled_calls bigint, handle_seconds bigint, average_handle_seconds double, first_contact_resolved_calls bigint, fcr_eligible_calls bigint, first_contact_resolution double, satisfied_responses bigint, survey_responses bigint, csat double);
create table marts.fct_work_order_sla (work_order_id varchar, work_order_category varchar, work_order_priority varchar, region_office varchar, work_order_status varchar, sla_hours bigint, is_open boolean, is_resolved boolean, is_sla_met boolean, is_sla_breached boolean, is_reopened boolean, has_callback boolean, is_callback_satisfied boolean, callback_score bigint, created_hours double, dispatched_hours double, accepted_hours double, on_site_hours double, resolved_to_closed_hours double, hours_to_resolve double, sla_share_used double, created_date date, resolved_date date, created_at timestamp, sla_due_at timestamp, first_resolved_at timestamp, as_of_at timestamp);
create table marts.fct_work_order_days (work_order_day_id varchar, region_office varchar, work_order_category varchar, work_order_priority varchar, activity_date date, created_work_orders bigint, resolved_work_orders bigint, backlog_work_orders bigint, resolved_within_sla_work_orders bigint, sla_compliance double, resolve_hours double, average_resolve_hours double, reopened_work_orders bigint, reopen_rate double, callback_satisfied_responses bigint, callback_responses bigint, callback_satisfaction double);
create table marts.fct_scorecards (scope_level varchar, scope_id varchar, week_start_date date, kpi_name varchar, kpi_position integer, team varchar, queue_name varchar, is_higher_better boolean, numerator double, denominator double, kpi_value double, target_value double, is_target_met boolean, previous_kpi_value double, trend varchar);
create table marts.fct_qa_samples (call_id varchar, agent_id varchar, customer_id varchar, week_start_date date, queue_name varchar, sample_reason varchar, sample_rank bigint, required_reviews bigint, is_reviewed boolean, reviewer_id varchar, qa_scores varchar, qa_points bigint, qa_possible_points bigint, qa_score double, call_started_at timestamp, reviewed_at timestamp);
create table marts.fct_arrival_profile (queue_name varchar, weekday integer, half_hour_of_day integer, offered_calls bigint, observed_days bigint, arrivals_per_day double);
create table marts.fct_abandonment_days (call_date date, queue_name varchar, ivr_path varchar, wait_band varchar, offered_calls bigint, answered_calls bigint, abandoned_calls bigint, short_abandoned_calls bigint, counted_abandoned_calls bigint, service_level_base_calls bigint, callback_requests bigint, abandon_rate double);
create table marts.fct_ivr_days (call_date date, ivr_path varchar, ivr_calls bigint, ivr_ended_calls bigint, ivr_followable_calls bigint, ivr_contained_calls bigint, ivr_containment double);
create table marts.fct_queue_operations_days (queue_name varchar, call_date date, outbound_attempts bigint, outbound_connects bigint, callback_requests bigint, fcr_closed_calls bigint, first_contact_resolved_closed_calls bigint, tier1_resolved_calls bigint, outbound_connect_rate double, callback_completion double, first_contact_resolution_closed double, tier1_resolution double);
create table marts.fct_region_workload (region_office varchar, engineers_on_duty bigint, open_work_orders bigint, unassigned_work_orders bigint, overdue_work_orders bigint, open_created bigint, open_dispatched bigint, open_accepted bigint, open_on_site bigint, open_reopened bigint, open_work_orders_per_engineer double, as_of_at timestamp);
create table marts.fct_queue_interval_forecasts (queue_interval_id varchar, queue_name varchar, forecast_kind varchar, model_name varchar, interval_date date, half_hour_of_day integer, interval_start_at timestamp, trained_through timestamp, forecast_calls double, seasonal_naive_calls double, actual_calls bigint, aht_seconds double, agents_required integer, agents_scheduled integer, expected_service_level double, expected_occupancy double, answering_agents bigint, staffing_gap_agents bigint);
create table marts.fct_forecast_accuracy (forecast_run_id varchar, model_name varchar, held_out_weeks integer, held_out_intervals bigint, held_out_calls bigint, held_out_first_date date, held_out_last_date date, trained_through timestamp, evaluated_at timestamp, model_wape double, model_mape double, seasonal_naive_wape double, seasonal_naive_mape double, wape_improvement double);
"""

# Service on 2026-03-30: 100 offered, 4 short abandons, 72 of 96 within 20 s; 2026-03-31:
# 50 offered, 45 of 50. Repair on 2026-03-31: 10 offered, 5 of 10. The forecast of
# 2026-04-01 09:00 Beijing is the Erlang C reference: 100 calls, AHT 180 s.
CONTACT_CENTER_ROWS = """
insert into marts.fct_queue_days (queue_day_id, queue_name, call_date, offered_calls, answered_calls, abandoned_calls,
    short_abandoned_calls, transferred_calls, answered_within_service_level_calls, service_level_base_calls,
    counted_abandoned_calls, answered_wait_seconds, handle_seconds, staffed_seconds, first_contact_resolved_calls,
    fcr_eligible_calls, satisfied_responses, survey_responses) values
    ('service|2026-03-30', 'service', '2026-03-30', 100, 90, 10, 4, 0, 72, 96, 6, 1800, 27000, 54000, 40, 50, 8, 10),
    ('service|2026-03-31', 'service', '2026-03-31', 50, 48, 2, 0, 1, 45, 50, 2, 480, 14400, 28800, 30, 40, 3, 5),
    ('repair|2026-03-31', 'repair', '2026-03-31', 10, 10, 0, 0, 0, 5, 10, 0, 300, 6000, 7200, 5, 10, 1, 2);
insert into marts.fct_queue_intervals (queue_interval_id, queue_name, interval_date, half_hour_of_day, interval_start_at,
    offered_calls, answered_calls, abandoned_calls, short_abandoned_calls, transferred_calls, answering_agents,
    answered_within_service_level_calls, service_level_base_calls, counted_abandoned_calls, answered_wait_seconds,
    handle_seconds, staffed_seconds) values
    ('service|2026-03-31 01:00:00', 'service', '2026-03-31', 18, '2026-03-31 01:00:00', 20, 19, 1, 1, 0, 4, 18, 19, 0,
     95, 5700, 7200);
insert into marts.fct_queue_interval_forecasts (queue_interval_id, queue_name, forecast_kind, model_name, interval_date,
    half_hour_of_day, interval_start_at, trained_through, forecast_calls, aht_seconds, agents_required,
    agents_scheduled, expected_service_level, expected_occupancy) values
    ('service|2026-04-01 01:00:00', 'service', 'future', 'hgb_poisson_v1', '2026-04-01', 18, '2026-04-01 01:00:00',
     '2026-03-31 16:00:00', 100.0, 180.0, 14, 20, 0.888, 0.714),
    ('service|2026-04-01 01:30:00', 'service', 'future', 'hgb_poisson_v1', '2026-04-01', 19, '2026-04-01 01:30:00',
     '2026-03-31 16:00:00', 0.0, 180.0, 0, 0, 1.0, 0.0);
insert into marts.fct_forecast_accuracy values
    ('hgb_poisson_v1|2026-03-31 16:00:00', 'hgb_poisson_v1', 4, 9408, 8837, '2026-03-04', '2026-03-31',
     '2026-03-31 16:00:00', '2026-03-31 16:05:00', 0.65, 0.53, 0.83, 0.78, 0.2168674698795181);
insert into marts.fct_region_workload values ('华北服务中心', 3, 6, 1, 2, 1, 1, 2, 1, 1, 2.0, '2026-03-31 10:00:00');
"""
SCHEMA += CONTACT_CENTER_SCHEMA
ROWS += CONTACT_CENTER_ROWS

# Scorecards and the QA sample of the week of Monday 2026-03-30 (docs/contact_center.md
# "Scorecards"): team service-1 (agents A1, A2) and agent A1; A1's sample has two calls, one
# reviewed by SUP01 (greeting 5, resolution 3: 8 of 10 points), A2's one call is not reviewed.
SCORECARD_ROWS = """
insert into marts.fct_scorecards values
    ('team', 'service-1', '2026-03-30', 'answered_service_level', 1, 'service-1', 'service', true, 45, 50, 0.9, 0.8,
     true, 0.7, 'better'),
    ('team', 'service-1', '2026-03-30', 'average_handle_seconds', 2, 'service-1', 'service', false, 14400, 48, 300,
     360, true, 280, 'worse'),
    ('team', 'service-1', '2026-03-30', 'qa_score', 5, 'service-1', 'service', true, 8, 10, 0.8, 0.85, false,
     null, null),
    ('team', 'service-1', '2026-03-23', 'answered_service_level', 1, 'service-1', 'service', true, 35, 50, 0.7, 0.8,
     false, null, null),
    ('agent', 'A1', '2026-03-30', 'answered_service_level', 1, 'service-1', 'service', true, 20, 25, 0.8, 0.8,
     true, null, null),
    ('site', 'beijing', '2026-03-30', 'csat', 4, '*', '*', true, 0, 0, null, 0.75, null, null, null);
insert into marts.fct_qa_samples values
    ('CQA1', 'A1', 'CU1', '2026-03-30', 'service', 'new_agent', 1, 5, true, 'SUP01', 'greeting=5;resolution=3', 8, 10,
     0.8, '2026-03-30 02:00:00', '2026-03-31 03:00:00'),
    ('CQA2', 'A1', 'CU2', '2026-03-30', 'service', 'new_agent', 2, 5, false, null, null, null, null, null,
     '2026-03-31 05:00:00', null),
    ('CQA3', 'A2', 'CU1', '2026-03-30', 'repair', 'standard', 1, 1, false, null, null, null, null, null,
     '2026-04-01 06:00:00', null);
"""
ROWS += SCORECARD_ROWS

# The marketing loop (docs/marketing.md "Attribution"): offers and their conversions, as
# fct_offer_conversions holds them. Campaign spring: two sms offers of parts (one converted,
# 800 CNY) and one phone offer; no campaign: one declined financing offer.
MARKETING_SCHEMA = """
create table marts.fct_offer_conversions (
    offer_response_id varchar, customer_id varchar, campaign_id varchar, converted_purchase_id varchar,
    product varchar, offer_channel varchar, offer_response varchar, is_converted boolean,
    conversion_amount_cny decimal(38, 6), days_to_conversion bigint, offer_date date, offered_at timestamp,
    converted_at timestamp);
"""
MARKETING_ROWS = """
insert into marts.fct_offer_conversions values
    ('O1', 'CU1', 'spring', 'PU1', 'parts', 'sms', 'accepted', true, 800, 9, '2026-03-01', '2026-03-01 02:00:00',
     '2026-03-10 02:00:00'),
    ('O2', 'CU2', 'spring', null, 'parts', 'sms', 'not_now', false, 0, null, '2026-03-02', '2026-03-02 02:00:00', null),
    ('O3', 'CU3', 'spring', null, 'parts', 'phone', 'accepted', false, 0, null, '2026-03-03', '2026-03-03 02:00:00', null),
    ('O4', 'CU1', 'none', null, 'financing', 'unknown', 'declined', false, 0, null, '2026-03-04', '2026-03-04 02:00:00',
     null);
"""
SCHEMA += MARKETING_SCHEMA
ROWS += MARKETING_ROWS

# Sales leads (docs/marketing.md "Sales leads"), as fct_leads holds them: LD1 a prospect; LD2
# customer CU1 (phone marketing granted); LD3 customer CU3 (opted out of personalised
# marketing); LD4 did not agree to a call-back; LD5 left an unusable number; LD6 already won;
# LD7 LD1's repeat.
LEADS_SCHEMA = """
create table marts.fct_leads (
    lead_id varchar, first_lead_id varchar, customer_id varchar, phone_e164 varchar, email_normalised varchar,
    is_first_of_person boolean, matched_on varchar, lead_source varchar, lead_name varchar, phone_kind varchar,
    is_phone_valid boolean, province varchar, city varchar, lead_interest varchar, fleet_size bigint,
    has_contact_consent boolean, relationship varchar, fleet_size_band varchar, age_band varchar, lead_status varchar,
    person_lead_count bigint, lead_score double, created_at timestamp, status_at timestamp);
"""
LEADS_ROWS = """
insert into marts.fct_leads values
    ('LD1', 'LD1', null, '+8613700137001', null, true, null, 'referral', '刘洋', 'mobile', true, '山东省', '济南',
     'new_vehicle', 12, true, 'prospect', '10_or_more', 'within_7_days', 'new', 2, 0.8, '2026-03-28 02:00:00', null),
    ('LD2', 'LD2', 'CU1', '+8613800138000', null, true, 'phone', 'dealer_event', '张伟', 'mobile', true, '山东省', '济南',
     'financing', 2, true, 'customer', 'under_3', 'within_30_days', 'new', 1, 0.7, '2026-03-20 02:00:00', null),
    ('LD3', 'LD3', 'CU3', '+8613600136003', null, true, 'phone', 'referral', '王芳', 'mobile', true, '河北省', '石家庄',
     'new_vehicle', 30, true, 'customer', '10_or_more', 'within_7_days', 'new', 1, 0.9, '2026-03-29 02:00:00', null),
    ('LD4', 'LD4', null, '+8613500135004', null, true, null, 'website', '陈静', 'mobile', true, '江苏省', '苏州',
     'parts', null, false, 'prospect', 'under_3', 'within_7_days', 'new', 1, 0.6, '2026-03-27 02:00:00', null),
    ('LD5', 'LD5', null, null, null, true, null, 'referral', '赵磊', null, false, '江苏省', '苏州',
     'new_vehicle', 40, true, 'prospect', '10_or_more', 'within_7_days', 'new', 1, 0.95, '2026-03-30 02:00:00', null),
    ('LD6', 'LD6', null, '+8613300133006', null, true, null, 'hotline', '孙丽', 'mobile', true, '山东省', '青岛',
     'parts', 1, true, 'prospect', 'under_3', 'older', 'won', 1, 0.5, '2026-02-01 02:00:00', '2026-02-10 02:00:00'),
    ('LD7', 'LD1', null, '+8613700137001', null, false, null, 'website', '刘洋', 'mobile', true, '山东省', '济南',
     'new_vehicle', 12, true, 'prospect', '10_or_more', 'within_7_days', 'new', 2, 0.6, '2026-03-29 02:00:00', null);
"""
SCHEMA += LEADS_SCHEMA
ROWS += LEADS_ROWS
# CU1's identity history: CU9 merged into it, then a steward's always-link of its two
# records (docs/identity.md "Stewardship"); CU2 has none
IDENTITY_SCHEMA = """
create table marts.identity_history (
    history_entry_id varchar, customer_id varchar, from_customer_id varchar, to_customer_id varchar,
    override_id varchar, left_crm_customer_id varchar, right_crm_customer_id varchar, author_id varchar,
    change_kind varchar, link_rule varchar, change_reason varchar, crm_record_count bigint, changed_at timestamp);
"""
IDENTITY_ROWS = """
insert into marts.identity_history values
    ('H1', 'CU1', 'CU9', 'CU1', null, null, null, null, 'merged', null, 'phone', 1, '2026-02-01 00:00:00'),
    ('H2', 'CU1', null, null, 'OV0000000000001', 'CRM1', 'CRM2', 'ST001', 'override_added', 'always_link',
     'same person, registered by two dealers', 2, '2026-02-03 10:00:00');
"""
SCHEMA += IDENTITY_SCHEMA
ROWS += IDENTITY_ROWS


TRANSFORMS = Path(__file__).resolve().parents[2] / "transforms"

# The service history (W2 closed, resolved by engineer E07 with a callback), fault events
# (VIN_A's DPF fault active, VIN_B's coolant fault raised and cleared) and the real seeds.
SERVICE = f"""
alter table marts.fct_work_orders add column first_resolved_at timestamp;
alter table marts.fct_work_orders add column last_closed_at timestamp;
alter table marts.fct_work_orders add column sla_hours integer;
alter table marts.fct_work_orders add column is_sla_met boolean;
alter table marts.fct_work_orders add column hours_to_resolve double;
alter table marts.fct_work_orders add column reopen_count integer;
alter table marts.fct_work_orders add column callback_score integer;
update marts.fct_work_orders set first_resolved_at = '2026-03-02 08:00:00', last_closed_at = '2026-03-02 09:00:00',
    sla_hours = 48, is_sla_met = true, hours_to_resolve = 24.0, reopen_count = 0, callback_score = 5
    where work_order_id = 'W2';
alter table marts.fct_work_order_stages add column transition_seq integer;
alter table marts.fct_work_order_stages add column engineer_id varchar;
insert into marts.fct_work_order_stages values ('S3', 'W2', 'resolved', false, '2026-03-02 08:00:00', 3, 'E07');
-- an older consultation of CU1, closed without a callback: a second page of history
insert into marts.fct_work_orders values
    ('W4', 'CU1', '{VIN_B}', 'consultation', 'P4', 'closed', false, null, null,
     '2026-02-10 08:00:00', '2026-02-10 12:00:00', '2026-02-12 08:00:00',
     '2026-02-10 11:00:00', '2026-02-10 12:00:00', 48, true, 3.0, 0, null);
create schema staging;
create table staging.stg_telematics__events (
    event_id varchar, vin varchar, event_type varchar, spn bigint, fmi bigint, event_at timestamp);
insert into staging.stg_telematics__events values
    ('E1', '{VIN_A}', 'fault_raised', 3251, 0, '2026-03-30 06:00:00'),
    ('E2', '{VIN_B}', 'fault_raised', 110, 0, '2026-03-29 06:00:00'),
    ('E3', '{VIN_B}', 'fault_cleared', 110, 0, '2026-03-29 08:00:00');
create schema reference;
create table reference.fault_codes as select * from read_csv('{TRANSFORMS / "seeds" / "fault_codes.csv"}');
create table reference.field_alert_agent_scripts as
    select * from read_csv('{TRANSFORMS / "seeds" / "field_alert_agent_scripts.csv"}');
"""


# The knowledge base (docs/agent_desk.md): KB0001 for VIN_A's active DPF fault (model J6P),
# KB0002 published then edited as a draft (version 2), KB0003 on brakes, KB0009 a draft only.
KNOWLEDGE = """
create table marts.fct_knowledge_article_versions (
    article_version_id varchar, article_id varchar, author_id varchar, ops_seq bigint, article_version bigint,
    is_latest_version boolean, is_first_version boolean, article_status varchar, article_title varchar,
    article_symptom varchar, fault_codes varchar, model_codes varchar, components varchar, article_steps varchar,
    written_at timestamp);
insert into marts.fct_knowledge_article_versions values
    ('KB0001|1', 'KB0001', 'RD0012', null, 1, true, true, 'published', 'DPF 压差过高：先判断能否驻车再生',
     '仪表 DPF 灯亮、发动机限扭', '3251-0', 'J6P|JH6', 'aftertreatment', '读取故障码' || chr(10) || '驻车再生',
     '2026-01-05 09:00:00'),
    ('KB0002|1', 'KB0002', 'RD0012', null, 1, false, true, 'published', 'SCR 转化效率低：尿素品质与喷嘴检查',
     '尿素故障灯亮、发动机限扭', '4364-18', 'J6P', 'aftertreatment', '检查尿素品质', '2026-01-12 09:00:00'),
    ('KB0002|2', 'KB0002', 'EN0107', 3, 2, true, false, 'draft', 'SCR 转化效率低（修订中）',
     '尿素故障灯亮', '4364-18', 'J6P', 'aftertreatment', '检查尿素品质' || chr(10) || '检查喷嘴', '2026-02-12 09:00:00'),
    ('KB0003|1', 'KB0003', 'EN0107', null, 1, true, true, 'published', '制动气压低报警：管路漏气排查',
     '制动气压低报警、刹车发软', '117-1', '', 'brakes', '靠边停车' || chr(10) || '检查管路', '2026-02-03 09:00:00'),
    ('KB0009|1', 'KB0009', 'EN0107', 4, 1, true, true, 'draft', 'DPF 草稿', 'DPF 灯亮', '3251-0', 'J6P',
     'aftertreatment', '未完成', '2026-02-20 09:00:00');
create table marts.fct_knowledge_contributions (
    contribution_id varchar, author_id varchar, articles_started bigint, versions_written bigint,
    published_versions bigint, articles_touched bigint, contribution_month date);
insert into marts.fct_knowledge_contributions values
    ('RD0012|2026-01-01', 'RD0012', 2, 2, 2, 2, '2026-01-01'),
    ('EN0107|2026-02-01', 'EN0107', 2, 3, 1, 3, '2026-02-01');
"""


# Dispatch (docs/dispatch.md). At 2026-03-31 06:00 UTC the 华北 office has E1001, E1002,
# E1003 and E1005 on duty (E1004's night shift ended at 00:00; E1005 starts at 06:00 sharp);
# E1002 carries W1 and W5, E1003 W6; W7 (turbocharger) and the consultation W8 are unassigned.
# The SLA worklist, most urgent first: W5 -120, W7 -60, W9 (华东) 10, W6 30, W1 80 minutes left.
NORTH, EAST = "华北服务中心", "华东服务中心"
DISPATCH = f"""
create table marts.fct_engineer_shifts (
    engineer_shift_id varchar, engineer_id varchar, region_office varchar, engineer_skills varchar,
    shift_minutes bigint, shift_started_at timestamp, shift_ended_at timestamp);
insert into marts.fct_engineer_shifts values
    ('E1001|a', 'E1001', '{NORTH}', 'brakes;engine', 720, '2026-03-31 00:00:00', '2026-03-31 12:00:00'),
    ('E1002|a', 'E1002', '{NORTH}', 'engine;turbocharger', 720, '2026-03-31 00:00:00', '2026-03-31 12:00:00'),
    ('E1003|a', 'E1003', '{NORTH}', 'turbocharger', 480, '2026-03-31 00:00:00', '2026-03-31 08:00:00'),
    ('E1004|a', 'E1004', '{NORTH}', 'turbocharger', 720, '2026-03-30 12:00:00', '2026-03-31 00:00:00'),
    ('E1005|a', 'E1005', '{NORTH}', 'cab', 720, '2026-03-31 06:00:00', '2026-03-31 18:00:00'),
    ('E2001|a', 'E2001', '{EAST}', 'engine', 720, '2026-03-31 00:00:00', '2026-03-31 12:00:00');
create table marts.fct_engineer_open_orders (
    work_order_id varchar, engineer_id varchar, region_office varchar, work_order_category varchar,
    work_order_priority varchar, work_order_status varchar, component varchar, fault_code varchar,
    created_at timestamp, sla_due_at timestamp);
insert into marts.fct_engineer_open_orders values
    ('W1', 'E1002', '{NORTH}', 'repair', 'P2', 'on_site', 'turbocharger', '102-18', '2026-03-30 08:00:00',
     '2026-03-31 08:00:00'),
    ('W5', 'E1002', '{NORTH}', 'repair', 'P3', 'accepted', 'turbocharger', null, '2026-03-29 08:00:00',
     '2026-03-31 08:00:00'),
    ('W6', 'E1003', '{NORTH}', 'rescue', 'P1', 'dispatched', 'engine', null, '2026-03-31 04:00:00',
     '2026-03-31 08:00:00'),
    ('W7', null, '{NORTH}', 'repair', 'P2', 'created', 'turbocharger', null, '2026-03-31 01:00:00',
     '2026-04-01 01:00:00'),
    ('W8', null, '{NORTH}', 'consultation', 'P4', 'created', null, null, '2026-03-31 05:00:00', null),
    ('W9', 'E2001', '{EAST}', 'repair', 'P2', 'accepted', 'engine', null, '2026-03-31 02:00:00', null);
create table marts.fct_work_order_stage_sla (
    stage_sla_id varchar, work_order_id varchar, transition_seq integer, sla_measure varchar,
    work_order_category varchar, work_order_priority varchar, region_office varchar, is_running boolean,
    sla_state varchar, target_minutes integer, elapsed_minutes double, started_at timestamp, finished_at timestamp,
    due_at timestamp, as_of_at timestamp);
insert into marts.fct_work_order_stage_sla values
    ('W7|created|1', 'W7', 1, 'created', 'repair', 'P2', '{NORTH}', true, 'breached', 240, 300, '2026-03-31 01:00:00',
     null, '2026-03-31 05:00:00', '2026-03-31 06:00:00'),
    ('W6|response|0', 'W6', 0, 'response', 'rescue', 'P1', '{NORTH}', true, 'at_risk', 150, 120,
     '2026-03-31 04:00:00', null, '2026-03-31 06:30:00', '2026-03-31 06:00:00'),
    ('W1|on_site|2', 'W1', 2, 'on_site', 'repair', 'P2', '{NORTH}', true, 'at_risk', 480, 400,
     '2026-03-30 23:20:00', null, '2026-03-31 07:20:00', '2026-03-31 06:00:00'),
    ('W5|resolve|0', 'W5', 0, 'resolve', 'repair', 'P3', '{NORTH}', true, 'breached', 2880, 3000,
     '2026-03-29 08:00:00', null, '2026-03-31 08:00:00', '2026-03-31 06:00:00'),
    ('W9|created|1', 'W9', 1, 'created', 'repair', 'P2', '{EAST}', true, 'at_risk', 240, 230,
     '2026-03-31 02:10:00', null, '2026-03-31 06:10:00', '2026-03-31 06:00:00'),
    ('W1|resolve|0', 'W1', 0, 'resolve', 'repair', 'P2', '{NORTH}', true, 'on_track', 1440, 1320,
     '2026-03-30 08:00:00', null, '2026-03-31 08:00:00', '2026-03-31 06:00:00'),
    ('W1|created|1', 'W1', 1, 'created', 'repair', 'P2', '{NORTH}', false, 'breached', 240, 300,
     '2026-03-30 08:00:00', '2026-03-30 13:00:00', '2026-03-30 12:00:00', '2026-03-31 06:00:00');
create table marts.fct_work_order_parts (
    work_order_part_id varchar, work_order_id varchar, transition_seq integer, engineer_id varchar,
    part_no varchar, warehouse varchar, region_office varchar, part_quantity integer, parts_used_at timestamp);
insert into marts.fct_work_order_parts values
    ('S3|1', 'W2', 3, 'E07', 'P-BRK-0003', '华北中心库', '{NORTH}', 2, '2026-03-02 08:00:00'),
    ('S3|2', 'W2', 3, 'E07', 'P-BRK-0100', '华北中心库', '{NORTH}', 1, '2026-03-02 08:00:00');
"""


def _serving_fingerprint() -> str:
    """Changes with the fixture rows and with any file of the serving models or macros."""
    digest = hashlib.sha256((SCHEMA + ROWS + SERVICE + KNOWLEDGE + DISPATCH).encode())
    for folder in ("models/serving", "models/marts/sales", "macros", "seeds"):
        for path in sorted((TRANSFORMS / folder).rglob("*")):
            if path.is_file():
                digest.update(path.name.encode() + path.read_bytes())
    digest.update((TRANSFORMS / "dbt_project.yml").read_bytes())
    return digest.hexdigest()[:16]


def _build_serving_views(path: Path) -> None:
    """`dbt run` of the real serving models (views) over the fixture marts at path, with the
    mart of the consent rule they read (fct_contactability, built from the fixture's consents)."""
    env = {**os.environ, "HUB_WAREHOUSE_PATH": str(path), "HUB_DBT_TARGET": "duckdb"}
    dbt = shutil.which("dbt") or str(Path(sys.executable).with_name("dbt"))
    with tempfile.TemporaryDirectory() as target:
        proc = subprocess.run(
            [dbt, "run", "--select", "path:models/serving", "fct_contactability", "--target-path", target, "--log-path", target,
             "--profiles-dir", str(TRANSFORMS), "--project-dir", str(TRANSFORMS), "--quiet"],
            env=env, capture_output=True, text=True, timeout=600,
        )
    if proc.returncode != 0:
        raise RuntimeError(f"dbt run of the serving models over the fixture marts failed:\n{proc.stdout}\n{proc.stderr}")


def _template(stem: str) -> Path:
    """The fixture warehouse with its serving views, built once per fingerprint and reused
    (copied) by every test. Views name their database, which DuckDB takes from the file's
    stem, so the template carries the stem of the file it is copied to."""
    folder = Path(tempfile.gettempdir()) / f"cs-hub-fixture-warehouse-{_serving_fingerprint()}"
    folder.mkdir(exist_ok=True)
    template = folder / f"{stem}.duckdb"
    with FileLock(str(folder / f"{stem}.lock"), timeout=900):
        if not template.exists():
            building = folder / "building" / f"{stem}.duckdb"
            building.parent.mkdir(exist_ok=True)
            building.unlink(missing_ok=True)
            with duckdb.connect(str(building)) as con:
                con.execute(SCHEMA)
                con.execute(ROWS)
                con.execute(SERVICE)
                con.execute(KNOWLEDGE)
                con.execute(DISPATCH)
            _build_serving_views(building)
            building.replace(template)
    return template


def make_warehouse(path: Path, extra_sql: str = "") -> Path:
    """Write the fixture warehouse at path (replacing it): the marts above and the real
    serving views over them; extra_sql runs last to break it (the views see the change)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    shutil.copyfile(_template(path.stem), path)
    if extra_sql:
        with duckdb.connect(str(path)) as con:
            con.execute(extra_sql)
    return path
