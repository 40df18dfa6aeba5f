"""The reference agent desktop page: GET /desk?ani=<number> (docs/agent_desk.md).

A static page and its script and stylesheet (api/static/desk/, no CDN, nothing from the
network beyond the API): the agent enters their API key once (kept in the tab's
sessionStorage, never in the URL), the page looks the caller up by `ani` (or what is typed
in its search box: a phone number, VIN or customer id) and shows the screen-pop card
through POST /graphql with that key. The page holds no data itself, so it is served in
production too; its Content-Security-Policy lets it load and call nothing but the API.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

STATIC_DIR = Path(__file__).resolve().parent / "static" / "desk"
STATIC_PATH = "/desk/static"
ASSETS = {"desk.js": "text/javascript; charset=utf-8", "desk.css": "text/css; charset=utf-8"}
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
_HEADERS = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-cache"}


async def _page(_request: Request) -> Response:
    return FileResponse(STATIC_DIR / "desk.html", media_type="text/html; charset=utf-8", headers=_HEADERS)


async def _asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in ASSETS:
        return JSONResponse({"errors": [{"message": f"no desk file {name!r} (files: {', '.join(ASSETS)})"}]},
                            status_code=404)
    return FileResponse(STATIC_DIR / name, media_type=ASSETS[name], headers=_HEADERS)


def desk_routes() -> list[Route]:
    return [Route("/desk", _page), Route(STATIC_PATH + "/{name}", _asset)]
