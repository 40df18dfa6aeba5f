"""Marketers' cross-sell lists, shared by GraphQL and both CSV exports.

A customer is on a list for (product, channel) only when they are eligible for marketing
on that channel by the consent rule (hub/contactability.py, the mart fct_contactability):

- marketing consent on that channel is granted (missing or withdrawn: never listed);
- they have not opted out of personalised marketing on any channel (PIPL art. 24: the
  list is ranked by a model of the person, which is personalised marketing);

and they do not hold the product already, nor declined it within the last
marketing_decline_suppression_days (hub/offers.py; the served offer_declines, then the
contact engine's offer responses since the build). The list query applies the rule to the served
consents (customer_consents; the serving store has no fct_contactability yet, a test checks
the two agree on the demo), then hub.contactability.is_eligible to the customers whose
consent the contact engine wrote back since the build (api.consents).

Rows are ranked by list_score = propensity x expected 12-month value; each says why it was
chosen. Contact details: the masked primary phone only (marketers never see full numbers).
"""

from __future__ import annotations

import base64
import csv
import io
import struct
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy.engine import Engine

from api.consents import changed_since_publish
from api.store import Reader
from api.writeback import published_seq
from hub import contactability, offers
from hub.settings import get_settings
from hub.writeback import vocabulary as events_vocabulary
from hub.writeback.store import kind_events
from hub.vocabulary import CONSENT_CHANNELS as CHANNELS
from hub.vocabulary import PRODUCTS

MAX_PAGE = 500
CSV_COLUMNS = ("rank_score", "customer_id", "product", "propensity", "expected_value_cny", "channel", "region",
               "segment", "lifecycle_stage", "phone_masked", "reasons")

_ELIGIBLE = """
select x.customer_id as "customerId", x.product, x.propensity, x.expected_value_cny as "expectedValueCny",
    x.list_score as "score", x.region, x.segment, x.lifecycle_stage as "lifecycleStage",
    x.primary_phone_masked as "phoneMasked"
from cross_sell x
where x.product = :product
  and not x.is_held
  and x.propensity >= :min_score
  {filters}
  and exists (
      select 1 from customer_consents c
      where c.customer_id = x.customer_id and c.consent_channel = :channel and c.consent_purpose = :marketing
        and c.is_eligible
  )
  and not exists (
      select 1 from offer_declines d
      where d.customer_id = x.customer_id and d.product = x.product and d.last_declined_at >= :declined_since
  )
  and (x.list_score < :after_score or (x.list_score = :after_score and x.customer_id > :after_id))
order by x.list_score desc, x.customer_id
limit :limit
"""


@lru_cache(maxsize=4)
def _sql(by_region: bool, by_segment: bool) -> str:
    """The list query with the optional filters given (PostgreSQL cannot type `:p is null`)."""
    filters = [clause for given, clause in ((by_region, "and x.region = :region"),
                                            (by_segment, "and x.segment = :segment")) if given]
    return _ELIGIBLE.replace("{filters}", " ".join(filters))


class ListArgumentError(ValueError):
    """An argument of a list request the caller can fix; names the field, value and rule."""


def _check(product: str, channel: str, min_score: float, first: int) -> None:
    if product not in PRODUCTS:
        raise ListArgumentError(f"product {product!r} is not one of {', '.join(PRODUCTS)}")
    if channel not in CHANNELS:
        raise ListArgumentError(f"channel {channel!r} is not one of {', '.join(CHANNELS)}")
    if not 0 <= min_score <= 1:
        raise ListArgumentError(f"minScore {min_score} must lie between 0 and 1 (a probability)")
    if not 1 <= first <= MAX_PAGE:
        raise ListArgumentError(f"first {first} must lie between 1 and {MAX_PAGE}")


def encode_cursor(row: dict) -> str:
    return base64.urlsafe_b64encode(struct.pack(">d", row["score"]) + row["customerId"].encode()).decode()


def _decode_cursor(cursor: str | None) -> tuple[float, str]:
    if not cursor:
        return float("inf"), ""
    try:
        raw = base64.urlsafe_b64decode(cursor.encode())
        return struct.unpack(">d", raw[:8])[0], raw[8:].decode()
    except (ValueError, UnicodeDecodeError, struct.error):
        raise ListArgumentError(f"after {cursor!r} is not a cursor this API returned") from None


def reasons(row: dict, channel: str, decline_days: int = 0) -> list[str]:
    """Why this customer is on the list, in words a marketer can act on."""
    out = [f"propensity {row['propensity']:.2f} to buy {row['product']}"]
    if row["expectedValueCny"]:
        out.append(f"expected 12-month value {row['expectedValueCny']:,.0f} CNY")
    if row["lifecycleStage"]:
        out.append(f"lifecycle stage {row['lifecycleStage']}")
    out.append(f"{channel} marketing consent granted; no personalised-marketing opt-out")
    if decline_days:
        out.append(f"no {row['product']} offer declined in the last {decline_days} days")
    return out


def declined_since_publish(con: Reader, ops: Engine, since: datetime) -> set[tuple[str, str]]:
    """(customer id, product) of every offer the contact engine recorded as declined since
    the served build, at or after `since` (hub.offers: the list leaves them out at once)."""
    with ops.connect() as ops_con:
        live = kind_events(ops_con, events_vocabulary.OFFER_RESPONSE, published_seq(con))
    return {(e["customer_id"], e["payload"]["product"]) for e in live
            if offers.suppresses(e["payload"]["response"], e["payload"]["responded_at"], since)}


def cross_sell_page(
    con: Reader, product: str, channel: str = "sms", min_score: float = 0.0, region: str | None = None,
    segment: str | None = None, first: int = 50, after: str | None = None, ops: Engine | None = None,
    now: datetime | None = None,
) -> tuple[list[dict], bool]:
    """One page of the eligible, ranked list and whether more follow.

    With the ops store given, a consent withdrawn or an offer declined through the contact
    engine since the served build takes the customer off the list at once (a new grant
    waits for the build)."""
    _check(product, channel, min_score, first)
    after_score, after_id = _decode_cursor(after)
    decline_days = get_settings().marketing_decline_suppression_days
    since = offers.suppressed_since(now or datetime.now(UTC), decline_days) if decline_days else datetime.max
    changed = {} if ops is None else changed_since_publish(con, ops)
    declined = set() if ops is None or not decline_days else declined_since_publish(con, ops, since)
    page: list[dict] = []
    while True:
        params = {"product": product, "channel": channel, "min_score": min_score, "region": region,
                  "segment": segment, "after_score": after_score, "after_id": after_id, "limit": first + 1,
                  "marketing": contactability.MARKETING, "declined_since": since}
        rows = con.rows(_sql(region is not None, segment is not None), params)
        page += [r for r in rows if (r["customerId"], product) not in declined and (
                 r["customerId"] not in changed
                 or contactability.is_eligible(changed[r["customerId"]], channel, contactability.MARKETING))]
        if len(page) > first or len(rows) <= first:
            break
        after_score, after_id = rows[-1]["score"], rows[-1]["customerId"]
    for row in page:
        row["channel"] = channel
        row["reasons"] = reasons(row, channel, decline_days)
    return page[:first], len(page) > first


def every_row(page: Callable[[str | None], tuple[list[dict], bool]], cursor: Callable[[dict], str]) -> Iterator[dict]:
    """Every row of a paged list, in list order: page(after) gives (rows, more), cursor(row) the next after."""
    after = None
    while True:
        rows, more = page(after)
        yield from rows
        if not more or not rows:
            return
        after = cursor(rows[-1])


def csv_text(columns: Sequence[str], rows: Iterator[dict], cells: Callable[[dict], list]) -> Iterator[str]:
    """CSV text of a list export, header first, one chunk per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(cells(row))
        yield buffer.getvalue()


def export_rows(con: Reader, product: str, channel: str = "sms", min_score: float = 0.0,
                region: str | None = None, segment: str | None = None, ops: Engine | None = None) -> Iterator[dict]:
    """Every eligible row, in list order, page by page through cross_sell_page."""
    return every_row(lambda after: cross_sell_page(con, product, channel, min_score, region, segment, MAX_PAGE,
                                                   after, ops), encode_cursor)


def to_csv(rows: Iterator[dict]) -> Iterator[str]:
    return csv_text(CSV_COLUMNS, rows, lambda row: [
        f"{row['score']:.2f}", row["customerId"], row["product"], f"{row['propensity']:.4f}",
        "" if row["expectedValueCny"] is None else f"{row['expectedValueCny']:.2f}", row["channel"],
        row["region"] or "", row["segment"] or "", row["lifecycleStage"] or "", row["phoneMasked"] or "",
        "; ".join(row["reasons"]),
    ])
