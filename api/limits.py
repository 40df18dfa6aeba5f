"""Bounds checked on a parsed query before it runs: depth, aliases, list sizes, cost.

Cost counts every field once and multiplies what is under a list by how many items it may
return (its `first` argument, or the list's default), so a query that fans out is refused
up front instead of after it has loaded the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)

MAX_DEPTH = 8
MAX_ALIASES = 10
MAX_FIRST = 100
MAX_COST = 2_000
# items a list field is assumed to return when the query does not say (its SDL default)
LIST_SIZES = {"searchCustomers": 20, "vehicles": 20, "recentCalls": 10, "openWorkOrders": 20, "phones": 10, "edges": 1}


class LimitError(ValueError):
    """The query breaks a bound; the message says which and the allowed maximum."""


@dataclass
class _Walk:
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    aliases: int = 0
    depth: int = 0
    first_variables: set[str] = field(default_factory=set)


def _first(node: FieldNode, walk: _Walk) -> int | None:
    for argument in node.arguments or ():
        if argument.name.value != "first":
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):
            walk.first_variables.add(value.name.value)
            given = walk.variables.get(value.name.value)
            return given if isinstance(given, int) else None
    return None


def _cost(selection_set: SelectionSetNode | None, walk: _Walk, depth: int, seen: frozenset[str]) -> int:
    if selection_set is None:
        return 0
    walk.depth = max(walk.depth, depth)
    if depth > MAX_DEPTH:
        raise LimitError(f"query depth exceeds the maximum of {MAX_DEPTH}")
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.alias is not None:
                walk.aliases += 1
            first = _first(selection, walk)
            if first is not None and not 0 <= first <= MAX_FIRST:
                raise LimitError(f"`first` on {selection.name.value} must be between 0 and {MAX_FIRST}, got {first}")
            size = first if first is not None else LIST_SIZES.get(selection.name.value, 1)
            total += 1 + size * _cost(selection.selection_set, walk, depth + 1, seen)
        elif isinstance(selection, InlineFragmentNode):
            total += _cost(selection.selection_set, walk, depth, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = walk.fragments.get(name)
            if fragment is None or name in seen:
                continue  # validation reports unknown and cyclic fragments
            total += _cost(fragment.selection_set, walk, depth, seen | {name})
    return total


@dataclass(frozen=True)
class Bounds:
    cost: int
    # variables that set a `first`: with other variables the check need not be repeated
    first_variables: frozenset[str]


def check_limits(document: DocumentNode, variables: Mapping[str, Any] | None) -> Bounds:
    """The query's estimated cost; raises LimitError when any bound is broken."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    walk = _Walk(fragments=fragments, variables=variables or {})
    cost = 0
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            cost += _cost(definition.selection_set, walk, 1, frozenset())
    if walk.aliases > MAX_ALIASES:
        raise LimitError(f"query uses {walk.aliases} aliases; the maximum is {MAX_ALIASES}")
    if cost > MAX_COST:
        raise LimitError(f"query cost {cost} exceeds the maximum of {MAX_COST}; ask for fewer items with `first`")
    return Bounds(cost, frozenset(walk.first_variables))
