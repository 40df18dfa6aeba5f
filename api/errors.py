"""What a caller sees of an error: the rule it broke, never SQL, a stack trace or a schema hint.

Errors raised on purpose (GraphQL validation, limits, bad arguments) keep their message;
anything else becomes "internal error" with a reference the server log also carries.
"""

from __future__ import annotations

import logging
import re
import secrets

from graphql import GraphQLError

from api.limits import LimitError
from api.profiles import BadArgument
from api.store import NotPublished
from hub.writeback import InvalidWriteBack

log = logging.getLogger(__name__)

_SUGGESTION = re.compile(r"\s*Did you mean .*$", re.DOTALL)
_CALLER_ERRORS = (BadArgument, LimitError, InvalidWriteBack)


def public_error(error: GraphQLError, production: bool) -> dict:
    original = error.original_error
    if original is None or isinstance(original, _CALLER_ERRORS + (GraphQLError,)):
        # a GraphQLError inside: a variable's value that does not fit its input type
        message = error.message if original is None or isinstance(original, GraphQLError) else str(original)
        if production:
            message = _SUGGESTION.sub("", message)
    elif isinstance(original, NotPublished):
        message = "the serving store is not available yet"
    else:
        # "E" and hex: letters and digits run together, so the log's PII filter (hub.log),
        # which masks digit runs shaped like phone numbers, leaves the reference as it is
        reference = f"E{secrets.token_hex(4)}"
        log.error("internal error %s in %s: %s", reference, error.path, type(original).__name__, exc_info=original)
        message = f"internal error (reference {reference})"
    formatted: dict = {"message": message}
    if error.path is not None:
        formatted["path"] = error.path
    if error.locations and original is None:
        formatted["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    return formatted
