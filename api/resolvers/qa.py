"""Mutation.recordQaReview: the write-back service, like the contact engine's mutations."""

from __future__ import annotations

from api.resolvers.writeback import _mutation
from hub.writeback import vocabulary as v

RESOLVERS = {("Mutation", "recordQaReview"): _mutation(v.QA_REVIEW)}
