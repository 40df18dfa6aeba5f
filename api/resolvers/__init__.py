"""Resolvers, one module per GraphQL type; each calls the service layer (api.profiles)."""

from __future__ import annotations

from api.resolvers import customer, kpis, phone, query, vehicle

RESOLVERS = {**query.RESOLVERS, **customer.RESOLVERS, **phone.RESOLVERS, **vehicle.RESOLVERS, **kpis.RESOLVERS}

__all__ = ["RESOLVERS"]
