"""One GraphQL request, start to end: check, bound, execute, audit, format.

Kept apart from the web framework so benchmarks and tests can call it in-process too.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from inspect import isawaitable

from graphql import DocumentNode, ExecutionResult, GraphQLError, OperationDefinitionNode, OperationType, execute
from graphql.execution.values import get_variable_values
from sqlalchemy.engine import Engine

from api.audit import PAUSED, AuditLog
from api.context import Batch, RequestContext
from api.documents import DocumentCache
from api.errors import public_error
from api.graph import schema
from api.keys import Principal
from api.deadline import Deadline
from api.limits import LimitError, check_limits
from api.roles import FULL_PHONE_ROLES, ROLES
from api.live import LiveEvents
from api.ops import raise_security_event
from api.rates import RateLimiter
from api.store import NotPublished, ServingStore
from api.writeback import MutationContext, WriteBackService


log = logging.getLogger(__name__)
# how long past its deadline a read may take to stop before it is answered 504 regardless
STOP_GRACE_SECONDS = 0.5


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
    # per-key limits (api.limits) and the ops store that keeps security events (None: no limits)
    limiter: RateLimiter | None = None
    ops: Engine | None = None
    # how long a read may take before its work is stopped (hub.settings api_deadline_seconds)
    deadline_seconds: float = 5.0
    threads: int = 8
    # run documents precompiled where they can be (api.compiled); False: graphql-core executes every one
    compiled: bool = True

    def __post_init__(self) -> None:
        self._threads = ThreadPoolExecutor(self.threads, thread_name_prefix="graphql")
        self.schema = schema()
        self.documents = DocumentCache(self.schema, self.production, ROLES)

    def run(
        self, principal: Principal, query: str, variables: Mapping[str, Any] | None, operation: str | None,
        deadline: Deadline | None = None,
    ) -> tuple[dict, int]:
        """The response body and HTTP status for one request; past `deadline` its reads are
        stopped and it is answered 504 with a reference the log carries too."""
        checked = self.documents.get(query, principal.role)
        if checked.document is None:
            return self._errors(checked.errors), 400
        if checked.bound_variables:
            # bounded on the values execution will use: defaults applied, 100.0 coerced to 100
            coerced = _coerced_variables(self.schema, checked.document, operation, variables)
            try:
                check_limits(checked.document, coerced)
            except LimitError as error:
                return self._errors([GraphQLError(str(error))]), 400
        if self.audit.backlogged:  # fail closed: no read the audit log cannot record
            return {"errors": [{"message": PAUSED}]}, 503
        plan = checked.plan if self.compiled and checked.plan is not None and checked.plan.matches(operation) else None
        try:
            with self.store.connect(deadline) as con:
                result = None
                if plan is not None:
                    context = self._context(principal, con)
                    data = plan.run(self.schema, context, variables)
                    if data is not None:
                        result = ExecutionResult(data)
                if result is None:  # not compiled, or a run the plan leaves to graphql-core: a fresh context
                    context = self._context(principal, con)
                    result = execute(
                        self.schema, checked.document, context_value=context, variable_values=variables,
                        operation_name=operation, hide_suggestions=self.production, is_awaitable=_never,
                    )
        except NotPublished:
            return {"errors": [{"message": "the serving store is not available yet"}]}, 503
        assert isinstance(result, ExecutionResult)
        if deadline is not None and (deadline.stopped or (result.errors and deadline.expired())):
            return self._late(principal, deadline, stopped=True), 504
        if deadline is not None and not deadline.settle():  # answered 504 already: nothing is sent
            return self._late(principal, deadline, stopped=False), 504
        # audited before answered: the read's entries are committed (group commit) before the
        # body leaves, so no crash loses an answered read; not committed in time -> 503
        tickets = []
        if context.read_customer_ids:
            tickets.append(self.audit.record(principal, context.read_customer_ids))
        if context.listed_customer_ids:
            tickets.append(self.audit.record(principal, context.listed_customer_ids, action="list_row",
                                             list=context.listed_list))
        if tickets and not self.audit.wait(max(tickets)):
            return {"errors": [{"message": PAUSED}]}, 503
        if context.missed:
            self._missed(principal, context.missed)
        body: dict = {"data": result.data}
        if result.errors:
            body["errors"] = [public_error(e, self.production) for e in result.errors]
        return body, 200

    async def run_async(
        self, principal: Principal, query: str, variables: Mapping[str, Any] | None, operation: str | None,
        deadline: Deadline | None = None,
    ) -> tuple[dict, int]:
        """As run(), and mutations too: their resolvers await the durable commit of their
        write-back, so the event loop keeps taking requests (group commit) meanwhile. Reads
        run in a worker thread, so a slow one never holds the event loop (other requests,
        /health); one not back by its deadline (plus a grace for stopping) is answered 504."""
        checked = self.documents.get(query, principal.role)
        if checked.document is None:
            return self.run(principal, query, variables, operation)
        if not _is_mutation(checked.document, operation) or self.writeback is None:
            deadline = deadline or Deadline(self.deadline_seconds)
            work = asyncio.get_running_loop().run_in_executor(
                self._threads, self.run, principal, query, variables, operation, deadline)
            try:
                return await asyncio.wait_for(asyncio.shield(work), deadline.remaining() + STOP_GRACE_SECONDS)
            except TimeoutError:
                if deadline.settle():
                    return self.late(principal, deadline)
                return await work  # the work settled first: its answer is on the way
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

    def _context(self, principal: Principal, con) -> RequestContext:
        context = RequestContext(principal, Batch(con), principal.role in FULL_PHONE_ROLES)
        if self.writeback is not None:
            context.live = LiveEvents(self.writeback.reader, context.batch)
            context.ops = self.writeback.reader
        return context

    def _late(self, principal: Principal, deadline: Deadline, stopped: bool) -> dict:
        """The 504 body for a request past its deadline; nothing of it is sent (or audited)."""
        reference = f"E{secrets.token_hex(4)}"
        log.warning("deadline: request %s of key %s (role %s) %s after its %g s", reference, principal.key_id,
                    principal.role, "stopped" if stopped else "still running", deadline.seconds)
        return {"errors": [{"message": f"the request took longer than its deadline of {deadline.seconds:g} s "
                                       f"and was stopped (reference {reference})"}]}

    def late(self, principal: Principal, deadline: Deadline) -> tuple[dict, int]:
        """The answer when a request's work has not returned by its deadline (it is stopping)."""
        return self._late(principal, deadline, stopped=False), 504

    def tokens(self, role: str, query: str) -> int:
        """What one execution of `query` takes from the caller's rate limit: one per
        top-level field (alias), at least one (an invalid document costs one too)."""
        checked = self.documents.get(query, role)
        return max(1, checked.root_fields) if checked.document is not None else 1

    def _missed(self, principal: Principal, missed: list[tuple[str, str]]) -> None:
        """Audit each lookup that found nobody (never the value looked up); a burst of them
        from one key is a security event and blocks the key (api.rates.RateLimiter)."""
        for field_name, argument in missed:
            self.audit.record(principal, [None], action="lookup_miss", field=field_name, argument=argument)
        if self.limiter is None:
            return
        burst = self.limiter.missed(principal.key_id, principal.role, len(missed))
        if burst is not None and self.ops is not None:
            raise_security_event(self.ops, "lookup_miss_burst", principal.key_id, principal.role, misses=burst,
                                 window_seconds=60, blocked_seconds=self.limiter.block_seconds,
                                 lookups=sorted({f"{f}({a}:)" for f, a in missed}))

    def close(self) -> None:
        self._threads.shutdown(wait=True, cancel_futures=True)

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
