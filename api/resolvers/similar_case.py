"""similarCases: resolved work orders most like a fault description (api.similar_cases)."""

from __future__ import annotations

from api import similar_cases as cases


def similar_cases(_root, info, text, first=5):
    return cases.similar_cases(info.context.batch.con, text, first)


RESOLVERS = {("Query", "similarCases"): similar_cases}
