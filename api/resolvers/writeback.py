"""Mutation (the contact engine's write-backs) and the profile fields that show them live."""

from __future__ import annotations

from api.limits import LIST_SIZES
from hub import contactability
from hub.writeback import fold
from hub.writeback import vocabulary as v


def _mutation(kind: str):
    async def resolve(_root, info, idempotencyKey, input):  # noqa: A002, N803 - the SDL's argument names
        context = info.context
        return await context.writeback.submit(context.principal, kind, idempotencyKey, input)

    return resolve


def _merged(list_field: str, merge):
    bound = LIST_SIZES[list_field]  # the size the cost check counted for a list without `first`

    def resolve(root, info, first=None):
        context = info.context
        rows = merge(context.batch.rows(list_field, root["id"]), context.live.of(root["id"]))
        return rows[:bound if first is None else first]

    return resolve


def has_marketing_consent(root, info):
    context = info.context
    if not context.live.of(root["id"]):
        return root["hasMarketingConsent"]
    served = context.batch.rows("consents", root["id"])
    return contactability.has_marketing_consent(fold.consents(served, context.live.of(root["id"])))


def open_work_order_count(root, info):
    context = info.context
    if not context.live.of(root["id"]):
        return root["openWorkOrderCount"]
    return len(fold.open_work_orders(context.batch.rows("openWorkOrders", root["id"]), context.live.of(root["id"])))


RESOLVERS = {
    ("Mutation", "recordContact"): _mutation(v.CONTACT),
    ("Mutation", "openWorkOrder"): _mutation(v.WORK_ORDER_OPENED),
    ("Mutation", "advanceWorkOrder"): _mutation(v.WORK_ORDER_ADVANCED),
    ("Mutation", "recordSurvey"): _mutation(v.SURVEY),
    ("Mutation", "recordOfferResponse"): _mutation(v.OFFER_RESPONSE),
    ("Mutation", "setConsent"): _mutation(v.CONSENT),
    ("Customer", "contacts"): _merged("contacts", fold.contacts),
    ("Customer", "consents"): _merged("consents", fold.consents),
    ("Customer", "offerResponses"): _merged("offerResponses", fold.offer_responses),
    # replaces the served-only resolver of api.resolvers.customer: live orders merge in
    ("Customer", "openWorkOrders"): _merged("openWorkOrders", fold.open_work_orders),
    ("Lifecycle", "hasMarketingConsent"): has_marketing_consent,
    ("Lifecycle", "openWorkOrderCount"): open_work_order_count,
}
