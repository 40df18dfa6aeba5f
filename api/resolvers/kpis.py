"""Query.kpis, Query.staffingPlan, Query.forecastAccuracy: three lines each, to api.kpis."""

from __future__ import annotations

from api import kpis as service


def resolve_kpis(_root, info, to, queue=None, grain="DAY", **arguments):
    return service.kpis(info.context.batch.con, arguments["from"], to, queue, grain)


def resolve_staffing_plan(_root, info, date, queue, serviceLevel=0.8, answerWithinSeconds=20, maxOccupancy=0.85,
                          shrinkage=0.3):
    return service.staffing_plan(info.context.batch.con, date, queue, serviceLevel, answerWithinSeconds,
                                 maxOccupancy, shrinkage)


def resolve_forecast_accuracy(_root, info):
    return service.forecast_accuracy(info.context.batch.con)


RESOLVERS = {
    ("Query", "kpis"): resolve_kpis,
    ("Query", "staffingPlan"): resolve_staffing_plan,
    ("Query", "forecastAccuracy"): resolve_forecast_accuracy,
}
