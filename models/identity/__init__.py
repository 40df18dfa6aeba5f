"""Identity resolution's evaluation against the simulator's truth.

The identity graph itself is SQL in transforms/ (intermediate/identity). The
evaluation is loaded lazily: `hub` imports this package for its CLI on every start.
"""

from __future__ import annotations

__all__ = ["IdentityReport", "PairScores", "evaluate", "pair_scores"]


def __getattr__(name: str):
    if name in __all__:
        from models.identity import evaluation

        return getattr(evaluation, name)
    raise AttributeError(f"module 'models.identity' has no attribute {name!r}")
