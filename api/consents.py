"""Is a customer's consent for a channel and purpose granted right now?

The one answer every consumer asks (the profile, the marketer's lists): the consent the
served build publishes (fct_consents, latest per channel and purpose) with the
write-backs recorded since applied on top, so a withdrawal takes effect at once, before
the next build. `granted(...)` for one customer, `granted_many(...)` for a list.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.engine import Engine

from api import profiles
from api.store import Reader
from api.writeback import published_seq
from hub import contactability
from hub.writeback import fold
from hub.writeback import vocabulary
from hub.writeback.store import customer_events, kind_events


def consents_now(con: Reader, ops: Engine, customer_ids: Sequence[str]) -> dict[str, list]:
    """For each customer id: the consents in force now (served, live write-backs folded on top)."""
    ids = list(dict.fromkeys(customer_ids))
    if not ids:
        return {}
    served = profiles.load_lists(con, "consents", ids)
    with ops.connect() as ops_con:
        live = customer_events(ops_con, ids, published_seq(con))
    by_customer: dict[str, list] = {}
    for event in live:
        by_customer.setdefault(event["customer_id"], []).append(event)
    return {cid: fold.consents(served.get(cid, []), by_customer.get(cid, [])) for cid in ids}


def granted_many(con: Reader, ops: Engine, customer_ids: Sequence[str], channel: str, purpose: str) -> dict[str, bool]:
    """For each customer id: whether consent for (channel, purpose) is granted now.
    No consent on record means not granted."""
    return {cid: contactability.is_granted(merged, channel, purpose)
            for cid, merged in consents_now(con, ops, customer_ids).items()}


def granted(con: Reader, ops: Engine, customer_id: str, channel: str, purpose: str) -> bool:
    return granted_many(con, ops, [customer_id], channel, purpose)[customer_id]


def changed_since_publish(con: Reader, ops: Engine) -> dict[str, list]:
    """The consents now of every customer whose consent was written back after the served
    build: published consents with the live events folded on top (api.marketing filters
    its lists with these, so a withdrawal leaves every list at once)."""
    with ops.connect() as ops_con:
        live = kind_events(ops_con, vocabulary.CONSENT, published_seq(con))
    by_customer: dict[str, list] = {}
    for event in live:
        by_customer.setdefault(event["customer_id"], []).append(event)
    if not by_customer:
        return {}
    served = profiles.load_lists(con, "consents", list(by_customer))
    return {cid: fold.consents(served.get(cid, []), events) for cid, events in by_customer.items()}
