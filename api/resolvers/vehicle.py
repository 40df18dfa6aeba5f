"""Vehicle: health fields travel on the vehicle's row."""

from __future__ import annotations


def health(root, _info):
    return root


RESOLVERS = {("Vehicle", "health"): health}
