"""Erasure in the stores the API holds: the serving store (at once, before any rebuild) and
the ops store's write-back log (events kept for counts, their personal fields redacted).

Serving: a row keyed by one of the person's customer ids is deleted (profiles, phones,
calls, lists, consents...), a nullable link to them that is not a key (a vehicle's owner)
is cut, and a phone number of theirs is deleted wherever it is a key (caller ids).
Ops: each event keeps its seq, kind and times; its customer id becomes the erasure's
pseudonym and the free-text fields are emptied, in the payload and the stored response.
Sales leads: the person's leads (matched to them, or carrying a phone of theirs) are rows
of `sales_leads` deleted by lead id, and their status write-backs (recordLeadStatus, about
a lead, not a customer) lose their note like any event of the person.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from hub.privacy.tombstone import Identifiers

# the free-text fields of write-back payloads (the ops contracts mark the same fields pii;
# tests/hub/test_privacy.py keeps the two equal)
PERSONAL_PAYLOAD_FIELDS = frozenset({"notes", "description", "resolution", "note"})
CUSTOMER_COLUMNS = ("customer_id", "alias_id")
PHONE_COLUMNS = ("phone_e164",)
LEAD_COLUMNS = ("lead_id",)
# the schema a PostgreSQL serving store serves from (publish swaps each build in under this
# name: orchestration/lib/publish/swap.py; the API reads it: api/store.py)
SERVING_SCHEMA = "serving"


def serving_engine(url: str | sa.URL) -> sa.Engine:
    """An engine on the served tables: on PostgreSQL the `serving` schema (whose tables the
    inspector then lists by default), not `public`, which holds none of them."""
    if sa.make_url(url).get_backend_name() == "postgresql":
        return sa.create_engine(url, connect_args={"options": f"-csearch_path={SERVING_SCHEMA}"})
    return sa.create_engine(url)


def serving_identifiers(engine: sa.Engine, customer_id: str) -> Identifiers:
    """The person's ids and phone numbers as the serving store knows them (phones another
    customer also has are not theirs alone and stay)."""
    ids = Identifiers(customer_ids={customer_id})
    inspector = sa.inspect(engine)
    tables = set(inspector.get_table_names())
    with engine.connect() as con:
        if "customer_aliases" in tables:
            ids.customer_ids |= {a for (a,) in con.execute(sa.text(
                "select alias_id from customer_aliases where customer_id = :c"), {"c": customer_id})}
        wanted = sorted(ids.customer_ids)
        if "crm_customers" in tables:
            ids.crm_customer_ids = {c for (c,) in con.execute(sa.text(
                "select crm_customer_id from crm_customers where customer_id in :ids").bindparams(
                    sa.bindparam("ids", expanding=True)), {"ids": wanted})}
        if "customer_phones" in tables:
            rows = con.execute(sa.text("select phone_e164, customer_id from customer_phones where phone_e164 in "
                                       "(select phone_e164 from customer_phones where customer_id in :ids)")
                               .bindparams(sa.bindparam("ids", expanding=True)), {"ids": wanted}).all()
            shared = {p for p, c in rows if c not in ids.customer_ids}
            ids.phones = {p for p, _ in rows} - shared
        if "sales_leads" in tables:
            _served_leads(con, ids, tables)
    return ids


def _served_leads(con: sa.Connection, ids: Identifiers, tables: set[str]) -> None:
    """The person's served leads (matched to them, or on a phone of theirs); a lead's own
    number becomes one of their phones unless another customer has it."""
    rows = con.execute(sa.text("select lead_id, phone_e164 from sales_leads where customer_id in :ids "
                               "or phone_e164 in :phones").bindparams(
        sa.bindparam("ids", expanding=True), sa.bindparam("phones", expanding=True)),
        {"ids": sorted(ids.customer_ids), "phones": sorted(ids.phones) or [""]}).all()
    ids.lead_ids |= {lead for lead, _ in rows}
    numbers = {p for _, p in rows if p}
    if numbers and "customer_phones" in tables:
        numbers -= {p for (p,) in con.execute(sa.text(
            "select phone_e164 from customer_phones where phone_e164 in :p and customer_id not in :ids").bindparams(
                sa.bindparam("p", expanding=True), sa.bindparam("ids", expanding=True)),
            {"p": sorted(numbers), "ids": sorted(ids.customer_ids)})}
    ids.phones |= numbers


def erase_serving(engine: sa.Engine, ids: Identifiers) -> dict[str, int]:
    """Delete or unlink the person's rows in every serving table; rows changed per table."""
    counts: dict[str, int] = {}
    values = {"ids": sorted(ids.customer_ids), "phones": sorted(ids.phones) or [""]}
    inspector = sa.inspect(engine)
    with engine.begin() as con:
        for table in inspector.get_table_names():
            columns = {c["name"]: c for c in inspector.get_columns(table)}
            keys = set(inspector.get_pk_constraint(table).get("constrained_columns") or [])
            changed = 0
            for name in LEAD_COLUMNS:  # first: a lead's customer link is nullable, the lead is theirs
                if name in columns and ids.lead_ids:
                    column = sa.column(name)
                    changed += con.execute(sa.table(table, column).delete().where(
                        column.in_(sorted(ids.lead_ids)))).rowcount
            for name in CUSTOMER_COLUMNS:
                if name not in columns:
                    continue
                column = sa.column(name)
                if columns[name]["nullable"] and name not in keys:
                    stmt = sa.table(table, column).update().where(column.in_(values["ids"])).values({name: None})
                else:
                    stmt = sa.table(table, column).delete().where(column.in_(values["ids"]))
                changed += con.execute(stmt).rowcount
            for name in PHONE_COLUMNS:
                if name in columns and ids.phones:
                    column = sa.column(name)
                    changed += con.execute(sa.table(table, column).delete().where(
                        column.in_(values["phones"]))).rowcount
            counts[f"serving.{table}"] = changed
    return counts


def erase_writebacks(engine: sa.Engine, ids: Identifiers, pseudonyms: dict[str, str]) -> int:
    """Redact the person's write-back events in place; returns how many."""
    from hub.writeback.store import events

    if not sa.inspect(engine).has_table(events.name):
        return 0
    stand_in = {c: pseudonyms[c] for c in ids.customer_ids if c in pseudonyms}
    changed = 0
    with engine.begin() as con:
        rows = con.execute(sa.select(events.c.seq, events.c.customer_id, events.c.payload, events.c.response)
                           .where(events.c.customer_id.in_(sorted(ids.customer_ids)))).all()
        rows += con.execute(sa.select(events.c.seq, events.c.customer_id, events.c.payload, events.c.response)
                            .where(events.c.seq.in_(lead_event_seqs(con, ids.lead_ids)))).all()
        for seq, customer_id, payload, response in rows:
            con.execute(events.update().where(events.c.seq == seq).values(
                customer_id=stand_in.get(customer_id, customer_id),
                payload=_redact(payload, stand_in), response=_redact(response, stand_in)))
            changed += 1
    return changed


def lead_event_seqs(con: sa.Connection, lead_ids: set[str]) -> list[int]:
    """The seqs of the status write-backs about these leads (their payload names the lead)."""
    from hub.writeback.store import events
    from hub.writeback.vocabulary import LEAD_STATUS

    if not lead_ids:
        return []
    seqs = []
    for seq, payload in con.execute(sa.select(events.c.seq, events.c.payload).where(
            events.c.kind == LEAD_STATUS)):
        try:
            lead = json.loads(payload).get("lead_id")
        except (ValueError, AttributeError):
            continue
        if lead in lead_ids:
            seqs.append(seq)
    return seqs


def _redact(text: str, stand_in: dict[str, str]) -> str:
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return json.dumps(_walk(value, stand_in), ensure_ascii=False, sort_keys=True)


def _walk(value: Any, stand_in: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: None if k in PERSONAL_PAYLOAD_FIELDS or _camel_to_snake(k) in PERSONAL_PAYLOAD_FIELDS
                else _walk(v, stand_in) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, stand_in) for v in value]
    if isinstance(value, str):
        return stand_in.get(value, value)
    return value


def _camel_to_snake(name: str) -> str:
    return "".join("_" + ch.lower() if ch.isupper() else ch for ch in name)


def request_erasure(settings, serving: sa.Engine | None, ops: sa.Engine, customer_id: str, reason: str,
                    key_id: str, role: str) -> dict[str, Any]:
    """The API's erasure (eraseCustomer): tombstone, serving store and write-backs at once,
    audited; recorded as pending until `hub privacy erase --pending` erases the warehouse and
    files. Raises LookupError when the serving store knows no such customer."""
    from hub import audit
    from hub.privacy.tombstone import Tombstone, new_erasure_id

    if serving is None:
        raise LookupError("the serving store is not published yet")
    ids = serving_identifiers(serving, customer_id)
    if not ids.crm_customer_ids:
        raise LookupError(f"no customer {customer_id!r} is served")
    tombstone = Tombstone(ops, settings)
    erasure_id = new_erasure_id()
    tombstone.record(erasure_id, customer_id, key_id, reason, "pending")
    pseudonyms = tombstone.add(erasure_id, ids)
    changed = erase_serving(serving, ids)
    changed["ops.writeback_events"] = erase_writebacks(ops, ids, pseudonyms)
    audit.create(ops)
    audit.append(ops, audit.chain_key(settings), [audit.Entry(
        "erasure", key_id, role, customer_id,
        {"erasure_id": erasure_id, "rows_changed": sum(changed.values()), "status": "pending"})])
    return {"erasureId": erasure_id, "status": "pending", "rowsChanged": sum(changed.values()),
            "stores": [{"store": k, "rows": v} for k, v in sorted(changed.items()) if v]}
