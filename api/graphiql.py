"""The GraphiQL page served on GET /graphql in development (off in production).

React and GraphiQL come from files in the repository (api/static/graphiql/, refreshed from
the npm registry at the versions of its package-lock.json by `make graphiql-assets`), served
by the API under STATIC_PATH: the page works with no network beyond the API, and its
Content-Security-Policy tells the browser to load nothing from anywhere else.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

STATIC_DIR = Path(__file__).resolve().parent / "static" / "graphiql"
STATIC_PATH = "/graphiql/static"

# every file the page loads, and its content type (nothing else under STATIC_DIR is served)
ASSETS = {
    "graphiql.min.css": "text/css; charset=utf-8",
    "react.production.min.js": "text/javascript; charset=utf-8",
    "react-dom.production.min.js": "text/javascript; charset=utf-8",
    "graphiql.min.js": "text/javascript; charset=utf-8",
    "hub-graphiql.js": "text/javascript; charset=utf-8",
}

# GraphiQL sets inline style attributes and its stylesheet embeds its fonts as data: URLs
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "font-src 'self' data:; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)

GRAPHIQL_HTML = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>cs-hub GraphiQL</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="{STATIC_PATH}/graphiql.min.css">
</head>
<body style="margin:0">
  <div id="graphiql" style="height:100vh"></div>
  <script src="{STATIC_PATH}/react.production.min.js"></script>
  <script src="{STATIC_PATH}/react-dom.production.min.js"></script>
  <script src="{STATIC_PATH}/graphiql.min.js"></script>
  <script src="{STATIC_PATH}/hub-graphiql.js"></script>
</body>
</html>
"""


def graphiql_page() -> Response:
    return HTMLResponse(GRAPHIQL_HTML, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})


async def _asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in ASSETS:
        return JSONResponse({"errors": [{"message": f"no GraphiQL file {name!r} (files: {', '.join(ASSETS)})"}]},
                            status_code=404)
    path = STATIC_DIR / name
    if not path.is_file():
        return JSONResponse({"errors": [{"message": f"{path} is missing: run `make graphiql-assets`"}]},
                            status_code=503)
    # versioned by the lock file, not the URL: let browsers revalidate (FileResponse sends ETag)
    return FileResponse(path, media_type=ASSETS[name], headers={"Cache-Control": "no-cache"})


def graphiql_routes(production: bool) -> list[Route]:
    """The routes of GraphiQL's files: none in production, where GraphiQL is off."""
    return [] if production else [Route(STATIC_PATH + "/{name}", _asset)]
