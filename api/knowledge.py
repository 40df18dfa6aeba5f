"""Service layer of the knowledge base: write an article version, read articles (served
build + versions written since, read-your-writes), search them with similar cases, and
suggest articles and resolved cases for a caller (the rule is hub.knowledge.rank).

Versions are numbered in write order: the served build's versions, then the ops store's
events above the build's seq (`_build.ops_seq`) in seq order, the way the mart numbers them
once they are exported. The knowledge base is small (hundreds of articles), so its
published versions are read whole and scored in memory per request.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine

from api import similar_cases as cases
from api.keys import Principal
from api.limits import LIST_SIZES
from api.profiles import BadArgument
from api.store import Reader
from api.writeback import WriteBackService, published_seq
from hub import knowledge as kb
from hub.writeback import InvalidWriteBack, check_key
from hub.writeback.events import request_hash
from hub.writeback.store import kind_events

MAX_FIRST = 20
MAX_CONTRIBUTIONS = 200
CASE_CANDIDATES = 50  # resolved cases read per suggestion request, newest first, before ranking

_VERSIONS = (
    'select article_id as "articleId", article_version as version, article_status as status, '
    'article_title as title, article_symptom as symptom, fault_codes as "faultCodes", model_codes as models, '
    'components, article_steps as steps, author_id as author, written_at as "writtenAt" '
    "from knowledge_article_versions {where} order by article_id, article_version"
)
_CONTRIBUTIONS = (
    'select author_id as author, contribution_month as month, articles_started as "articlesStarted", '
    'versions_written as "versionsWritten", published_versions as "publishedVersions", '
    'articles_touched as "articlesTouched" from knowledge_contributions {where} '
    "order by contribution_month desc, author_id limit :limit"
)
_CASES_BY_KEY = (
    'select work_order_id as "workOrderId", work_order_category as category, component, fault_code as "faultCode", '
    'fault_description as "faultDescription", resolution, resolved_date as "resolvedDate" from similar_cases '
    "where fault_code in ({codes}) or component in ({parts}) order by resolved_date desc, work_order_id limit :limit"
)


def _article(row: Mapping[str, Any]) -> dict[str, Any]:
    """A served or live version as the GraphQL type: lists split."""
    out = dict(row)
    for name in ("faultCodes", "models", "components"):
        out[name] = kb.split(row.get(name))
    out["steps"] = kb.split(row.get("steps"), kb.STEP_SEPARATOR)
    out["versions"] = []
    return out


def _live_versions(ops: Engine | None, after: int) -> list[dict[str, Any]]:
    if ops is None:
        return []
    with ops.connect() as con:
        found = kind_events(con, kb.KIND, after)
    return [{"articleId": p["article_id"], "status": p["article_status"], "title": p["title"],
             "symptom": p["symptom"], "faultCodes": p["fault_codes"], "models": p["models"],
             "components": p["components"], "steps": p["steps"], "author": p["author_id"],
             "writtenAt": p["written_at"]} for p in (event["payload"] for event in found)]


def versions(con: Reader, ops: Engine | None, article_id: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every version per article (of one article when named), oldest first, live ones numbered after the served."""
    where, params = ("where article_id = :article_id", {"article_id": article_id}) if article_id else ("", {})
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in con.rows(_VERSIONS.format(where=where), params):
        grouped[row["articleId"]].append(_article(row))
    for row in _live_versions(ops, published_seq(con)):
        if article_id is None or row["articleId"] == article_id:
            row["version"] = len(grouped[row["articleId"]]) + 1
            grouped[row["articleId"]].append(_article(row))
    return grouped


def published(con: Reader, ops: Engine | None) -> list[dict[str, Any]]:
    """The latest published version of every article that has one (a later draft does not hide it)."""
    out = []
    for article_versions in versions(con, ops).values():
        live = [v for v in article_versions if v["status"] == "published"]
        if live:
            out.append(live[-1])
    return out


def article(con: Reader, ops: Engine | None, article_id: str) -> dict[str, Any] | None:
    if len(article_id) > 32:
        raise BadArgument(f"knowledgeArticle(id:) is at most 32 characters, got {len(article_id)}")
    found = versions(con, ops, article_id).get(article_id)
    if not found:
        return None
    latest = dict(found[-1])
    latest["versions"] = [{k: v[k] for k in ("version", "status", "title", "author", "writtenAt")}
                          for v in reversed(found)][:LIST_SIZES["versions"]]
    return latest


def search(con: Reader, ops: Engine | None, text: str, first: int) -> dict[str, list]:
    """Published articles by text similarity to title and symptom, and similar resolved cases."""
    if not 0 < first <= MAX_FIRST:
        raise BadArgument(f"searchKnowledge(first: {first}): first must be between 1 and {MAX_FIRST}")
    found_cases = cases.similar_cases(con, text, first)  # checks the text as similarCases does
    scored = [{"article": a, "score": round(kb.similarity(text, f"{a['title']} {a['symptom'] or ''}"), 4)}
              for a in published(con, ops)]
    scored = sorted((s for s in scored if s["score"] > 0), key=lambda s: (-s["score"], s["article"]["articleId"]))
    return {"articles": scored[:first], "cases": found_cases}


def contributions(con: Reader, month: str | None, first: int) -> list[dict]:
    if not 0 < first <= MAX_CONTRIBUTIONS:
        raise BadArgument(f"knowledgeContributions(first: {first}): first must be between 1 and {MAX_CONTRIBUTIONS}")
    params: dict[str, Any] = {"limit": first}
    where = ""
    if month is not None:
        try:
            start = datetime.strptime(month, "%Y-%m").date()
        except ValueError:
            raise BadArgument(f"knowledgeContributions(month: {month[:20]!r}): not a month as YYYY-MM") from None
        where, params["month"] = "where contribution_month = :month", start.isoformat()
    return con.rows(_CONTRIBUTIONS.format(where=where), params)


def suggest(con: Reader, ops: Engine | None, caller: kb.Caller, first: int) -> list[dict[str, Any]]:
    """The best published articles and resolved cases for the caller, ranked by hub.knowledge.rank."""
    if not 0 < first <= MAX_FIRST:
        raise BadArgument(f"suggestions(first: {first}): first must be between 1 and {MAX_FIRST}")
    candidates = [{"kind": "article", "id": a["articleId"], "title": a["title"], "faultCodes": a["faultCodes"],
                   "components": a["components"], "models": a["models"],
                   "text": f"{a['title']} {a['symptom'] or ''}", "article": a, "case": None}
                  for a in published(con, ops)]
    candidates += [{"kind": "case", "id": c["workOrderId"], "title": c["resolution"] or c["faultDescription"] or "",
                    "faultCodes": [c["faultCode"]] if c["faultCode"] else [],
                    "components": [c["component"]] if c["component"] else [], "models": [],
                    "text": c["faultDescription"] or "", "article": None, "case": c | {"score": 0.0}}
                   for c in _cases_for(con, caller)]
    return kb.rank(caller, candidates, first)


def _cases_for(con: Reader, caller: kb.Caller) -> list[dict]:
    codes, parts = sorted(caller.fault_codes), sorted(caller.components)
    if not codes and not parts:
        return []
    params: dict[str, Any] = {"limit": CASE_CANDIDATES}
    params |= {f"c{i}": code for i, code in enumerate(codes or [""])}
    params |= {f"p{i}": part for i, part in enumerate(parts or [""])}
    sql = _CASES_BY_KEY.format(codes=", ".join(f":c{i}" for i in range(len(codes or [""]))),
                               parts=", ".join(f":p{i}" for i in range(len(parts or [""]))))
    return con.rows(sql, params)


def caller_of(vehicles: Iterable[Mapping], faults: Iterable[Mapping], orders: Iterable[Mapping]) -> kb.Caller:
    """What the screen-pop knows before anyone types: the vehicles' models, the active faults'
    codes and components, the open orders' codes and components, and their descriptions."""
    faults, orders = list(faults), list(orders)
    codes = {f["faultCode"] for f in faults} | {o["faultCode"] for o in orders if o.get("faultCode")}
    parts = {f["component"] for f in faults if f.get("component")} | {o["component"] for o in orders
                                                                       if o.get("component")}
    text = " ".join(t for t in [*(f.get("description") for f in faults), *(o.get("description") for o in orders)]
                    if t)
    return kb.Caller(frozenset(codes), frozenset(parts), frozenset(v["modelCode"] for v in vehicles
                                                                   if v.get("modelCode")), text)


async def write(service: WriteBackService, principal: Principal, key: Any, raw: dict[str, Any]) -> dict[str, Any]:
    """Append one article version to the ops store's event log; the answer once it is on disk.
    A retried key gets its first answer; the same key with another request is refused."""
    key = check_key(key)
    replay = service.replayed(principal, kb.KIND, key, raw)
    if replay is not None:
        return replay
    payload = kb.prepare_article(raw, datetime.now(UTC))
    if payload["article_id"] is None:
        payload["article_id"], version = kb.new_article_id(), 1
    else:
        with service.store.connect() as con:
            known = versions(con, service.reader, payload["article_id"]).get(payload["article_id"])
        if not known:
            raise InvalidWriteBack("input.articleId", "is not an article of the knowledge base", payload["article_id"])
        version = len(known) + 1
    event_id = uuid.uuid4().hex
    response = {"eventId": event_id, "articleId": payload["article_id"], "version": version,
                "status": payload["article_status"], "recordedAt": payload["written_at"]}
    return await service.append(principal, key, request_hash(kb.KIND, raw), event_id, kb.KIND, kb.NO_CUSTOMER,
                                payload, response, payload["written_at"])
