"""Bounds checked on a parsed query before it runs: depth, aliases, list sizes, cost.

Cost counts every field once and multiplies what is under a list by how many items it may
return (its `first` argument, or the list's true bound), so a query that fans out is
refused up front instead of after it has loaded the store. It also counts each
operation's top-level fields: the tokens it takes from the caller's rate limit (api.rates).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    value_from_ast_untyped,
)


MAX_DEPTH = 8
MAX_ALIASES = 10
MAX_FIRST = 100
MAX_COST = 2_000
INTROSPECTION_DEPTH = 8
# Aggregate rows (kpis, staffing intervals, alert series) are read pre-aggregated: they
# have a budget of their own, so the largest DAY query (400 days, every queue, every field:
# ~84,000) passes and 31 days at INTERVAL grain over every queue (~312,000) does not.
MAX_AGGREGATE_COST = 100_000
# The most items each list field returns, by field name: for a field with `first` its SDL
# default (the caller may ask for up to MAX_FIRST), else the bound its resolver enforces
# (api.resolvers slice to it). A connection's `first` sits on the connection field, so its
# `edges` count once. tests/api/test_limits.py checks every list field of the SDL is here.
LIST_SIZES = {
    "searchCustomers": 20, "crossSellList": 50, "fieldAlerts": 50, "similarCases": 5, "edges": 1,
    "vehicles": 20, "recentCalls": 10, "openWorkOrders": 20, "contacts": 10, "offerResponses": 10,
    "failures": 100, "serviceHistory": 20, "auditLog": 50,
    # an erasure receipt: one row per store it checked (hub.privacy, a fixed list)
    "stores": 20,
    # without `first`: enforced bounds
    "phones": 10, "consents": 20, "churnReasons": 5, "series": 366, "batches": 100, "regions": 100,
    # a vehicle's active fault codes and open field alerts (api.resolvers.service slices)
    "activeFaults": 8, "openFieldAlerts": 3,
    # parts fitted on one order of the service history (api.profiles.parts_used slices)
    "partsUsed": 20,
    # one per 30-minute interval of the plan's day (hub.erlang plans by interval)
    "intervals": 48,
    # marketers' retention list (first) and conversions by campaign, channel, product (api.attribution slices)
    "retentionList": 50, "offerConversions": 1000, "serviceNoticeList": 50,
    # sales' hand-over list of leads (api.leads, first)
    "salesLeads": 50,
    # the knowledge base (api.knowledge): suggestions and search results up to their first's
    # maximum, an article's latest versions, contributions per page
    "suggestions": 5, "articles": 20, "cases": 20, "versions": 20, "knowledgeContributions": 50,
    # a customer's identity history and the overrides in force (first)
    "identityHistory": 20, "identityOverrides": 100,
    # a week's scorecards at one scope (api.qa refuses more), the QA sample (first), a review's criteria
    "scorecards": 2000, "qaSamples": 50, "scores": 7,
    # the pushed alerts' delivery log (first) and each delivery's latest attempts (api.notify slices)
    "alertDeliveries": 20, "attemptLog": 10,
    # dispatch (api.dispatch): engineers on duty, each one's open orders, suggestions, the SLA worklist
    "engineersOnDuty": 50, "openOrders": 5, "suggestAssignee": 3, "slaAtRisk": 50,
}
# lists whose rows are aggregates (MAX_AGGREGATE_COST): KPI rows, staffing intervals, an
# alert's daily series and failure counts; kpis' size comes from its arguments
AGGREGATE_LISTS = frozenset({"kpis", "intervals", "series", "batches", "regions", "offerConversions", "scorecards"})
INTERVALS_PER_DAY = 48


class LimitError(ValueError):
    """The query breaks a bound; the message says which and the allowed maximum."""


@dataclass(frozen=True)
class _Cost:
    """What a selection set adds: its cost, how many selection-set levels it spans
    (itself included) and the aliases in it, fragments expanded."""

    cost: int
    height: int
    aliases: int
    aggregate: int = 0


_EMPTY = _Cost(0, 0, 0)


@dataclass
class _Walk:
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    bound_variables: set[str] = field(default_factory=set)
    # each fragment is costed once, however often it is spread: the walk is linear in the document
    fragment_costs: dict[str, _Cost] = field(default_factory=dict)


def _argument(node: FieldNode, name: str, walk: _Walk) -> object:
    """An argument's value as written or as its variable holds it (None when unknown); a
    variable is remembered so the bound is checked again on the coerced variables."""
    for argument in node.arguments or ():
        if argument.name.value != name:
            continue
        value = argument.value
        if isinstance(value, VariableNode):
            walk.bound_variables.add(value.name.value)
            return walk.variables.get(value.name.value)
        return value_from_ast_untyped(value)
    return None


def _first(node: FieldNode, walk: _Walk) -> int | None:
    given = _argument(node, "first", walk)
    return given if isinstance(given, int) and not isinstance(given, bool) else None


def _kpi_rows(node: FieldNode, walk: _Walk) -> int:
    """The most rows kpis(from, to, queue, grain) can return: days x queues x intervals a
    day (INTERVAL), days x queues (DAY), queues (TOTAL). Ranges api.kpis refuses (too long,
    reversed, malformed or unknown dates) count one day: its message names the rule."""
    from api.kpis import MAX_DAYS, MAX_INTERVAL_DAYS
    from hub.writeback.vocabulary import QUEUES

    grain = _argument(node, "grain", walk) or "DAY"
    queues = 1 if _argument(node, "queue", walk) else len(QUEUES)
    try:
        days = (date.fromisoformat(str(_argument(node, "to", walk)))
                - date.fromisoformat(str(_argument(node, "from", walk)))).days + 1
    except ValueError:
        days = 1
    if grain == "TOTAL":
        return queues
    if not 1 <= days <= (MAX_INTERVAL_DAYS if grain == "INTERVAL" else MAX_DAYS):
        days = 1
    return days * queues * (INTERVALS_PER_DAY if grain == "INTERVAL" else 1)


def _too_deep(depth: int) -> LimitError:
    return LimitError(f"query depth exceeds the maximum of {MAX_DEPTH}")


def _cost(selection_set: SelectionSetNode | None, walk: _Walk, depth: int, seen: frozenset[str]) -> _Cost:
    """The cost of a selection set found at `depth` (the operation's own is at 1)."""
    if selection_set is None:
        return _EMPTY
    if depth > MAX_DEPTH:
        raise _too_deep(depth)
    total, height, aliases, aggregate = 0, 1, 0, 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.alias is not None:
                aliases += 1
            first = _first(selection, walk)
            if first is not None and not 0 <= first <= MAX_FIRST:
                raise LimitError(f"`first` on {selection.name.value} must be between 0 and {MAX_FIRST}, got {first}")
            name = selection.name.value
            if name == "kpis" and depth == 1:
                size = _kpi_rows(selection, walk)
            else:
                size = first if first is not None else LIST_SIZES.get(name, 1)
            # introspection (off in production) nests its type references deeper than any data
            # query: GraphiQL's schema query is 13 levels; it gets INTROSPECTION_DEPTH extra
            below = depth + 1 - (INTROSPECTION_DEPTH if depth == 1 and name in ("__schema", "__type") else 0)
            inner = _cost(selection.selection_set, walk, below, seen)
            if name in AGGREGATE_LISTS:
                total += 1
                aggregate += size * (inner.cost + inner.aggregate)
            else:
                total += 1 + size * inner.cost
                aggregate += size * inner.aggregate
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
        aggregate += inner.aggregate
    return _Cost(total, height, aliases, aggregate)


@dataclass(frozen=True)
class Bounds:
    cost: int
    # variables that set a list size (first; kpis dates, queue, grain): the check is repeated on their values
    bound_variables: frozenset[str]
    # top-level fields of the largest operation (aliases each count): its rate-limit tokens
    root_fields: int = 1


def _root_fields(selection_set: SelectionSetNode, fragments: Mapping[str, FragmentDefinitionNode],
                 memo: dict[str, int], seen: frozenset[str]) -> int:
    count = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            count += selection.name.value != "__typename"
        elif isinstance(selection, InlineFragmentNode):
            count += _root_fields(selection.selection_set, fragments, memo, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:
                if name not in memo:
                    memo[name] = _root_fields(fragments[name].selection_set, fragments, memo, seen | {name})
                count += memo[name]
    return count


def check_limits(document: DocumentNode, variables: Mapping[str, Any] | None) -> Bounds:
    """The query's estimated cost; raises LimitError when any bound is broken."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    walk = _Walk(fragments=fragments, variables=variables or {})
    cost = aliases = aggregate = 0
    roots, memo = 1, {}
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            counted = _cost(definition.selection_set, walk, 1, frozenset())
            cost, aliases, aggregate = cost + counted.cost, aliases + counted.aliases, aggregate + counted.aggregate
            roots = max(roots, _root_fields(definition.selection_set, fragments, memo, frozenset()))
    if aliases > MAX_ALIASES:
        raise LimitError(f"query uses {aliases} aliases; the maximum is {MAX_ALIASES}")
    if cost > MAX_COST:
        raise LimitError(f"query cost {cost} exceeds the maximum of {MAX_COST}; ask for fewer items with `first`")
    if aggregate > MAX_AGGREGATE_COST:
        raise LimitError(f"query asks for up to {aggregate} aggregate values (rows x fields); the maximum is "
                         f"{MAX_AGGREGATE_COST}: ask for fewer days, one queue, a coarser grain or fewer fields")
    return Bounds(cost, frozenset(walk.bound_variables), roots)
