"""The ASGI app: POST /graphql (API key required), GraphiQL on GET in development, /health.

POST /graphql takes one operation, or a JSON list of up to MAX_BATCH operations answered
by a list in the same order (how a contact engine sends write-backs in bulk: the batch's
mutations run together and share one group commit; each keeps its own idempotency key,
checks and answer).

Reads execute in a worker thread under a per-request deadline (api.service, api.deadline
Deadline): a slow one never holds the event loop, and past its deadline its statements are
aborted and it is answered 504. Mutations run on the event loop (they await their group
commit). One process per core serves in production (`hub serve --workers`).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Iterable
from contextlib import asynccontextmanager
from datetime import date
from typing import TypeVar

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from api.audit import PAUSED, AuditLog, audited_rows
from api.group_commit import GroupCommitWriter
from api.deadline import Deadline
from api.desk import desk_routes
from api.graphiql import graphiql_page, graphiql_routes
from api.keys import KeyChecker, Principal
from api import leads, retention, service_notices
from api.marketing import ListArgumentError, cross_sell_page, export_rows, to_csv
from api.roles import EXPORT_ROLES, LEAD_ROLES, ROLES, SERVICE_NOTICE_ROLES
from api.ops import audit_writer_engine, ops_engine
from api.rates import RateLimiter, Refusal
from api.service import GraphQLService
from api.store import NotPublished, Reader, ServingStore
from api.writeback import WriteBackService
from hub.audit import chain_key
from hub.settings import Settings, get_settings
from hub.writeback import log_engine

try:  # optional: installed with the hub's dependencies today, not pinned by it
    import orjson
except ImportError:  # pragma: no cover - depends on the environment
    orjson = None

T = TypeVar("T")

# operations in one batched request (a JSON list of operations, answered by a list)
MAX_BATCH = 100
# bytes of one request body (a full batch of write-backs is a few hundred kB)
MAX_BODY_BYTES = 1_048_576


# JSON nesting a request body may have: GraphQL variables are a few levels deep
MAX_JSON_DEPTH = 32
_SURROGATE = re.compile("[\ud800-\udfff]")


class _TooLarge(Exception):
    pass


class _BadJson(ValueError):
    """A body that is JSON but no request: the message says why."""


def _check_json(payload: object) -> None:
    """Refuse nesting deeper than MAX_JSON_DEPTH and strings that are not text (a lone
    UTF-16 surrogate such as "\\ud800" parses in JSON but cannot be stored or compared)."""
    stack = [(payload, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                raise _BadJson("a string in the body holds a lone UTF-16 surrogate (\\ud800-\\udfff); send text")
        elif isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise _BadJson(f"the body's JSON is nested deeper than {MAX_JSON_DEPTH} levels")
            items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)


async def _body(request: Request) -> bytes:
    """The request body, refused (HTTP 413) once it passes MAX_BODY_BYTES: a declared
    Content-Length is checked before reading, a streamed body while it arrives."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _TooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def render_json(content: object) -> bytes:
    """Compact UTF-8 JSON; orjson when installed (the same bytes, a fraction of the CPU), else json."""
    if orjson is not None:
        try:
            return orjson.dumps(content)
        except (TypeError, orjson.JSONEncodeError):
            pass  # what orjson refuses (an int past 64 bits, a lone surrogate): json says it its way
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()


class _Json(JSONResponse):
    def render(self, content) -> bytes:
        return render_json(content)


def _error(message: str, status: int, headers: dict[str, str] | None = None) -> Response:
    return _Json({"errors": [{"message": message}]}, status_code=status, headers=headers)


def _too_many(refusal: Refusal) -> Response:
    return _error(refusal.message, 429, {"Retry-After": str(max(1, refusal.retry_after))})


def _token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return request.headers.get("x-api-key")


def _operation(payload: object) -> tuple[str, dict | None, str | None]:
    """(query, variables, operationName) of one operation of a request body."""
    if not isinstance(payload, dict):
        raise TypeError
    query, variables, operation = payload["query"], payload.get("variables"), payload.get("operationName")
    if not isinstance(query, str) or not isinstance(variables, dict | None) or not isinstance(operation, str | None):
        raise TypeError
    return query, variables, operation


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    production = settings.env == "production"
    ops = ops_engine(settings.ops_url)
    keys = KeyChecker(ops)
    audit_store = audit_writer_engine(settings.ops_url)
    audit = AuditLog(audit_store, chain_key(settings))
    store = ServingStore(settings.serving_url)
    log_reader, log_writer = log_engine(settings.ops_url), log_engine(settings.ops_url, writer=True)
    writer = GroupCommitWriter(log_writer)
    limiter = RateLimiter(settings.api_rate_limits, settings.api_miss_block_seconds)
    service = GraphQLService(store, audit, production, WriteBackService(store, log_reader, writer), limiter, ops,
                             settings.api_deadline_seconds, compiled=settings.api_compiled)

    def limited(principal: Principal, tokens: int) -> Response | None:
        refusal = limiter.take(principal.key_id, principal.role, tokens)
        return None if refusal is None else _too_many(refusal)

    async def graphql(request: Request) -> Response:
        if request.method == "GET":
            if production:
                return _error("GraphiQL is off in production; POST queries to /graphql", 405)
            return graphiql_page()
        principal = keys.check(_token(request))
        if principal is None:
            return _error("a valid API key is required (Authorization: Bearer <key>)", 401)
        try:
            raw = await _body(request)
        except _TooLarge:
            return _error(f"the request body is larger than {MAX_BODY_BYTES} bytes", 413)
        try:
            payload = json.loads(raw)
        except RecursionError:
            return _error(f"the body's JSON is nested deeper than {MAX_JSON_DEPTH} levels", 400)
        except ValueError:
            payload = None
        try:
            _check_json(payload)
        except _BadJson as error:
            return _error(str(error), 400)
        try:
            batch = isinstance(payload, list)
            operations = [_operation(p) for p in (payload if batch else [payload])]
        except (KeyError, TypeError):
            return _error('the body must be JSON {"query": "...", "variables": {...}} or a list of those', 400)
        if batch and not 1 <= len(operations) <= MAX_BATCH:
            return _error(f"a batch holds 1 to {MAX_BATCH} operations, not {len(operations)}", 400)
        # every operation and every top-level field of it counted, before any of them runs
        refused = limited(principal, sum(service.tokens(principal.role, query) for query, _, _ in operations))
        if refused is not None:
            return refused
        if not batch:
            body, status = await service.run_async(principal, *operations[0])
            return _Json(body, status_code=status)
        # run together: their write-backs share the group commit, each answered in its own slot;
        # the reads share one deadline (each settles its own answer)
        ends = Deadline(settings.api_deadline_seconds).at
        seconds = settings.api_deadline_seconds
        answers = await asyncio.gather(*(service.run_async(principal, *op, Deadline(seconds, ends))
                                         for op in operations))
        return _Json([body for body, _ in answers])

    def export_principal(request: Request, roles: frozenset[str], what: str) -> Principal | Response:
        """The caller of a CSV export, or the answer that refuses it (key, role, rate, audit backlog)."""
        principal = keys.check(_token(request))
        if principal is None:
            return _error("a valid API key is required (Authorization: Bearer <key>)", 401)
        if principal.role not in roles:
            allowed = ", ".join(role for role in ROLES if role in roles)
            return _error(f"role {principal.role} may not export {what} (roles: {allowed})", 403)
        refused = limited(principal, 1)
        if refused is not None:
            return refused
        if audit.backlogged:  # an export is a read too: fail closed like GraphQL
            return _error(PAUSED, 503)
        return principal

    def checked_arguments(check: Callable[[Reader], T]) -> T | Response:
        """Run the list's first page to refuse bad arguments before streaming starts."""
        try:
            with store.connect() as con:
                return check(con)
        except (ListArgumentError, ValueError) as error:
            return _error(str(error), 400)
        except NotPublished:
            return _error("the serving store is not available yet", 503)

    def audited_csv(principal: Principal, rows: Callable[[Reader], Iterable], write_csv: Callable,
                    id_field: str = "customerId", **detail: object) -> StreamingResponse:
        """Stream rows as CSV, each group of rows audited before it is sent."""
        def record(customer_ids: list[str]) -> None:
            ticket = audit.record(principal, customer_ids, action="export_row", **detail)
            if not audit.wait(ticket):
                raise RuntimeError(PAUSED)  # stops the stream: no unaudited row goes out

        def body():
            with store.connect() as con:
                yield from write_csv(audited_rows(rows(con), record, id_field))

        return StreamingResponse(body(), media_type="text/csv; charset=utf-8")

    async def cross_sell_csv(request: Request) -> Response:
        """GET /export/cross-sell.csv?product=parts&channel=sms&minScore=&region=&segment= (role marketer)."""
        principal = export_principal(request, EXPORT_ROLES, "marketing lists")
        if isinstance(principal, Response):
            return principal
        q = request.query_params

        def arguments(con: Reader) -> dict:
            args = dict(product=q.get("product", ""), channel=q.get("channel", "sms"),
                        min_score=float(q.get("minScore", "0")), region=q.get("region"), segment=q.get("segment"))
            cross_sell_page(con, first=1, **args, ops=log_reader)
            return args

        args = checked_arguments(arguments)
        if isinstance(args, Response):
            return args
        return audited_csv(principal, lambda con: export_rows(con, **args, ops=log_reader), to_csv,
                           list="cross_sell", product=args["product"])

    async def retention_csv(request: Request) -> Response:
        """GET /export/retention.csv?channel=sms&minRisk=&minValueCny= (role marketer)."""
        principal = export_principal(request, EXPORT_ROLES, "marketing lists")
        if isinstance(principal, Response):
            return principal
        q = request.query_params

        def arguments(con: Reader) -> dict:
            args = dict(channel=q.get("channel", "sms"), min_risk=float(q.get("minRisk", "0.5")),
                        min_value=float(q.get("minValueCny", "0")))
            retention.retention_page(con, first=1, **args, ops=log_reader)
            return args

        args = checked_arguments(arguments)
        if isinstance(args, Response):
            return args
        return audited_csv(principal, lambda con: retention.export_rows(con, **args, ops=log_reader),
                           retention.to_csv, list="retention")

    async def service_notice_csv(request: Request) -> Response:
        """GET /export/service-notice.csv?alert=ID | model=&batch=&region=&inServiceOn= &channel= (contact_engine, admin)."""
        principal = export_principal(request, SERVICE_NOTICE_ROLES, "service notices")
        if isinstance(principal, Response):
            return principal
        q = request.query_params
        channel = q.get("channel", "sms")

        def arguments(con: Reader):
            day = q.get("inServiceOn")
            target = service_notices.affected(con, q.get("alert"), q.get("model"), q.get("batch"), q.get("region"),
                                              None if day is None else date.fromisoformat(day))
            service_notices.notice_page(con, target, channel, first=1, ops=log_reader)
            return target

        target = checked_arguments(arguments)
        if isinstance(target, Response):
            return target
        return audited_csv(principal, lambda con: service_notices.export_rows(con, target, channel, ops=log_reader),
                           service_notices.to_csv, list="service_notice", notice=target.describe())

    async def leads_csv(request: Request) -> Response:
        """GET /export/leads.csv?status=&region=&minScore= (role sales): the hand-over list."""
        principal = export_principal(request, LEAD_ROLES, "the leads hand-over list")
        if isinstance(principal, Response):
            return principal
        q = request.query_params

        def arguments(con: Reader) -> dict:
            args = dict(status=q.get("status"), region=q.get("region"), min_score=float(q.get("minScore", "0")))
            leads.leads_page(con, first=1, **args, ops=log_reader)
            return args

        args = checked_arguments(arguments)
        if isinstance(args, Response):
            return args
        return audited_csv(principal, lambda con: leads.export_rows(con, **args, ops=log_reader), leads.to_csv,
                           id_field="auditSubject", list="sales_leads")

    async def health(_request: Request) -> Response:
        return _Json({"status": "ok"})

    @asynccontextmanager
    async def lifespan(_app: Starlette):
        audit.start()
        try:
            yield
        finally:
            service.close()
            audit.close()
            writer.close()
            store.close()
            log_reader.dispose()
            log_writer.dispose()
            ops.dispose()
            audit_store.dispose()

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/export/cross-sell.csv", cross_sell_csv),
            Route("/export/retention.csv", retention_csv),
            Route("/export/service-notice.csv", service_notice_csv),
            Route("/export/leads.csv", leads_csv),
            Route("/health", health),
            *graphiql_routes(production),
            *desk_routes(),
        ],
        lifespan=lifespan,
    )
    app.state.audit = audit
    return app
