"""Sales' hand-over list of leads, shared by GraphQL, the CSV export and the CLI.

One row per person who left a lead (the warehouse grouped their repeats and matched them to
the customers they already are: transforms/.../int_leads_matched.sql), best lead score first.
A lead is handed over only when

- it left a usable phone number (normalised, not a service line) and agreed to be called
  back (the lead form's consent);
- the customer behind it, if any, has not said no since: hub.contactability.may_call_back
  on their consents now (the served build with the contact engine's write-backs folded on
  top, api.consents), so a withdrawal recorded this morning takes them off at once;
- its status is open (new, contacted, qualified), unless `status` asks for one state.

Sales' status write-backs (recordLeadStatus) since the build apply at once. Sales dial the
numbers: the list carries the lead's number in full, and only the sales role may read it.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.engine import Engine

from api.consents import consents_now
from api.marketing import (
    MAX_PAGE,
    ListArgumentError,
    _decode_cursor,
    csv_text,
    every_row,
)
from api.marketing import encode_cursor as _encode_score_cursor
from api.store import Reader
from api.writeback import published_seq
from hub import contactability
from hub.vocabulary import LEAD_STATES
from hub.writeback import vocabulary as wb
from hub.writeback.store import kind_events

OPEN_STATES = ("new", "contacted", "qualified")
CALL_CHANNEL = "phone"
CSV_COLUMNS = ("lead_score", "lead_id", "customer_id", "lead_status", "name", "phone_e164", "lead_source",
               "interest", "region", "city", "fleet_size", "repeat_count", "created_at", "reasons")

_HANDED_OVER = """
select l.lead_id as "leadId", l.customer_id as "customerId", l.lead_name as "name", l.phone_e164 as "phone",
    l.lead_source as "source", l.lead_interest as "interest", l.region, l.city, l.fleet_size as "fleetSize",
    l.lead_score as "score", l.lead_status as "status", l.status_at as "statusAt", l.repeat_count as "repeatCount",
    l.matched_on as "matchedOn", l.created_at as "createdAt"
from sales_leads l
where l.is_phone_valid and l.has_contact_consent
  and l.lead_score >= :min_score
  {filters}
  and (l.lead_score < :after_score or (l.lead_score = :after_score and l.lead_id > :after_id))
order by l.lead_score desc, l.lead_id
limit :limit
"""


def _sql(by_region: bool) -> str:
    return _HANDED_OVER.replace("{filters}", "and l.region = :region" if by_region else "")


def encode_cursor(row: dict) -> str:
    return _encode_score_cursor({"score": row["score"], "customerId": row["leadId"]})


def _check(status: str | None, min_score: float, first: int) -> None:
    if status is not None and status not in LEAD_STATES:
        raise ListArgumentError(f"status {status!r} is not one of {', '.join(LEAD_STATES)}")
    if not 0 <= min_score <= 1:
        raise ListArgumentError(f"minScore {min_score} must lie between 0 and 1")
    if not 1 <= first <= MAX_PAGE:
        raise ListArgumentError(f"first {first} must lie between 1 and {MAX_PAGE}")


def statuses_since_publish(con: Reader, ops: Engine) -> dict[str, dict]:
    """The latest status sales wrote back for each lead since the served build."""
    with ops.connect() as ops_con:
        live = kind_events(ops_con, wb.LEAD_STATUS, published_seq(con))
    latest: dict[str, dict] = {}
    for event in live:  # seq order: a later write of the same time wins
        p = event["payload"]
        known = latest.get(p["lead_id"])
        if known is None or p["status_at"] >= known["status_at"]:
            latest[p["lead_id"]] = p
    return latest


def _utc(value: object) -> str:
    """A served UTC time (naive; text on SQLite, datetime on PostgreSQL) as ISO 8601 with Z."""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value).replace(" ", "T", 1)
    return text if text.endswith("Z") or "+" in text[10:] else text + "Z"


def reasons(row: dict) -> list[str]:
    """Why this lead is handed over, in words sales can act on."""
    out = [f"lead score {row['score']:.2f} ({row['source']}, interested in {row['interest']})"]
    if row["customerId"]:
        out.append(f"already customer {row['customerId']} (matched on {row['matchedOn'].replace('_', ' ')}); "
                   f"has not withdrawn {CALL_CHANNEL} marketing nor opted out of personalised marketing")
    else:
        out.append("a prospect: not a customer yet")
    out.append("asked to be called back; usable phone number")
    if row["repeatCount"]:
        out.append(f"left {row['repeatCount']} more lead(s)")
    return out


def leads_page(
    con: Reader, status: str | None = None, region: str | None = None, min_score: float = 0.0, first: int = 50,
    after: str | None = None, ops: Engine | None = None,
) -> tuple[list[dict], bool]:
    """One page of the hand-over list, best score first, and whether more follow."""
    _check(status, min_score, first)
    after_score, after_id = _decode_cursor(after)
    live = {} if ops is None else statuses_since_publish(con, ops)
    wanted = (status,) if status is not None else OPEN_STATES
    page: list[dict] = []
    while True:
        params = {"min_score": min_score, "region": region, "after_score": after_score, "after_id": after_id,
                  "limit": first + 1}
        rows = con.rows(_sql(region is not None), params)
        for row in rows:
            if row["leadId"] in live:
                row["status"], row["statusAt"] = live[row["leadId"]]["status"], live[row["leadId"]]["status_at"]
        rows_wanted = [r for r in rows if r["status"] in wanted]
        customers = [r["customerId"] for r in rows_wanted if r["customerId"]]
        consents = {} if ops is None or not customers else consents_now(con, ops, customers)
        page += [r for r in rows_wanted if not r["customerId"] or ops is None
                 or contactability.may_call_back(consents.get(r["customerId"], []), CALL_CHANNEL)]
        if len(page) > first or len(rows) <= first:
            break
        after_score, after_id = rows[-1]["score"], rows[-1]["leadId"]
    for row in page:
        row["statusAt"] = None if row["statusAt"] is None else _utc(row["statusAt"])
        row["createdAt"] = _utc(row["createdAt"])
        row["reasons"] = reasons(row)
        row["auditSubject"] = row["customerId"] or row["leadId"]  # whom the audit log says the row was about
    return page[:first], len(page) > first


def export_rows(con: Reader, status: str | None = None, region: str | None = None, min_score: float = 0.0,
                ops: Engine | None = None) -> Iterator[dict]:
    """Every row of the hand-over list, in list order, page by page through leads_page."""
    return every_row(lambda after: leads_page(con, status, region, min_score, MAX_PAGE, after, ops), encode_cursor)


def to_csv(rows: Iterator[dict]) -> Iterator[str]:
    return csv_text(CSV_COLUMNS, rows, lambda row: [
        f"{row['score']:.2f}", row["leadId"], row["customerId"] or "", row["status"], row["name"], row["phone"],
        row["source"], row["interest"], row["region"] or "", row["city"] or "",
        "" if row["fleetSize"] is None else row["fleetSize"], row["repeatCount"], row["createdAt"],
        "; ".join(row["reasons"]),
    ])
