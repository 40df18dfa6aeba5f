"""The service layer: every read of the serving store the API makes, in bulk.

Queries (SQL written once, with :named parameters) return plain dicts whose keys are the GraphQL field names, so the default resolver serves
scalars without Python per field. List fields load for many customers at once (the
per-request Batch below) so a page of profiles costs one query per list, not one per row.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from collections.abc import Sequence

from functools import lru_cache

from api.store import Reader
from hub.identifiers import MAX_PHONE_CHARS, normalize_phone, normalize_vin

_CUSTOMER_COLUMNS = """
    c.customer_id as id, c.customer_type as "customerType", c.customer_name as name, c.gender, c.city,
    c.segment, c.crm_record_count as "crmRecordCount", c.primary_phone_masked as "primaryPhone",
    c.first_registered_at as "firstRegisteredAt", c.lifecycle_stage as stage, c.churn_risk as "churnRisk",
    c.customer_value_cny as "valueCny", c.next_best_offer as "nextBestOffer",
    c.expected_purchases_12m as "expectedPurchases12m",
    c.has_marketing_consent as "hasMarketingConsent", c.call_count as "callCount",
    c.recent_call_count as "recentCallCount", c.last_call_at as "lastCallAt",
    c.open_work_order_count as "openWorkOrderCount", c.purchase_count as "purchaseCount",
    c.purchases_amount_cny as "purchasesAmountCny"
"""

# Each lookup ends at a live customer: an id retired by a merge resolves through its alias.
_BY_KEY = {
    "id": "select :key as customer_id",
    "phone": "select customer_id from caller_ids where phone_e164 = :key",
    "vin": "select customer_id from vehicles where vin = :key",
    "crmId": "select customer_id from crm_customers where crm_customer_id = :key",
}
_FIND = {
    kind: (
        f"select {_CUSTOMER_COLUMNS} from customers c where c.customer_id = "
        f"(select coalesce(a.customer_id, k.customer_id) from ({source}) as k "
        "left join customer_aliases a on a.alias_id = k.customer_id)"
    )
    for kind, source in _BY_KEY.items()
}


def _expanding(sql: str) -> str:
    return sql.replace(":ids", "({ids})")


_LISTS = {
    "phones": _expanding(
        'select customer_id as "_owner", phone_e164 as e164, phone_masked as masked, phone_kind as kind, '
        'phone_label as label, is_primary as "isPrimary", is_caller_id as "isCallerId" '
        "from customer_phones where customer_id in :ids order by is_caller_id desc, is_primary desc, phone_masked"
    ),
    "vehicles": _expanding(
        'select customer_id as "_owner", vin, model_code as "modelCode", model_name as "modelName", '
        'build_batch as "buildBatch", engine_type as "engineType", owned_from as "ownedFrom", '
        'active_fault_count as "activeFaultCount", driving_score as "drivingScore", '
        'km_last_30_days as "kmLast30Days", last_active_date as "lastActiveDate", '
        'driving_peer_percentile as "drivingPeerPercentile", harsh_braking_vs_peers as "harshBrakingVsPeers", '
        'over_speed_vs_peers as "overSpeedVsPeers", fuel_vs_peers as "fuelVsPeers" '
        "from vehicles where customer_id in :ids order by vin"
    ),
    "recentCalls": _expanding(
        'select customer_id as "_owner", call_id as "callId", call_started_at as "startedAt", '
        'call_direction as direction, queue_name as queue, disposition, is_answered as "isAnswered", '
        'queue_wait_seconds as "queueWaitSeconds", handle_seconds as "handleSeconds", survey_score as "surveyScore" '
        "from recent_calls where customer_id in :ids order by call_started_at desc, call_id"
    ),
    "openWorkOrders": _expanding(
        'select customer_id as "_owner", work_order_id as "workOrderId", vin, category, priority, status, stage, '
        'stage_entered_at as "stageEnteredAt", component, fault_code as "faultCode", created_at as "createdAt", '
        'sla_due_at as "slaDueAt", sla_state as "slaState" '
        "from open_work_orders where customer_id in :ids order by created_at desc, work_order_id"
    ),
    # contact-engine write-backs as published (api.live adds those written since)
    "contacts": _expanding(
        'select customer_id as "_owner", contact_id as "contactId", contact_channel as channel, '
        'contact_direction as direction, disposition, queue_name as queue, agent_id as "agentId", '
        'contact_started_at as "startedAt", contact_ended_at as "endedAt", notes '
        "from customer_contacts where customer_id in :ids order by contact_started_at desc, contact_id"
    ),
    "consents": _expanding(
        'select customer_id as "_owner", consent_channel as channel, consent_purpose as purpose, '
        'consent_status as status, is_granted as "isGranted", consent_source as source, recorded_at as "recordedAt" '
        "from customer_consents where customer_id in :ids order by consent_purpose, consent_channel"
    ),
    "offerResponses": _expanding(
        'select customer_id as "_owner", product, offer_response as response, response_channel as channel, '
        'offer_id as "offerId", responded_at as "respondedAt" '
        "from customer_offer_responses where customer_id in :ids order by responded_at desc, offer_response_id"
    ),
}

# vehicle-level lists, loaded per owner like the others and split by VIN in the resolver
_LISTS["vehicleFaults"] = _expanding(
    'select customer_id as "_owner", vin as "_vin", fault_code as "faultCode", component, '
    'fault_description as description, active_since as "activeSince" '
    "from vehicle_faults where customer_id in :ids order by vin, active_since desc, fault_code"
)
_LISTS["vehicleFieldAlerts"] = _expanding(
    'select customer_id as "_owner", vin as "_vin", alert_id as "alertId", alert_level as level, component, '
    'severity, opened_date as "openedDate", agent_script as "agentScript" '
    "from vehicle_field_alerts where customer_id in :ids order by vin, opened_date desc, alert_id"
)

_LISTS["churnReasons"] = _expanding(
    'select customer_id as "_owner", reason_rank as rank, reason from customer_churn_reasons '
    "where customer_id in :ids order by reason_rank"
)

# merges, splits and stewards' overrides, newest first (docs/identity.md "Stewardship")
_LISTS["identityHistory"] = _expanding(
    'select customer_id as "_owner", change_kind as kind, changed_at as "changedAt", '
    'from_customer_id as "fromCustomerId", to_customer_id as "toCustomerId", override_id as "overrideId", '
    'link_rule as rule, left_crm_customer_id as "leftCrmId", right_crm_customer_id as "rightCrmId", '
    'change_reason as reason, author_id as author, crm_record_count as "crmRecordCount" '
    "from identity_history where customer_id in :ids order by changed_at desc, history_entry_id"
)

_SEARCH = (
    f"select {_CUSTOMER_COLUMNS} from customers c where c.search_text like :pattern and c.customer_id > :after "
    "order by c.customer_id limit :limit"
)
# one customer's service history, newest first, after a (created_at, work_order_id) cursor
_SERVICE_HISTORY = (
    'select created_at as "_createdAt", work_order_id as "workOrderId", vin, category, priority, status, '
    'component, fault_code as "faultCode", created_at as "createdAt", resolved_at as "resolvedAt", '
    'closed_at as "closedAt", resolution, engineer_id as "engineerId", sla_hours as "slaHours", '
    'is_sla_met as "isSlaMet", hours_to_resolve as "hoursToResolve", created_hours as "createdHours", '
    'dispatched_hours as "dispatchedHours", accepted_hours as "acceptedHours", on_site_hours as "onSiteHours", '
    'reopen_count as "reopenCount", callback_score as "callbackScore" '
    "from service_history where customer_id = :customer_id {after} "
    "order by created_at desc, work_order_id desc limit :limit"
)
_AFTER = "and (created_at < :after_at or (created_at = :after_at and work_order_id < :after_id))"
_BUILD = 'select build_id as "buildId", built_at as "builtAt", as_of as "asOf" from _build'


# the longest id, phone, VIN or CRM id a lookup takes (hub.identifiers.MAX_PHONE_CHARS for phones)
MAX_KEY_CHARS = MAX_PHONE_CHARS
# the longest searchCustomers text: names and ids are short, and SQLite refuses LIKE
# patterns over 50,000 bytes
MAX_SEARCH_CHARS = 100


class BadArgument(ValueError):
    """An argument the caller can fix (shown to them, unlike internal errors)."""


def lookup_key(id: str | None, phone: str | None, vin: str | None, crm_id: str | None) -> tuple[str, str] | None:
    """The one lookup the caller asked for, normalised; None when the key can match nothing."""
    given = {k: v for k, v in (("id", id), ("phone", phone), ("vin", vin), ("crmId", crm_id)) if v is not None}
    if len(given) != 1:
        raise BadArgument("customer() takes exactly one of id, phone, vin, crmId")
    kind, raw = given.popitem()
    if len(raw) > MAX_KEY_CHARS:
        raise BadArgument(f"customer({kind}:) is at most {MAX_KEY_CHARS} characters, got {len(raw)}")
    if kind == "phone":
        number = normalize_phone(raw)
        return None if number is None else (kind, number.e164)
    if kind == "vin":
        value = normalize_vin(raw)
        return None if value is None else (kind, value)
    return kind, raw.strip()


def find_customer(con: Reader, kind: str, key: str) -> dict | None:
    rows = con.rows(_FIND[kind], {"key": key})
    return rows[0] if rows else None


def load_lists(con: Reader, field: str, customer_ids: Sequence[str]) -> dict[str, list[dict]]:
    """The rows of one list field for many customers, grouped by customer."""
    params = {f"id{i}": customer_id for i, customer_id in enumerate(customer_ids)}
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in con.rows(_list_sql(field, len(customer_ids)), params):
        grouped[row["_owner"]].append(row)
    return grouped


@lru_cache(maxsize=1024)
def _list_sql(field: str, count: int) -> str:
    return _LISTS[field].format(ids=", ".join(f":id{i}" for i in range(count)))


def encode_cursor(customer_id: str) -> str:
    return base64.urlsafe_b64encode(customer_id.encode()).decode()


def decode_cursor(cursor: str | None) -> str:
    if not cursor:
        return ""
    try:
        return base64.urlsafe_b64decode(cursor.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        raise BadArgument("`after` is not a cursor this API returned") from None


def search(con: Reader, text: str, first: int, after: str | None) -> tuple[list[dict], bool]:
    """Up to `first` customers matching text after the cursor, and whether more follow."""
    if len(text) > MAX_SEARCH_CHARS:
        raise BadArgument(f"searchCustomers text is at most {MAX_SEARCH_CHARS} characters, got {len(text)}")
    needle = text.strip().lower().replace("%", "").replace("_", "")
    if len(needle) < 2:
        raise BadArgument("searchCustomers needs at least 2 characters of text")
    params = {"pattern": f"%{needle}%", "after": decode_cursor(after), "limit": first + 1}
    rows = con.rows(_SEARCH, params)
    return rows[:first], len(rows) > first


def _history_cursor(row: dict) -> str:
    return encode_cursor(f"{row['_createdAt']}|{row['workOrderId']}")


def service_history(con: Reader, customer_id: str, first: int, after: str | None) -> tuple[list[dict], bool]:
    """Up to `first` past work orders of one customer after the cursor, and whether more follow."""
    params: dict = {"customer_id": customer_id, "limit": first + 1}
    position = decode_cursor(after)
    if position:
        created_at, _, work_order_id = position.partition("|")
        if not work_order_id:
            raise BadArgument("`after` is not a cursor this API returned")
        params |= {"after_at": created_at, "after_id": work_order_id}
    rows = con.rows(_SERVICE_HISTORY.format(after=_AFTER if position else ""), params)
    for row in rows:
        row["_cursor"] = _history_cursor(row)
    return rows[:first], len(rows) > first


_PARTS = (
    'select work_order_id as "_workOrderId", part_no as "partNo", part_quantity as quantity, warehouse, '
    'engineer_id as "engineerId", parts_used_at as "usedAt" from work_order_parts '
    "where work_order_id in ({ids}) order by work_order_id, parts_used_at, work_order_part_id"
)
MAX_PARTS = 20


def parts_used(con: Reader, work_order_ids: list[str]) -> dict[str, list[dict]]:
    """The parts of each work order (at most MAX_PARTS each), in one query."""
    out: dict[str, list[dict]] = {i: [] for i in work_order_ids}
    if not work_order_ids:
        return out
    params = {f"w{k}": work_order_id for k, work_order_id in enumerate(dict.fromkeys(work_order_ids))}
    for row in con.rows(_PARTS.format(ids=", ".join(f":{k}" for k in params)), params):
        parts = out[row["_workOrderId"]]
        if len(parts) < MAX_PARTS:
            parts.append(row)
    return out


def serving_build(con: Reader) -> dict | None:
    rows = con.rows(_BUILD, {})
    return rows[0] if rows else None
