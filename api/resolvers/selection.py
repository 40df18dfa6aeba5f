"""What a connection field's selection asks for, after fragments and @skip/@include."""

from __future__ import annotations

from graphql import GraphQLResolveInfo, get_named_type
from graphql.execution.collect_fields import collect_sub_fields


def sends_edges(info: GraphQLResolveInfo) -> bool:
    """Whether the page's rows go out (edges selected), so the audit records only what is sent."""
    fields = collect_sub_fields(info.schema, info.fragments, info.variable_values,
                                get_named_type(info.return_type), list(info.field_nodes))
    return any(nodes[0].name.value == "edges" for nodes in fields.values())
