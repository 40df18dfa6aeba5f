"""The knowledge base and the screen-pop's suggestions (api.knowledge; the rule in hub.knowledge)."""

from __future__ import annotations

from api import knowledge
from hub.writeback import fold


def search_knowledge(_root, info, text, first=5):
    return knowledge.search(info.context.batch.con, info.context.ops, text, first)


def knowledge_article(_root, info, id):  # noqa: A002 - the SDL's argument name
    return knowledge.article(info.context.batch.con, info.context.ops, id)


def knowledge_contributions(_root, info, month=None, first=50):
    return knowledge.contributions(info.context.batch.con, month, first)


async def write_knowledge_article(_root, info, idempotencyKey, input):  # noqa: A002, N803 - the SDL's names
    context = info.context
    return await knowledge.write(context.writeback, context.principal, idempotencyKey, input)


def suggestions(root, info, first=5):
    context = info.context
    batch, customer_id = context.batch, root["id"]
    live = context.live.of(customer_id) if context.live is not None else []
    orders = fold.open_work_orders(batch.rows("openWorkOrders", customer_id), live)
    caller = knowledge.caller_of(batch.rows("vehicles", customer_id), batch.rows("vehicleFaults", customer_id), orders)
    return knowledge.suggest(batch.con, context.ops, caller, first)


RESOLVERS = {
    ("Query", "searchKnowledge"): search_knowledge,
    ("Query", "knowledgeArticle"): knowledge_article,
    ("Query", "knowledgeContributions"): knowledge_contributions,
    ("Mutation", "writeKnowledgeArticle"): write_knowledge_article,
    ("Customer", "suggestions"): suggestions,
}
