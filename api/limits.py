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
LIST_SIZES = {
    "searchCustomers": 20, "vehicles": 20, "recentCalls": 10, "openWorkOrders": 20, "phones": 10, "edges": 1,
    "serviceHistory": 20,
    # no `first`: what a vehicle carries at once in practice (the catalogue has 18 codes;
    # alerts overlap by model and batch), so a fleet's screen-pop stays within the cost
    "activeFaults": 8, "openFieldAlerts": 3,
}


class LimitError(ValueError):
    """The query breaks a bound; the message says which and the allowed maximum."""


@dataclass(frozen=True)
class _Cost:
    """What a selection set adds: its cost, how many selection-set levels it spans
    (itself included) and the aliases in it, fragments expanded."""

    cost: int
    height: int
    aliases: int


_EMPTY = _Cost(0, 0, 0)


@dataclass
class _Walk:
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    first_variables: set[str] = field(default_factory=set)
    # each fragment is costed once, however often it is spread: the walk is linear in the document
    fragment_costs: dict[str, _Cost] = field(default_factory=dict)


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


def _too_deep(depth: int) -> LimitError:
    return LimitError(f"query depth exceeds the maximum of {MAX_DEPTH}")


def _cost(selection_set: SelectionSetNode | None, walk: _Walk, depth: int, seen: frozenset[str]) -> _Cost:
    """The cost of a selection set found at `depth` (the operation's own is at 1)."""
    if selection_set is None:
        return _EMPTY
    if depth > MAX_DEPTH:
        raise _too_deep(depth)
    total, height, aliases = 0, 1, 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.alias is not None:
                aliases += 1
            first = _first(selection, walk)
            if first is not None and not 0 <= first <= MAX_FIRST:
                raise LimitError(f"`first` on {selection.name.value} must be between 0 and {MAX_FIRST}, got {first}")
            size = first if first is not None else LIST_SIZES.get(selection.name.value, 1)
            inner = _cost(selection.selection_set, walk, depth + 1, seen)
            total += 1 + size * inner.cost
            height, aliases = max(height, 1 + inner.height), aliases + inner.aliases
            continue
        if isinstance(selection, InlineFragmentNode):
            inner = _cost(selection.selection_set, walk, depth, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = walk.fragments.get(name)
            if fragment is None or name in seen:
                continue  # validation reports unknown and cyclic fragments
            inner = walk.fragment_costs.get(name)
            if inner is None:
                inner = walk.fragment_costs[name] = _cost(fragment.selection_set, walk, depth, seen | {name})
            elif depth + inner.height - 1 > MAX_DEPTH:
                raise _too_deep(depth)
        else:
            continue
        total, height, aliases = total + inner.cost, max(height, inner.height), aliases + inner.aliases
    return _Cost(total, height, aliases)


@dataclass(frozen=True)
class Bounds:
    cost: int
    # variables that set a `first`: with other variables the check need not be repeated
    first_variables: frozenset[str]


def check_limits(document: DocumentNode, variables: Mapping[str, Any] | None) -> Bounds:
    """The query's estimated cost; raises LimitError when any bound is broken."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    walk = _Walk(fragments=fragments, variables=variables or {})
    cost = aliases = 0
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            counted = _cost(definition.selection_set, walk, 1, frozenset())
            cost, aliases = cost + counted.cost, aliases + counted.aliases
    if aliases > MAX_ALIASES:
        raise LimitError(f"query uses {aliases} aliases; the maximum is {MAX_ALIASES}")
    if cost > MAX_COST:
        raise LimitError(f"query cost {cost} exceeds the maximum of {MAX_COST}; ask for fewer items with `first`")
    return Bounds(cost, frozenset(walk.first_variables))
