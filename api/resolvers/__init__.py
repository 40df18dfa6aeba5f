"""Resolvers, one module per GraphQL type; each calls the service layer (api.profiles)."""

from __future__ import annotations

from api.resolvers import customer, phone, query, vehicle
from api.resolvers import marketing, writeback

RESOLVERS = {**query.RESOLVERS, **customer.RESOLVERS, **phone.RESOLVERS, **vehicle.RESOLVERS}
# after customer: its openWorkOrders resolver is replaced by one that merges live write-backs
RESOLVERS |= writeback.RESOLVERS
RESOLVERS |= marketing.RESOLVERS

__all__ = ["RESOLVERS"]
