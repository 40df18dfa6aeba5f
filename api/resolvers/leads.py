"""Query.salesLeads and Mutation.recordLeadStatus: api.leads decides who is handed over."""

from __future__ import annotations

from api import leads, marketing
from api.profiles import BadArgument
from api.resolvers.selection import sends_edges
from hub.writeback import vocabulary as v


def sales_leads(_root, info, status=None, region=None, minScore=0.0, first=50, after=None):
    try:
        rows, more = leads.leads_page(info.context.batch.con, status, region, minScore, first, after,
                                      getattr(info.context.live, "engine", None))
    except marketing.ListArgumentError as error:
        raise BadArgument(str(error)) from None
    edges = [{"cursor": leads.encode_cursor(row), "node": row} for row in rows]
    if sends_edges(info):  # every row sent is audited, as the marketers' lists are
        info.context.listed_customer_ids.extend(row["auditSubject"] for row in rows)
        info.context.listed_list = "sales_leads"
    return {"edges": edges, "pageInfo": {"hasNextPage": more, "endCursor": edges[-1]["cursor"] if edges else None}}


async def record_lead_status(_root, info, idempotencyKey, input):
    context = info.context
    return await context.writeback.submit(context.principal, v.LEAD_STATUS, idempotencyKey, input)


RESOLVERS = {("Query", "salesLeads"): sales_leads, ("Mutation", "recordLeadStatus"): record_lead_status}
