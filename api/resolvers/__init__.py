"""Resolvers, one module per GraphQL type; each calls the service layer (api.profiles)."""

from __future__ import annotations

from api.resolvers import customer, phone, query, vehicle
from api.resolvers import marketing

RESOLVERS = {**query.RESOLVERS, **customer.RESOLVERS, **phone.RESOLVERS, **vehicle.RESOLVERS}
RESOLVERS.update(marketing.RESOLVERS)

__all__ = ["RESOLVERS"]
