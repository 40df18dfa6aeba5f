"""Each role sees only its fields; phones are masked unless the role dials them."""

from __future__ import annotations

import pytest

PHONES = '{ customer(id: "CU1") { id phones { number } } }'
PROFILE = '{ customer(id: "CU1") { id name recentCalls { callId } } }'
LIFECYCLE = '{ customer(id: "CU1") { id segment lifecycle { stage callCount } } }'
VEHICLES = '{ customer(id: "CU1") { id vehicles { vin health { drivingScore } } } }'


def _numbers(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [p["number"] for p in response.json()["data"]["customer"]["phones"]]


def test_agent_sees_masked_phones(api):
    assert _numbers(api(PHONES, role="agent")) == ["138****8000", "106***9988"]


@pytest.mark.parametrize("role", ["contact_engine", "admin"])
def test_dialling_roles_see_full_numbers(api, role):
    assert _numbers(api(PHONES, role=role)) == ["+8613800138000", "+861065529988"]


@pytest.mark.parametrize(
    ("role", "allowed", "denied"),
    [
        ("agent", [PHONES, PROFILE, LIFECYCLE, VEHICLES], []),
        # marketers work from lists, executives from aggregates: no customer lookup (issue 18)
        ("marketer", [], [PHONES, PROFILE, LIFECYCLE, VEHICLES]),
        ("rnd", [VEHICLES], [PHONES, PROFILE, LIFECYCLE]),
        ("executive", [], [PHONES, PROFILE, LIFECYCLE, VEHICLES]),
    ],
)
def test_role_field_visibility(api, role, allowed, denied):
    for query in allowed:
        response = api(query, role=role)
        assert response.status_code == 200, (role, query, response.text)
        assert response.json()["data"]["customer"]["id"] == "CU1"
    for query in denied:
        response = api(query, role=role)
        assert response.status_code == 400, (role, query)
        body = response.json()
        assert "data" not in body
        assert f"is not available to role {role}" in body["errors"][0]["message"]


def test_denied_field_returns_no_personal_data(api):
    body = api('{ customer(phone: "13800138000") { id name } }', role="rnd").json()
    assert "张伟" not in str(body)
    assert body["errors"][0]["message"] == "field Customer.name is not available to role rnd"
