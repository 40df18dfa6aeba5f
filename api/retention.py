"""Marketers' retention lists: valuable customers at risk, shared by GraphQL and both CSV exports.

The same consent rule as the cross-sell lists (api.marketing, hub/contactability.py): a
customer is listed for a channel only when marketing on that channel is eligible (granted,
no personalised-marketing opt-out: the list is ranked by the churn model, a model of the
person), with the contact engine's consent write-backs since the build folded on top.
Rows are ranked by value at risk = churn risk x expected 12-month value (srv_retention)
and say why: the risk, the value and the churn model's reasons.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.engine import Engine

from api.consents import changed_since_publish
from api.marketing import MAX_PAGE, ListArgumentError, _decode_cursor, csv_text, encode_cursor, every_row
from api.store import Reader
from hub import contactability
from hub.vocabulary import CONSENT_CHANNELS as CHANNELS

CSV_COLUMNS = ("value_at_risk_cny", "customer_id", "churn_risk", "expected_value_cny", "channel", "region",
               "segment", "lifecycle_stage", "phone_masked", "churn_reasons", "reasons")

_ELIGIBLE = """
select r.customer_id as "customerId", r.churn_risk as "churnRisk", r.expected_value_cny as "expectedValueCny",
    r.value_at_risk_cny as "score", r.region, r.segment, r.lifecycle_stage as "lifecycleStage",
    r.primary_phone_masked as "phoneMasked", r.churn_reason_1, r.churn_reason_2, r.churn_reason_3
from retention r
where r.churn_risk >= :min_risk
  and r.expected_value_cny >= :min_value
  and exists (
      select 1 from customer_consents c
      where c.customer_id = r.customer_id and c.consent_channel = :channel and c.consent_purpose = :marketing
        and c.is_eligible
  )
  and (r.value_at_risk_cny < :after_score or (r.value_at_risk_cny = :after_score and r.customer_id > :after_id))
order by r.value_at_risk_cny desc, r.customer_id
limit :limit
"""


def _check(channel: str, min_risk: float, min_value: float, first: int) -> None:
    if channel not in CHANNELS:
        raise ListArgumentError(f"channel {channel!r} is not one of {', '.join(CHANNELS)}")
    if not 0 <= min_risk <= 1:
        raise ListArgumentError(f"minRisk {min_risk} must lie between 0 and 1 (a probability)")
    if min_value < 0:
        raise ListArgumentError(f"minValueCny {min_value} must not be negative")
    if not 1 <= first <= MAX_PAGE:
        raise ListArgumentError(f"first {first} must lie between 1 and {MAX_PAGE}")


def reasons(row: dict, channel: str) -> list[str]:
    """Why this customer is on the list, in words a marketer can act on."""
    out = [f"churn risk {row['churnRisk']:.2f}", f"expected 12-month value {row['expectedValueCny']:,.0f} CNY"]
    out += [f"churn reason: {reason}" for reason in row["churnReasons"]]
    out.append(f"{channel} marketing consent granted; no personalised-marketing opt-out")
    return out


def retention_page(
    con: Reader, channel: str = "sms", min_risk: float = 0.5, min_value: float = 0.0, first: int = 50,
    after: str | None = None, ops: Engine | None = None,
) -> tuple[list[dict], bool]:
    """One page of the eligible list in value-at-risk order and whether more follow."""
    _check(channel, min_risk, min_value, first)
    after_score, after_id = _decode_cursor(after)
    changed = {} if ops is None else changed_since_publish(con, ops)
    page: list[dict] = []
    while True:
        params = {"channel": channel, "min_risk": min_risk, "min_value": min_value, "after_score": after_score,
                  "after_id": after_id, "limit": first + 1, "marketing": contactability.MARKETING}
        rows = con.rows(_ELIGIBLE, params)
        page += [r for r in rows if r["customerId"] not in changed
                 or contactability.is_eligible(changed[r["customerId"]], channel, contactability.MARKETING)]
        if len(page) > first or len(rows) <= first:
            break
        after_score, after_id = rows[-1]["score"], rows[-1]["customerId"]
    for row in page:
        row["channel"] = channel
        row["churnReasons"] = [row.pop(f"churn_reason_{i}") for i in (1, 2, 3)]
        row["churnReasons"] = [reason for reason in row["churnReasons"] if reason]
        row["reasons"] = reasons(row, channel)
    return page[:first], len(page) > first


def export_rows(con: Reader, channel: str = "sms", min_risk: float = 0.5, min_value: float = 0.0,
                ops: Engine | None = None) -> Iterator[dict]:
    """Every eligible row, in list order, page by page through retention_page."""
    return every_row(lambda after: retention_page(con, channel, min_risk, min_value, MAX_PAGE, after, ops),
                     encode_cursor)


def to_csv(rows: Iterator[dict]) -> Iterator[str]:
    return csv_text(CSV_COLUMNS, rows, lambda row: [
        f"{row['score']:.2f}", row["customerId"], f"{row['churnRisk']:.4f}", f"{row['expectedValueCny']:.2f}",
        row["channel"], row["region"] or "", row["segment"] or "", row["lifecycleStage"] or "",
        row["phoneMasked"] or "", "; ".join(row["churnReasons"]), "; ".join(row["reasons"]),
    ])
