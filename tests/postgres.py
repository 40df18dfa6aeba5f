"""A throwaway PostgreSQL server for tests that need the production stores.

Debian's postgresql-15 package provides the binaries (`make install-system` installs
it on a fresh machine). initdb refuses to run as root, so as root the server runs as
the `postgres` user, in a temporary directory with its socket beside it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _as_server_user(args: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return args
    return ["runuser", "-u", "postgres", "--", *args]


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a PostgreSQL 15 server on a free localhost port; yield its SQLAlchemy URL."""
    if not (PG_BIN / "initdb").exists():
        raise RuntimeError(f"PostgreSQL 15 is not installed ({PG_BIN}); run `make install-system`")
    root = Path(tempfile.mkdtemp(prefix="cs-hub-pg-"))
    data = root / "data"
    port = free_port()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    subprocess.run(
        _as_server_user([str(PG_BIN / "initdb"), "-D", str(data), "-U", "hub", "--auth=trust", "-E", "UTF8"]),
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    subprocess.run(
        _as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l", str(root / "log"), "start"]),
        check=True,
        capture_output=True,
    )
    try:
        subprocess.run(
            _as_server_user([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "hub", "hub"]),
            check=True,
            capture_output=True,
        )
        yield f"postgresql+psycopg://hub@127.0.0.1:{port}/hub"
    finally:
        subprocess.run(
            _as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def fresh_database(postgres_url: str, prefix: str) -> str:
    """The URL of a new, empty database on the server of postgres_url: tests that read whole
    tables take one of their own, since the session's default database is shared."""
    import uuid

    import sqlalchemy as sa

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.exec_driver_sql(f"create database {name}")
    admin.dispose()
    return postgres_url.rsplit("/", 1)[0] + f"/{name}"
