"""Offer conversions by campaign, channel and product for marketers (served offer_attribution).

The rule (which purchase an offer is credited with) lives in the mart fct_offer_conversions;
this module only reads and filters its served aggregate."""

from __future__ import annotations

from api.marketing import ListArgumentError
from api.store import Reader
from hub.vocabulary import PRODUCTS

MAX_ROWS = 1000  # api.limits.LIST_SIZES["offerConversions"]

_ROWS = """
select campaign_id as "campaignId", offer_channel as "channel", product, offer_count as "offers",
    accepted_count as "accepted", conversion_count as "conversions", conversion_rate as "conversionRate",
    conversion_amount_cny as "conversionAmountCny", first_offer_date as "firstOfferDate",
    last_offer_date as "lastOfferDate"
from offer_attribution
order by campaign_id, offer_channel, product
"""


def conversions(con: Reader, campaign: str | None = None, channel: str | None = None,
                product: str | None = None) -> list[dict]:
    """Rows of offer_attribution, filtered by the arguments given."""
    if product is not None and product not in PRODUCTS:
        raise ListArgumentError(f"product {product!r} is not one of {', '.join(PRODUCTS)}")
    rows = con.rows(_ROWS, {})
    wanted = {"campaignId": campaign, "channel": channel, "product": product}
    out = [r for r in rows if all(v is None or r[k] == v for k, v in wanted.items())]
    for row in out:
        for day in ("firstOfferDate", "lastOfferDate"):
            row[day] = None if row[day] is None else str(row[day])[:10]
    return out[:MAX_ROWS]
