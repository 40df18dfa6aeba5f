"""Query.crossSellList, retentionList, offerConversions: the service layer (api.marketing,
api.retention, api.attribution) decides who may be listed."""

from __future__ import annotations

from datetime import date

from api import attribution, marketing, retention, service_notices
from api.profiles import BadArgument
from api.resolvers.selection import sends_edges


def cross_sell_list(_root, info, product, channel="sms", minScore=0.0, region=None, segment=None, first=50,
                    after=None):
    try:
        rows, more = marketing.cross_sell_page(info.context.batch.con, product, channel, minScore, region, segment,
                                               first, after, getattr(info.context.live, "engine", None))
    except marketing.ListArgumentError as error:
        raise BadArgument(str(error)) from None
    edges = [{"cursor": marketing.encode_cursor(row), "node": row} for row in rows]
    if sends_edges(info):  # a page asked for its pageInfo alone sends nobody
        info.context.listed_customer_ids.extend(row["customerId"] for row in rows)
    return {"edges": edges, "pageInfo": {"hasNextPage": more, "endCursor": edges[-1]["cursor"] if edges else None}}


def retention_list(_root, info, channel="sms", minRisk=0.5, minValueCny=0.0, first=50, after=None):
    try:
        rows, more = retention.retention_page(info.context.batch.con, channel, minRisk, minValueCny, first, after,
                                              getattr(info.context.live, "engine", None))
    except marketing.ListArgumentError as error:
        raise BadArgument(str(error)) from None
    edges = [{"cursor": marketing.encode_cursor(row), "node": row} for row in rows]
    if sends_edges(info):
        info.context.listed_customer_ids.extend(row["customerId"] for row in rows)
        info.context.listed_list = "retention"
    return {"edges": edges, "pageInfo": {"hasNextPage": more, "endCursor": edges[-1]["cursor"] if edges else None}}


def offer_conversions(_root, info, campaign=None, channel=None, product=None):
    try:
        return attribution.conversions(info.context.batch.con, campaign, channel, product)
    except marketing.ListArgumentError as error:
        raise BadArgument(str(error)) from None


def service_notice_list(_root, info, alert=None, model=None, batch=None, region=None, inServiceOn=None,
                        channel="sms", first=50, after=None):
    con = info.context.batch.con
    try:
        try:
            day = None if inServiceOn is None else date.fromisoformat(inServiceOn)
        except ValueError:
            raise marketing.ListArgumentError(f"inServiceOn {inServiceOn!r} is not a date (YYYY-MM-DD)") from None
        target = service_notices.affected(con, alert, model, batch, region, day)
        rows, more = service_notices.notice_page(con, target, channel, first, after,
                                                 getattr(info.context.live, "engine", None))
    except marketing.ListArgumentError as error:
        raise BadArgument(str(error)) from None
    edges = [{"cursor": row["customerId"], "node": row} for row in rows]
    if sends_edges(info):
        info.context.listed_customer_ids.extend(row["customerId"] for row in rows)
        info.context.listed_list = "service_notice"
    return {"edges": edges, "pageInfo": {"hasNextPage": more, "endCursor": edges[-1]["cursor"] if edges else None}}


RESOLVERS = {("Query", "serviceNoticeList"): service_notice_list, ("Query", "crossSellList"): cross_sell_list, ("Query", "retentionList"): retention_list,
             ("Query", "offerConversions"): offer_conversions}
