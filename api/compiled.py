"""Precompiled reads: a checked document turned once into a plan that runs without graphql-core.

A contact center sends the same few screen-pop documents all day (bench/api.py's QUERY, the desk's
card). graphql-core's execute() collects fields, builds a resolve info and a path for every field
of every row; for these documents that costs more CPU than the lookups themselves. compile_document
walks the validated document once and keeps, per selected field, its response key, resolver,
arguments and how its value completes (leaf serializer, list, non-null); run() then calls the very
same resolvers (api.resolvers, so the same SQL, batching, audit and live write-backs) and
serializers, and builds the same `data`.

Only documents whose every resolver reads nothing of `info` but `info.context` compile
(CONTEXT_ONLY): one query operation, fields only (no fragments, no directives, no repeated
response key). Anything else, and any request whose run does not finish cleanly (variables that do
not coerce, a resolver that raises, a null in a non-null field), is executed by graphql-core on a
fresh context instead (api.service), so errors read exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    Undefined,
    VariableNode,
    Visitor,
    is_leaf_type,
    visit,
)
from graphql.execution.values import get_argument_values, get_variable_values

# (type, field) whose resolver uses nothing of its info argument but info.context: the fields a
# plan may hold. Fields without a resolver of their own (graphql-core's default: the row's key)
# need no entry.
CONTEXT_ONLY = frozenset({
    ("Query", "customer"),
    ("Customer", "phones"), ("Customer", "vehicles"), ("Customer", "recentCalls"),
    ("Customer", "openWorkOrders"), ("Customer", "lifecycle"), ("Customer", "suggestions"),
    ("Customer", "serviceHistory"), ("Customer", "contacts"), ("Customer", "consents"),
    ("Customer", "offerResponses"),
    ("Lifecycle", "churnReasons"), ("Lifecycle", "hasMarketingConsent"), ("Lifecycle", "openWorkOrderCount"),
    ("Vehicle", "health"), ("Vehicle", "activeFaults"), ("Vehicle", "openFieldAlerts"),
    ("Phone", "number"),
})


class _Fallback(Exception):
    """This run is not one a plan answers as graphql-core would: execute the document instead."""


class _Info:
    """What CONTEXT_ONLY resolvers read of their info argument."""

    __slots__ = ("context",)

    def __init__(self, context: object) -> None:
        self.context = context


@dataclass(frozen=True)
class _Field:
    key: str  # response key (the alias, or the field's name)
    name: str
    resolve: Callable | None  # None: graphql-core's default (the row's value under the field's name)
    args: dict | None  # arguments known at compile time; None: they read variables (computed per run)
    node: FieldNode
    definition: Any  # GraphQLField
    non_null: bool
    is_list: bool
    item_non_null: bool
    serialize: Callable | None  # leaf fields
    children: tuple[_Field, ...] | None  # object fields
    typename: str | None  # __typename: the parent type's name


@dataclass(frozen=True)
class Plan:
    name: str | None  # the operation's name
    variable_definitions: tuple
    fields: tuple[_Field, ...]
    has_variables: bool

    def matches(self, operation: str | None) -> bool:
        return operation is None or operation == self.name

    def run(self, schema: GraphQLSchema, context: object, variables: Mapping[str, Any] | None) -> dict | None:
        """The execution's `data`, or None when graphql-core must execute this request."""
        coerced: dict = {}
        if self.has_variables or variables:
            values = get_variable_values(schema, self.variable_definitions, variables or {}, max_errors=10)
            if not isinstance(values, dict):
                return None
            coerced = values
        info = _Info(context)
        try:
            return {f.key: _complete(f, _resolve(f, None, info, coerced), info, coerced) for f in self.fields}
        except _Fallback:
            return None
        except Exception:  # noqa: BLE001 - a resolver's error: graphql-core reports it in its own words
            return None


def _resolve(f: _Field, root: object, info: _Info, variables: dict) -> object:
    if f.typename is not None:
        return f.typename
    args = f.args if f.args is not None else get_argument_values(f.definition, f.node, variables)
    if f.resolve is not None:
        return f.resolve(root, info, **args)
    value = root.get(f.name) if isinstance(root, Mapping) else getattr(root, f.name, None)
    if callable(value):
        raise _Fallback
    return value


def _complete(f: _Field, value: object, info: _Info, variables: dict) -> object:
    if value is None or value is Undefined:
        if f.non_null:
            raise _Fallback
        return None
    if f.is_list:
        return [_item(f, item, info, variables) for item in value]
    return _one(f, value, info, variables)


def _item(f: _Field, value: object, info: _Info, variables: dict) -> object:
    if value is None:
        if f.item_non_null:
            raise _Fallback
        return None
    return _one(f, value, info, variables)


def _one(f: _Field, value: object, info: _Info, variables: dict) -> object:
    if f.serialize is not None:
        out = f.serialize(value)
        if out is None or out is Undefined:
            raise _Fallback
        return out
    return {c.key: _complete(c, _resolve(c, value, info, variables), info, variables) for c in f.children}


def compile_document(schema: GraphQLSchema, document: DocumentNode) -> Plan | None:
    """A plan for a validated document, or None when it is not one a plan can run."""
    definitions = document.definitions
    if len(definitions) != 1 or not isinstance(definitions[0], OperationDefinitionNode):
        return None
    operation = definitions[0]
    if operation.operation != OperationType.QUERY or operation.directives:
        return None
    try:
        fields = _compile_selection(schema, schema.query_type, operation.selection_set)
    except (_Fallback, GraphQLError):
        return None
    return Plan(operation.name.value if operation.name else None, tuple(operation.variable_definitions or ()),
                fields, bool(operation.variable_definitions))


def _compile_selection(schema: GraphQLSchema, parent: GraphQLObjectType, selection_set: SelectionSetNode
                       ) -> tuple[_Field, ...]:
    out, keys = [], set()
    for node in selection_set.selections:
        if not isinstance(node, FieldNode) or node.directives:
            raise _Fallback  # fragments, @skip/@include: graphql-core's field collection decides
        key = node.alias.value if node.alias else node.name.value
        if key in keys:
            raise _Fallback  # merged fields: graphql-core's collection merges their selections
        keys.add(key)
        name = node.name.value
        if name == "__typename":
            out.append(_Field(key, name, None, {}, node, None, True, False, False, str, None, parent.name))
            continue
        if name.startswith("__"):
            raise _Fallback  # introspection
        definition = parent.fields[name]
        if definition.resolve is not None and (parent.name, name) not in CONTEXT_ONLY:
            raise _Fallback
        kind = definition.type
        non_null = isinstance(kind, GraphQLNonNull)
        kind = kind.of_type if non_null else kind
        is_list = isinstance(kind, GraphQLList)
        item_non_null = False
        if is_list:
            kind = kind.of_type
            item_non_null = isinstance(kind, GraphQLNonNull)
            kind = kind.of_type if item_non_null else kind
            if isinstance(kind, GraphQLList | GraphQLNonNull):
                raise _Fallback  # lists of lists: none in the schema
        args = None if _reads_variables(node) else get_argument_values(definition, node, None)
        if is_leaf_type(kind):
            out.append(_Field(key, name, definition.resolve, args, node, definition, non_null, is_list,
                              item_non_null, kind.serialize, None, None))
        elif isinstance(kind, GraphQLObjectType) and node.selection_set is not None:
            children = _compile_selection(schema, kind, node.selection_set)
            out.append(_Field(key, name, definition.resolve, args, node, definition, non_null, is_list,
                              item_non_null, None, children, None))
        else:
            raise _Fallback  # interfaces and unions: none on the screen-pop
    return tuple(out)


def _reads_variables(node: FieldNode) -> bool:
    found = []

    class Find(Visitor):
        def enter_variable(self, _node: VariableNode, *_args) -> None:
            found.append(True)

    for argument in node.arguments or ():
        visit(argument, Find())
    return bool(found)
