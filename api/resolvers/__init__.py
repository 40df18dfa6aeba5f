"""Resolvers, one module per GraphQL type; each calls the service layer (api.profiles)."""

from __future__ import annotations

from api.resolvers import customer, field_alert, phone, query, similar_case, vehicle

RESOLVERS = {**query.RESOLVERS, **customer.RESOLVERS, **phone.RESOLVERS, **vehicle.RESOLVERS}
RESOLVERS.update(field_alert.RESOLVERS)
RESOLVERS.update(similar_case.RESOLVERS)

__all__ = ["RESOLVERS"]
