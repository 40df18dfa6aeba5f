"""Query.scorecards, Query.qaSamples (api.qa) and Mutation.recordQaReview (the write-back service)."""

from __future__ import annotations

from api import qa
from api.resolvers.writeback import _mutation
from hub.writeback import vocabulary as v


def resolve_scorecards(_root, info, week, scope="TEAM", scopeId=None, kpi=None):
    return qa.scorecards(info.context.batch.con, week, scope, scopeId, kpi)


def resolve_qa_samples(_root, info, week, agent=None, reviewed=None, first=50):
    ops = getattr(info.context.live, "engine", None)
    return qa.qa_samples(info.context.batch.con, ops, week, agent, reviewed, first)


RESOLVERS = {
    ("Query", "scorecards"): resolve_scorecards,
    ("Query", "qaSamples"): resolve_qa_samples,
    ("Mutation", "recordQaReview"): _mutation(v.QA_REVIEW),
}
