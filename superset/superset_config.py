"""Superset configuration of the hub (read through SUPERSET_CONFIG_PATH).

Superset keeps its own metadata (users, charts, dashboards) in SQLite under
$HUB_DATA_DIR/superset/; the only data it reads is the hub's serving store, opened
read-only. Nothing here is secret in development; production sets SUPERSET_SECRET_KEY.
"""

import os
from pathlib import Path

_DATA_DIR = Path(os.environ.get("HUB_DATA_DIR", "var")).resolve()
_SUPERSET_DIR = _DATA_DIR / "superset"
_SUPERSET_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = os.environ.get("SUPERSET_SECRET_KEY", "cs-hub-development-key-set-SUPERSET_SECRET_KEY-in-production")
SQLALCHEMY_DATABASE_URI = f"sqlite:///{_SUPERSET_DIR / 'superset.db'}"
DATA_DIR = str(_SUPERSET_DIR)

# The serving store is SQLite in the embedded deployment: allow it as a data source.
# The connection itself is read-only (mode=ro, see superset/provision.py).
PREVENT_UNSAFE_DB_CONNECTIONS = False

# Local HTTP only: no HTTPS redirects or CSP nagging; the app runs behind no proxy.
TALISMAN_ENABLED = False
CONTENT_SECURITY_POLICY_WARNING = False
WTF_CSRF_ENABLED = True

# One process, no Redis: results are not cached between requests, so a new publish
# shows at once.
CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
FEATURE_FLAGS = {"DASHBOARD_RBAC": False, "ALERT_REPORTS": False}
SUPERSET_WEBSERVER_TIMEOUT = 120
ROW_LIMIT = 50000
