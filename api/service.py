"""One GraphQL request, start to end: check, bound, execute, audit, format.

Kept apart from the web framework so benchmarks and tests can call it in-process too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import ExecutionResult, GraphQLError, execute

from api.audit import AuditLog
from api.context import Batch, RequestContext
from api.documents import DocumentCache
from api.errors import public_error
from api.graph import schema
from api.keys import Principal
from api.limits import LimitError, check_limits
from api.roles import FULL_PHONE_ROLES, ROLES
from api.store import NotPublished, ServingStore


def _never(_value: object) -> bool:
    """Every resolver is synchronous: skip graphql-core's awaitable test on each value."""
    return False


@dataclass
class GraphQLService:
    store: ServingStore
    audit: AuditLog
    production: bool

    def __post_init__(self) -> None:
        self.schema = schema()
        self.documents = DocumentCache(self.schema, self.production, ROLES)

    def run(
        self, principal: Principal, query: str, variables: Mapping[str, Any] | None, operation: str | None
    ) -> tuple[dict, int]:
        """The response body and HTTP status for one request."""
        checked = self.documents.get(query, principal.role)
        if checked.document is None:
            return self._errors(checked.errors), 400
        if variables and not checked.first_variables.isdisjoint(variables):
            try:
                check_limits(checked.document, variables)
            except LimitError as error:
                return self._errors([GraphQLError(str(error))]), 400
        try:
            with self.store.connect() as con:
                context = RequestContext(principal, Batch(con), principal.role in FULL_PHONE_ROLES)
                result = execute(
                    self.schema, checked.document, context_value=context, variable_values=variables,
                    operation_name=operation, hide_suggestions=self.production, is_awaitable=_never,
                )
        except NotPublished:
            return {"errors": [{"message": "the serving store is not available yet"}]}, 503
        assert isinstance(result, ExecutionResult)
        if context.read_customer_ids:
            self.audit.record(principal, context.read_customer_ids)
        body: dict = {"data": result.data}
        if result.errors:
            body["errors"] = [public_error(e, self.production) for e in result.errors]
        return body, 200

    def _errors(self, errors) -> dict:
        return {"errors": [public_error(e, self.production) for e in errors]}
