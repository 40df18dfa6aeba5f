"""The ASGI app: POST /graphql (API key required), GraphiQL on GET in development, /health.

Execution is synchronous inside the handler: a screen-pop is a few indexed SQLite reads
(tens of microseconds each), cheaper than handing the work to a thread. One process per
core serves in production (`hub serve --workers`).
"""

from __future__ import annotations

import json
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from api.audit import AuditLog
from api.group_commit import GroupCommitWriter
from api.graphiql import GRAPHIQL_HTML
from api.keys import KeyChecker
from api.marketing import ListArgumentError, cross_sell_page, export_rows, to_csv
from api.roles import EXPORT_ROLES
from api.ops import ops_engine
from api.service import GraphQLService
from api.store import NotPublished, ServingStore
from api.writeback import WriteBackService
from hub.settings import Settings, get_settings
from hub.writeback import log_engine


class _Json(JSONResponse):
    def render(self, content) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()


def _error(message: str, status: int) -> Response:
    return _Json({"errors": [{"message": message}]}, status_code=status)


def _token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return request.headers.get("x-api-key")


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    production = settings.env == "production"
    ops = ops_engine(settings.ops_url)
    keys = KeyChecker(ops)
    audit = AuditLog(ops)
    store = ServingStore(settings.serving_url)
    log_reader, log_writer = log_engine(settings.ops_url), log_engine(settings.ops_url, writer=True)
    writer = GroupCommitWriter(log_writer)
    service = GraphQLService(store, audit, production, WriteBackService(store, log_reader, writer))

    async def graphql(request: Request) -> Response:
        if request.method == "GET":
            if production:
                return _error("GraphiQL is off in production; POST queries to /graphql", 405)
            return HTMLResponse(GRAPHIQL_HTML)
        principal = keys.check(_token(request))
        if principal is None:
            return _error("a valid API key is required (Authorization: Bearer <key>)", 401)
        try:
            payload = json.loads(await request.body())
            query = payload["query"]
            variables = payload.get("variables")
            operation = payload.get("operationName")
            if not isinstance(query, str) or not isinstance(variables, dict | None):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return _error('the body must be JSON {"query": "...", "variables": {...}}', 400)
        body, status = await service.run_async(principal, query, variables, operation)
        return _Json(body, status_code=status)

    async def cross_sell_csv(request: Request) -> Response:
        """GET /export/cross-sell.csv?product=parts&channel=sms&minScore=&region=&segment= (role marketer)."""
        principal = keys.check(_token(request))
        if principal is None:
            return _error("a valid API key is required (Authorization: Bearer <key>)", 401)
        if principal.role not in EXPORT_ROLES:
            return _error(f"role {principal.role} may not export marketing lists (roles: marketer)", 403)
        q = request.query_params
        try:
            args = dict(product=q.get("product", ""), channel=q.get("channel", "sms"),
                        min_score=float(q.get("minScore", "0")), region=q.get("region"), segment=q.get("segment"))
            with store.connect() as con:
                cross_sell_page(con, first=1, **args, ops=log_reader)  # refuses bad arguments before streaming starts
        except (ListArgumentError, ValueError) as error:
            return _error(str(error), 400)
        except NotPublished:
            return _error("the serving store is not available yet", 503)

        def body():
            with store.connect() as con:
                yield from to_csv(export_rows(con, **args, ops=log_reader))

        return StreamingResponse(body(), media_type="text/csv; charset=utf-8")

    async def health(_request: Request) -> Response:
        return _Json({"status": "ok"})

    @asynccontextmanager
    async def lifespan(_app: Starlette):
        audit.start()
        try:
            yield
        finally:
            audit.close()
            writer.close()
            store.close()
            log_reader.dispose()
            log_writer.dispose()
            ops.dispose()

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/export/cross-sell.csv", cross_sell_csv),
            Route("/health", health),
        ],
        lifespan=lifespan,
    )
    app.state.audit = audit
    return app
