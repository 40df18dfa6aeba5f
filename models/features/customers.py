"""One row per customer as the hub knew them on the morning of a cut-off date.

Every event counts only if it happened strictly before the cut-off (calls by call_date,
work orders by created_date, purchases by purchase_date, telematics by activity_date), so
a model trained at one cut-off and scored at a later one never sees its own future.
Recent events weigh more: "decayed" counts sum exp(-age/τ) over events, τ in days.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd

# after-sales products a customer can be offered (vehicles are sold by dealers, not by us)
from hub.vocabulary import PRODUCTS

SERVICE_TAU_DAYS = 60
REPAIR_TAU_DAYS = 90

_SQL = """
with customers as (
    select customer_id, customer_type, segment, first_registered_at
    from {m}.dim_customers
    where not is_unknown_member and cast(first_registered_at as date) < $as_of
),
owned as (
    select o.customer_id, count(*) as vehicle_count,
        avg(datediff('day', v.build_date, $as_of)) / 365.25 as vehicle_age_years,
        -- ages at which maintenance (1..6 years) and extended warranties (1.5..4 years) sell best
        count(*) filter (where datediff('day', v.build_date, $as_of) between 365 and 6 * 365) as vehicles_1_6_years,
        count(*) filter (where datediff('day', v.build_date, $as_of) between 548 and 4 * 365) as vehicles_1_5_4_years
    from {m}.dim_vehicle_ownerships o
    join {m}.dim_vehicles v on v.vin = o.vin
    where o.owned_from < $as_of and (o.owned_to is null or o.owned_to >= $as_of)
    group by o.customer_id
),
calls as (
    select customer_id,
        count(*) filter (where call_date >= $as_of - 30) as calls_30d,
        count(*) filter (where call_date >= $as_of - 90) as calls_90d,
        sum(exp(-datediff('day', call_date, $as_of) / {tau}) * case when is_abandoned then 1 else 0 end)
            as abandoned_decayed,
        sum(exp(-datediff('day', call_date, $as_of) / {tau}) * case when survey_score <= 2 then 1 else 0 end)
            as low_survey_decayed,
        sum(exp(-datediff('day', call_date, $as_of) / {tau})
            * case when final_queue_name = 'complaints' or first_queue_name = 'complaints' then 1 else 0 end)
            as complaint_calls_decayed,
        avg(survey_score) as mean_survey_score,
        avg(queue_wait_seconds) filter (where is_answered) as mean_wait_seconds
    from {m}.fct_calls
    where call_date < $as_of and customer_id is not null and customer_id <> 'UNKNOWN'
    group by customer_id
),
work_orders as (
    select customer_id,
        sum(exp(-datediff('day', created_date, $as_of) / {repair_tau})
            * case when work_order_category in ('repair', 'rescue') then 1 else 0 end) as repairs_decayed,
        sum(exp(-datediff('day', created_date, $as_of) / {tau})
            * case when work_order_category = 'complaint' then 1 else 0 end) as complaint_orders_decayed,
        count(*) filter (where not is_sla_met and created_date >= $as_of - 90) as sla_breaches_90d,
        count(*) filter (where callback_score <= 2 and created_date >= $as_of - 90) as low_callbacks_90d
    from {m}.fct_work_orders
    where created_date < $as_of and customer_id is not null and customer_id <> 'UNKNOWN'
    group by customer_id
),
driving as (
    select customer_id,
        sum(km_driven) filter (where activity_date >= $as_of - 30) as km_30d,
        sum(km_driven) filter (where activity_date >= $as_of - 60 and activity_date < $as_of - 30) as km_prev_30d,
        count(distinct activity_date) filter (where activity_date >= $as_of - 30) as active_days_30d
    from {m}.fct_telematics_daily
    where activity_date < $as_of and customer_id is not null
    group by customer_id
),
purchases as (
    select customer_id,
        {holdings},
        count(*) filter (where product <> 'vehicle' and purchase_date >= $as_of - 365) as purchases_365d,
        coalesce(sum(amount_cny) filter (where product not in ('vehicle', 'financing')
            and purchase_date >= $as_of - 365), 0) as after_sales_spend_365d,
        datediff('day', max(purchase_date), $as_of) as days_since_purchase,
        datediff('day', list_sort(list(distinct purchase_date), 'DESC')[2], max(purchase_date))
            as previous_purchase_gap_days
    from {m}.fct_purchases
    where purchase_date < $as_of
    group by customer_id
)
select
    c.customer_id,
    cast(c.customer_type = 'fleet' as integer) as is_fleet,
    cast(c.segment in ('vip', 'large_fleet') as integer) as is_key_account,
    datediff('day', cast(c.first_registered_at as date), $as_of) / 365.25 as tenure_years,
    coalesce(o.vehicle_count, 0) as vehicle_count,
    coalesce(o.vehicle_age_years, 0) as vehicle_age_years,
    ln(1 + coalesce(o.vehicle_count, 0)) as log_vehicle_count,
    ln(1 + coalesce(o.vehicles_1_6_years, 0)) as log_vehicles_1_6_years,
    ln(1 + coalesce(o.vehicles_1_5_4_years, 0)) as log_vehicles_1_5_4_years,
    coalesce(k.calls_30d, 0) as calls_30d,
    coalesce(k.calls_90d, 0) as calls_90d,
    coalesce(k.abandoned_decayed, 0) as abandoned_decayed,
    coalesce(k.low_survey_decayed, 0) as low_survey_decayed,
    coalesce(k.complaint_calls_decayed, 0) as complaint_calls_decayed,
    coalesce(k.mean_survey_score, 4) as mean_survey_score,
    coalesce(k.mean_wait_seconds, 0) as mean_wait_seconds,
    coalesce(w.repairs_decayed, 0) as repairs_decayed,
    coalesce(w.complaint_orders_decayed, 0) as complaint_orders_decayed,
    coalesce(w.sla_breaches_90d, 0) as sla_breaches_90d,
    coalesce(w.low_callbacks_90d, 0) as low_callbacks_90d,
    coalesce(d.km_30d, 0) as km_30d,
    coalesce(d.active_days_30d, 0) as active_days_30d,
    case when d.km_prev_30d > 0 then least(d.km_30d / d.km_prev_30d, 3) else 1 end as km_trend,
    {holding_columns},
    coalesce(p.purchases_365d, 0) as purchases_365d,
    coalesce(p.after_sales_spend_365d, 0) as after_sales_spend_365d,
    coalesce(p.days_since_purchase, 3650) as days_since_purchase,
    coalesce(p.previous_purchase_gap_days, 0) as previous_purchase_gap_days
from customers c
left join owned o on o.customer_id = c.customer_id
left join calls k on k.customer_id = c.customer_id
left join work_orders w on w.customer_id = c.customer_id
left join driving d on d.customer_id = c.customer_id
left join purchases p on p.customer_id = c.customer_id
order by c.customer_id
"""

_HOLDINGS = ",\n        ".join(
    f"max(case when product = '{p}' and (coverage_ends_on is null or coverage_ends_on >= $as_of) "
    f"and purchase_date >= $as_of - 365 * 3 then 1 else 0 end) as holds_{p}"
    for p in PRODUCTS
)
_HOLDING_COLUMNS = ",\n    ".join(f"coalesce(p.holds_{p}, 0) as holds_{p}" for p in PRODUCTS)

FEATURES = (
    "is_fleet", "is_key_account", "tenure_years", "vehicle_count", "vehicle_age_years", "log_vehicle_count",
    "log_vehicles_1_6_years", "log_vehicles_1_5_4_years", "calls_30d", "calls_90d", "abandoned_decayed",
    "low_survey_decayed", "complaint_calls_decayed", "mean_survey_score", "mean_wait_seconds",
    "repairs_decayed", "complaint_orders_decayed", "sla_breaches_90d", "low_callbacks_90d", "km_30d",
    "active_days_30d", "km_trend", *(f"holds_{p}" for p in PRODUCTS), "purchases_365d", "after_sales_spend_365d",
    "days_since_purchase", "previous_purchase_gap_days",
)


def data_end(con: duckdb.DuckDBPyConnection, marts: str = "marts") -> date:
    """The day after the latest call: scores made "now" use everything the warehouse holds."""
    latest = con.execute(f"select max(call_date) from {marts}.fct_calls").fetchall()[0][0]
    if latest is None:
        raise ValueError(f"{marts}.fct_calls is empty: the models need at least one day of calls")
    return latest + timedelta(days=1)


def features_at(con: duckdb.DuckDBPyConnection, as_of: date, marts: str = "marts") -> pd.DataFrame:
    """FEATURES for every customer registered before as_of, indexed by customer_id."""
    sql = _SQL.format(m=marts, tau=SERVICE_TAU_DAYS, repair_tau=REPAIR_TAU_DAYS, holdings=_HOLDINGS,
                      holding_columns=_HOLDING_COLUMNS)
    frame = con.execute(sql, {"as_of": as_of}).df().set_index("customer_id")
    return frame.astype({name: "float64" for name in FEATURES})


def outcomes_between(con: duckdb.DuckDBPyConnection, start: date, end: date, marts: str = "marts") -> pd.DataFrame:
    """What each customer did in [start, end): vehicles sold, bought each product, after-sales purchases."""
    bought = ", ".join(f"max(case when product = '{p}' then 1 else 0 end) as bought_{p}" for p in PRODUCTS)
    sql = f"""
        with sales as (
            select customer_id, count(*) as sold_vehicles
            from {marts}.dim_vehicle_ownerships
            where owned_to >= $start and owned_to < $end
            group by customer_id
        ),
        bought as (
            select customer_id, {bought},
                count(distinct purchase_date) filter (where product not in ('vehicle', 'financing'))
                    as after_sales_purchase_days,
                coalesce(sum(amount_cny) filter (where product not in ('vehicle', 'financing')), 0)
                    as after_sales_spend
            from {marts}.fct_purchases
            where purchase_date >= $start and purchase_date < $end
            group by customer_id
        )
        select coalesce(s.customer_id, b.customer_id) as customer_id, coalesce(s.sold_vehicles, 0) as sold_vehicles,
            b.* exclude (customer_id)
        from sales s full join bought b on b.customer_id = s.customer_id
    """
    frame = con.execute(sql, {"start": start, "end": end}).df().set_index("customer_id")
    return frame.fillna(0).astype("float64")
