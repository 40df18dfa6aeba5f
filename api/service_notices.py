"""Service-notice lists: whom to tell that a field alert or a declared outage affects their vehicle.

A notice is not marketing: it asks the consent purpose `service` on the channel
(hub.contactability.SERVICE; granted, with the contact engine's write-backs since the build
folded on top), so a marketing withdrawal or a personalised-marketing opt-out does not stop
it, and a service consent withdrawn or never given does. The affected vehicles are those of
an open field alert (its model and, for a batch alert, its build batch) or of a declared
outage (model, optional batch, owner's province, in service on a date: built by then); the
list names each affected vehicle's current owner, their vehicles and their own numbers in
full (shared switchboards are left out: they are no caller id), for the roles that dial
(contact_engine, admin). One row per customer, in customer id order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine

from api.consents import changed_since_publish
from api.marketing import MAX_PAGE, ListArgumentError, csv_text, every_row
from api.store import Reader
from hub import contactability
from hub.vocabulary import CONSENT_CHANNELS as CHANNELS

CSV_COLUMNS = ("customer_id", "channel", "vins", "phone_e164", "reasons")

_ALERT = "select model_code, build_batch, alert_state from field_alerts where alert_id = :alert_id"

_AFFECTED = """
select v.customer_id as "customerId", v.vin
from service_notice_vehicles v
where v.model_code = :model
  {filters}
  and v.customer_id > :after_id
  and v.customer_id in (
      select v2.customer_id from service_notice_vehicles v2
      where v2.model_code = :model {filters2} and v2.customer_id > :after_id
        and exists (
          select 1 from customer_consents c
          where c.customer_id = v2.customer_id and c.consent_channel = :channel and c.consent_purpose = :service
            and c.is_eligible
        )
      order by v2.customer_id
      limit :limit_rows
  )
order by v.customer_id, v.vin
"""

_PHONES = """
select customer_id as "customerId", phone_e164 as "phone" from customer_phones
where is_caller_id and customer_id in ({ids}) order by customer_id, is_primary desc, phone_e164
"""


@dataclass(frozen=True)
class Affected:
    """What the notice is about: the vehicles it selects."""

    model: str
    batch: str | None = None
    region: str | None = None
    in_service_on: date | None = None
    alert_id: str | None = None

    def describe(self) -> str:
        if self.alert_id:
            return f"field alert {self.alert_id}"
        parts = [f"model {self.model}"] + [f"{name} {value}" for name, value in (
            ("batch", self.batch), ("region", self.region), ("in service on", self.in_service_on)) if value]
        return "declared outage: " + ", ".join(parts)


def affected(con: Reader, alert_id: str | None = None, model: str | None = None, batch: str | None = None,
             region: str | None = None, in_service_on: date | None = None) -> Affected:
    """The vehicles a notice is about, from an open alert's id or from an outage's terms."""
    if alert_id:
        if model or batch or region or in_service_on:
            raise ListArgumentError("alert selects the vehicles itself: give alert or model/batch/region, not both")
        rows = con.rows(_ALERT, {"alert_id": alert_id})
        if not rows:
            raise ListArgumentError(f"alert {alert_id!r} is not a field alert of the served build")
        if rows[0]["alert_state"] == "closed":
            raise ListArgumentError(f"alert {alert_id!r} is closed: notices go out for open alerts only")
        return Affected(rows[0]["model_code"], rows[0]["build_batch"], alert_id=alert_id)
    if not model:
        raise ListArgumentError("give alert (an open field alert's id) or model (a declared outage's model code)")
    return Affected(model, batch, region, in_service_on)


def _sql(target: Affected) -> str:
    clauses = [clause for given, clause in ((target.batch, "and {v}.build_batch = :batch"),
                                            (target.region, "and {v}.region = :region"),
                                            (target.in_service_on, "and {v}.build_date <= :in_service_on"))
               if given]
    return (_AFFECTED.replace("{filters2}", " ".join(clauses).replace("{v}", "v2"))
            .replace("{filters}", " ".join(clauses).replace("{v}", "v")))


def notice_page(con: Reader, target: Affected, channel: str = "sms", first: int = 50, after: str | None = None,
                ops: Engine | None = None) -> tuple[list[dict], bool]:
    """One page of the owners to notify and whether more follow (after: the last customer id sent)."""
    if channel not in CHANNELS:
        raise ListArgumentError(f"channel {channel!r} is not one of {', '.join(CHANNELS)}")
    if not 1 <= first <= MAX_PAGE:
        raise ListArgumentError(f"first {first} must lie between 1 and {MAX_PAGE}")
    changed = {} if ops is None else changed_since_publish(con, ops)
    after_id = after or ""
    page: dict[str, dict] = {}
    while True:
        params = {"model": target.model, "batch": target.batch, "region": target.region,
                  "in_service_on": target.in_service_on, "channel": channel, "service": contactability.SERVICE,
                  "after_id": after_id, "limit_rows": first + 1}
        rows = con.rows(_sql(target), params)
        customers = list(dict.fromkeys(r["customerId"] for r in rows))
        for row in rows:
            cid = row["customerId"]
            if cid in changed and not contactability.is_eligible(changed[cid], channel, contactability.SERVICE):
                continue
            page.setdefault(cid, {"customerId": cid, "channel": channel, "vins": []})["vins"].append(row["vin"])
        if len(page) > first or len(customers) <= first:
            break
        after_id = customers[-1]
    listed = list(page.values())[:first]
    if listed:
        ids = {f"c{i}": row["customerId"] for i, row in enumerate(listed)}
        phones: dict[str, list[str]] = {}
        for row in con.rows(_PHONES.replace("{ids}", ", ".join(f":{k}" for k in ids)), ids):
            phones.setdefault(row["customerId"], []).append(row["phone"])
        for row in listed:
            row["phones"] = phones.get(row["customerId"], [])
            row["reasons"] = [f"owns {', '.join(row['vins'])}, affected by {target.describe()}",
                              f"{channel} service consent granted (service notice, not marketing)"]
    return listed, len(page) > first


def export_rows(con: Reader, target: Affected, channel: str = "sms", ops: Engine | None = None) -> Iterator[dict]:
    return every_row(lambda after: notice_page(con, target, channel, MAX_PAGE, after, ops),
                     lambda row: row["customerId"])


def to_csv(rows: Iterator[dict]) -> Iterator[str]:
    return csv_text(CSV_COLUMNS, rows, lambda row: [row["customerId"], row["channel"], ";".join(row["vins"]),
                                                    ";".join(row["phones"]), "; ".join(row["reasons"])])
