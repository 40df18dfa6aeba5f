"""Phone: the number is masked unless the caller's role dials it (api.roles)."""

from __future__ import annotations


def number(root, info):
    return root["e164"] if info.context.full_phones else root["masked"]


RESOLVERS = {("Phone", "number"): number}
