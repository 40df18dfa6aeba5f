"""Erlang C staffing against the published reference and its own definitions."""

from __future__ import annotations

import math

import pytest

from hub.erlang import erlang_c, required_agents, service_level


def test_published_reference_is_reproduced_exactly() -> None:
    """100 calls in 30 minutes, AHT 180 s, 80% in 20 s, max occupancy 85%, shrinkage 30%:
    14 agents, 20 scheduled, service level 0.888, occupancy 0.714."""
    plan = required_agents(100, 180, interval_seconds=1800, target_service_level=0.8, answer_within_seconds=20,
                           max_occupancy=0.85, shrinkage=0.3)
    assert plan.traffic_erlangs == 10.0
    assert (plan.agents, plan.scheduled_agents) == (14, 20)
    assert round(plan.service_level, 3) == 0.888
    assert round(plan.occupancy, 3) == 0.714
    # one agent fewer misses the target: 14 is the fewest
    assert service_level(13, 10.0, 180, 20) < 0.8


def test_erlang_c_matches_the_closed_form() -> None:
    traffic, agents = 10.0, 14
    top = traffic**agents / math.factorial(agents) * agents / (agents - traffic)
    bottom = sum(traffic**k / math.factorial(k) for k in range(agents)) + top
    assert erlang_c(agents, traffic) == pytest.approx(top / bottom, rel=1e-12)


def test_maximum_occupancy_binds_on_large_queues() -> None:
    """At 100 Erlangs the service level alone would run agents at over 90%: the 85% cap
    needs ceil(100 / 0.85) = 118 agents."""
    plan = required_agents(1000, 180)
    assert plan.agents == 118 and plan.occupancy <= 0.85
    assert service_level(110, 100.0, 180, 20) >= 0.8  # the target alone was met far earlier


def test_no_calls_need_no_agents() -> None:
    plan = required_agents(0, 180)
    assert (plan.agents, plan.scheduled_agents, plan.service_level) == (0, 0, 1.0)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"calls": -1, "aht_seconds": 180}, "calls=-1"),
    ({"calls": 10, "aht_seconds": 0}, "aht_seconds=0"),
    ({"calls": 10, "aht_seconds": 180, "target_service_level": 1.5}, "target_service_level=1.5"),
    ({"calls": 10, "aht_seconds": 180, "shrinkage": 1.0}, "shrinkage=1.0"),
])
def test_bad_input_names_field_value_and_rule(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace(".", r"\.") + ": must be"):
        required_agents(**kwargs)
