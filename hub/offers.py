"""The offer-suppression rule, once in Python: was this offer declined too recently to make again?

An offer of product P to a customer who declined P within the last
`marketing_decline_suppression_days` (hub.settings) is not made again: the cross-sell lists
leave them out. The list query applies the rule in SQL to the declines of the served build
(the serving table offer_declines: the latest decline per customer and product, from
fct_offer_responses); this predicate applies it to the declines the contact engine wrote
back since the build, so a "no" recorded this morning takes the customer off this
afternoon's list. "not_now" is not a decline: the customer may be asked again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

DECLINED = "declined"  # one of hub.vocabulary.OFFER_RESPONSES (tests/hub/test_vocabulary.py)


def suppressed_since(now: datetime, days: int) -> datetime:
    """The earliest decline that still suppresses an offer at `now` (naive UTC, as the stores hold time)."""
    now = now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now
    return now - timedelta(days=days)


def _utc(value: datetime | str) -> datetime:
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed.astimezone(UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def suppresses(response: str, responded_at: datetime | str, since: datetime) -> bool:
    """Whether this offer response still keeps its product from being offered: a decline at or after since."""
    return response == DECLINED and _utc(responded_at) >= since
