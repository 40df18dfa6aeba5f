"""Resolvers, one module per GraphQL type; each calls the service layer (api.profiles)."""

from __future__ import annotations

from api.resolvers import (
    customer, dispatch, field_alert, identity, knowledge, kpis, leads, marketing, notify, phone, privacy, qa, query,
    service, similar_case, vehicle, writeback,
)

RESOLVERS = {**query.RESOLVERS, **customer.RESOLVERS, **phone.RESOLVERS, **vehicle.RESOLVERS, **kpis.RESOLVERS}
# after customer: its openWorkOrders resolver is replaced by one that merges live write-backs
RESOLVERS |= writeback.RESOLVERS
RESOLVERS |= marketing.RESOLVERS
RESOLVERS |= field_alert.RESOLVERS
RESOLVERS |= similar_case.RESOLVERS
RESOLVERS |= service.RESOLVERS
RESOLVERS |= privacy.RESOLVERS
RESOLVERS |= qa.RESOLVERS
RESOLVERS |= knowledge.RESOLVERS
RESOLVERS |= leads.RESOLVERS
RESOLVERS |= identity.RESOLVERS
RESOLVERS |= notify.RESOLVERS
RESOLVERS |= dispatch.RESOLVERS

__all__ = ["RESOLVERS"]
