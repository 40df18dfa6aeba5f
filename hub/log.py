"""Logging that never writes personal data.

Every handler the hub installs carries PiiFilter, which masks anything shaped
like a phone number, id-card number or e-mail address before it is written,
whatever the caller passed in.
"""

from __future__ import annotations

import logging
import re

# Top-level packages of the hub: their INFO lines are its own narrative. Any other logger
# (Great Expectations, alembic, Dagster, dbt, urllib3, ...) is a library's.
OWN_PACKAGES = frozenset({"__main__", "hub", "ingestion", "orchestration", "models", "api", "bench", "superset"})

_PATTERNS = (
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "<email>"),
    (re.compile(r"\b\d{17}[\dXx]\b"), "<id-card>"),
    (re.compile(r"(?<![\w])(?:\+|00)?\d[\d\- ()]{6,}\d(?![\w])"), "<phone>"),
)


def scrub(text: str) -> str:
    """Text with phone numbers, id-card numbers and e-mail addresses masked."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class PiiFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        return True


# Libraries whose warnings are training diagnostics, not trouble: Splink warns about every
# comparison level the data never shows (the trained model keeps them: docs/identity.md).
DIAGNOSTIC_FLOOR = {"splink": logging.ERROR}


class LibraryFilter(logging.Filter):
    """Pass the hub's own records and libraries' warnings and errors; drop libraries' INFO/DEBUG."""

    def filter(self, record: logging.LogRecord) -> bool:
        package = record.name.partition(".")[0]
        return package in OWN_PACKAGES or record.levelno >= DIAGNOSTIC_FLOOR.get(package, logging.WARNING)


def configure(level: int = logging.INFO, *, quiet_libraries: bool = False) -> None:
    """Install one PII-safe stderr handler on the root logger (idempotent).

    quiet_libraries keeps libraries' loggers to warnings and errors (`hub build` without
    --verbose): their INFO lines run to hundreds per build and would bury the progress.
    """
    root = logging.getLogger()
    if any(isinstance(f, PiiFilter) for h in root.handlers for f in h.filters):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if quiet_libraries:
        handler.addFilter(LibraryFilter())
    handler.addFilter(PiiFilter())
    root.addHandler(handler)
    root.setLevel(level)
    # libraries that narrate every step at INFO (WeasyPrint renders each report in 7 steps)
    for noisy in ("weasyprint", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
