"""One GraphQL request, start to end: check, bound, execute, audit, format.

Kept apart from the web framework so benchmarks and tests can call it in-process too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from inspect import isawaitable

from graphql import DocumentNode, ExecutionResult, GraphQLError, OperationDefinitionNode, OperationType, execute
from graphql.execution.values import get_variable_values

from api.audit import PAUSED, AuditLog
from api.context import Batch, RequestContext
from api.documents import DocumentCache
from api.errors import public_error
from api.graph import schema
from api.keys import Principal
from api.limits import LimitError, check_limits
from api.roles import FULL_PHONE_ROLES, ROLES
from api.live import LiveEvents
from api.store import NotPublished, ServingStore
from api.writeback import MutationContext, WriteBackService


def _never(_value: object) -> bool:
    """Every resolver is synchronous: skip graphql-core's awaitable test on each value."""
    return False


@dataclass
class GraphQLService:
    store: ServingStore
    audit: AuditLog
    production: bool
    # the contact engine's write-backs and read-your-writes (None: a read-only service)
    writeback: WriteBackService | None = None

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
        if checked.first_variables:
            # bounded on the values execution will use: defaults applied, 100.0 coerced to 100
            coerced = _coerced_variables(self.schema, checked.document, operation, variables)
            try:
                check_limits(checked.document, coerced)
            except LimitError as error:
                return self._errors([GraphQLError(str(error))]), 400
        if self.audit.backlogged:  # fail closed: no read the audit log cannot record
            return {"errors": [{"message": PAUSED}]}, 503
        try:
            with self.store.connect() as con:
                context = RequestContext(principal, Batch(con), principal.role in FULL_PHONE_ROLES)
                if self.writeback is not None:
                    context.live = LiveEvents(self.writeback.reader, context.batch)
                    context.ops = self.writeback.reader
                result = execute(
                    self.schema, checked.document, context_value=context, variable_values=variables,
                    operation_name=operation, hide_suggestions=self.production, is_awaitable=_never,
                )
        except NotPublished:
            return {"errors": [{"message": "the serving store is not available yet"}]}, 503
        assert isinstance(result, ExecutionResult)
        if context.read_customer_ids:
            self.audit.record(principal, context.read_customer_ids)
        if context.listed_customer_ids:
            self.audit.record(principal, context.listed_customer_ids, action="list_row", list="cross_sell")
        body: dict = {"data": result.data}
        if result.errors:
            body["errors"] = [public_error(e, self.production) for e in result.errors]
        return body, 200

    async def run_async(
        self, principal: Principal, query: str, variables: Mapping[str, Any] | None, operation: str | None
    ) -> tuple[dict, int]:
        """As run(), and mutations too: their resolvers await the durable commit of their
        write-back, so the event loop keeps taking requests (group commit) meanwhile."""
        checked = self.documents.get(query, principal.role)
        if checked.document is None or not _is_mutation(checked.document, operation) or self.writeback is None:
            return self.run(principal, query, variables, operation)
        result = execute(
            self.schema, checked.document, context_value=MutationContext(principal, self.writeback),
            variable_values=variables, operation_name=operation, hide_suggestions=self.production,
        )
        if isawaitable(result):
            result = await result
        body: dict = {"data": result.data}
        if result.errors:
            body["errors"] = [public_error(e, self.production) for e in result.errors]
        return body, 200

    def _errors(self, errors) -> dict:
        return {"errors": [public_error(e, self.production) for e in errors]}


def _coerced_variables(schema, document: DocumentNode, operation: str | None,
                       variables: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """The operation's variables as execution coerces them; {} when they do not coerce
    (execution then refuses them before any resolver runs)."""
    chosen = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)
              and (operation is None or (d.name is not None and d.name.value == operation))]
    if len(chosen) != 1:
        return {}
    coerced = get_variable_values(schema, chosen[0].variable_definitions or (), variables or {}, max_errors=10)
    return coerced if isinstance(coerced, dict) else {}


def _is_mutation(document: DocumentNode, operation: str | None) -> bool:
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
            operation is None or (definition.name is not None and definition.name.value == operation)
        ):
            return definition.operation == OperationType.MUTATION
    return False
