"""Service layer of similarCases: rank published cases against a query in SQL.

The query is cut and weighted by hub.text with the published idf; the store then sums
query weight x case weight over the query's terms (portable SQL: a CASE maps each term to
its weight), so SQLite and PostgreSQL rank alike and no model is loaded by the API.
"""

from __future__ import annotations

from functools import lru_cache

from api.profiles import BadArgument
from api.store import Reader
from hub.text import char_ngrams, query_weights

MAX_FIRST = 20
MAX_TEXT = 500

_CASES = """
    select c.work_order_id as "workOrderId", s.score, c.work_order_category as category, c.component,
        c.fault_code as "faultCode", c.fault_description as "faultDescription", c.resolution,
        c.resolved_date as "resolvedDate"
    from (
        select work_order_id, sum(weight * case term {cases} end) as score
        from similar_case_terms
        where term in ({terms})
        group by work_order_id
        order by score desc, work_order_id
        limit :limit
    ) as s
    inner join similar_cases c on c.work_order_id = s.work_order_id
    order by s.score desc, c.work_order_id
"""


@lru_cache(maxsize=64)
def _sql(count: int) -> str:
    cases = " ".join(f"when :t{i} then :w{i}" for i in range(count))
    terms = ", ".join(f":t{i}" for i in range(count))
    return _CASES.format(cases=cases, terms=terms)


def similar_cases(con: Reader, text: str, first: int) -> list[dict]:
    if not 0 < first <= MAX_FIRST:
        raise BadArgument(f"similarCases(first: {first}): first must be between 1 and {MAX_FIRST}")
    if len(text) > MAX_TEXT:
        raise BadArgument(f"similarCases(text): {len(text)} characters; at most {MAX_TEXT}")
    grams = sorted(set(char_ngrams(text)))
    if not grams:
        raise BadArgument("similarCases(text): no letters or characters to compare")
    placeholders = ", ".join(f":g{i}" for i in range(len(grams)))
    idf = {row["term"]: row["idf"] for row in con.rows(
        f"select term, idf from similar_case_idf where term in ({placeholders})",
        {f"g{i}": g for i, g in enumerate(grams)})}
    weights = query_weights(text, idf)
    if not weights:
        return []
    params: dict[str, object] = {"limit": first}
    for i, (term, weight) in enumerate(sorted(weights.items())):
        params[f"t{i}"], params[f"w{i}"] = term, weight
    return con.rows(_sql(len(weights)), params)
