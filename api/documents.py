"""Parsed, bounded and validated documents, cached per (query text, role).

Parsing and validating cost more than a screen-pop's lookups; a contact center sends the
same few query texts all day, so each is checked once per role and reused, and compiled
once into a plan that runs without graphql-core's executor where it can (api.compiled). Validation
adds the role's field rules (api.roles) and, in production, refuses introspection.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from graphql import (
    ArgumentNode,
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    NullValueNode,
    Undefined,
    parse,
    specified_rules,
    validate,
)
from graphql.validation import NoSchemaIntrospectionCustomRule

from api.compiled import Plan, compile_document
from api.limits import LimitError, check_limits
from api.roles import may_read

MAX_QUERY_CHARS = 20_000


def role_rule(role: str) -> type[ASTValidationRule]:
    """A validation rule that refuses any field the role may not read."""

    class RoleFields(ASTValidationRule):
        def enter_field(self, node: FieldNode, *_args) -> None:
            parent = self.context.get_parent_type()
            if parent is None or parent.name.startswith("__") or node.name.value.startswith("__"):
                return
            if not may_read(role, parent.name, node.name.value):
                self.report_error(
                    GraphQLError(f"field {parent.name}.{node.name.value} is not available to role {role}", node)
                )

    return RoleFields


class NoNullForDefaults(ASTValidationRule):
    """`first: null` and the like: an argument with a default takes a value or is left out.
    (Those arguments are non-null in the SDL; this names the argument in the error.)"""

    def enter_argument(self, node: ArgumentNode, *_args) -> None:
        argument = self.context.get_argument()
        if argument is None or argument.default_value is Undefined or not isinstance(node.value, NullValueNode):
            return
        self.report_error(GraphQLError(
            f"argument `{node.name.value}` must not be null: leave it out for its default {argument.default_value!r}",
            node))


@dataclass(frozen=True)
class Checked:
    document: DocumentNode | None
    errors: tuple[GraphQLError, ...]
    # a query whose `first` comes from variables is bounded again once their values are known
    bound_variables: frozenset[str] = frozenset()
    # rate-limit tokens of one execution (api.limits.Bounds.root_fields)
    root_fields: int = 1
    # the document precompiled (api.compiled): None when graphql-core executes it
    plan: Plan | None = None


class DocumentCache:
    def __init__(self, schema: GraphQLSchema, production: bool, roles: tuple[str, ...], size: int = 512) -> None:
        self._schema = schema
        self._production = production
        self._size = size
        self._lock = Lock()
        self._entries: OrderedDict[tuple[str, str], Checked] = OrderedDict()
        extra = [NoSchemaIntrospectionCustomRule] if production else []
        self._rules = {
            role: [NoNullForDefaults, *specified_rules, *extra, role_rule(role)] for role in roles
        }

    def get(self, query: str, role: str) -> Checked:
        key = (query, role)
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
                return hit
        checked = self._check(query, role)
        with self._lock:
            self._entries[key] = checked
            if len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return checked

    def _check(self, query: str, role: str) -> Checked:
        if len(query) > MAX_QUERY_CHARS:
            return Checked(None, (GraphQLError(f"query is longer than {MAX_QUERY_CHARS} characters"),))
        try:
            document = parse(query, max_tokens=5_000)
        except GraphQLError as error:
            return Checked(None, (error,))
        try:
            # bounds first: a huge or deep document is refused before validation spends time on it
            bounds = check_limits(document, None)
        except LimitError as error:
            return Checked(None, (GraphQLError(str(error)),))
        errors = validate(
            self._schema, document, self._rules[role], max_errors=10, hide_suggestions=self._production
        )
        if errors:
            return Checked(None, tuple(errors), bounds.bound_variables, bounds.root_fields)
        return Checked(document, (), bounds.bound_variables, bounds.root_fields, compile_document(self._schema, document))
