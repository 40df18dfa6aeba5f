"""Vehicle health on the agent's profile compares the driving with the vehicle's peers."""

from __future__ import annotations

QUERY = """{ customer(id: "CU1") { vehicles { vin health {
  activeFaultCount drivingScore drivingPeerPercentile harshBrakingVsPeers overSpeedVsPeers fuelVsPeers } } } }"""


def test_health_carries_the_peer_comparison(api):
    response = api(QUERY, role="agent")
    assert response.status_code == 200, response.text
    vehicles = {v["vin"]: v["health"] for v in response.json()["data"]["customer"]["vehicles"]}
    assert vehicles["LFWSRXSJ7RA076498"] == {
        "activeFaultCount": 1, "drivingScore": 99.0, "drivingPeerPercentile": 0.75,
        "harshBrakingVsPeers": 1.5, "overSpeedVsPeers": 0.5, "fuelVsPeers": 1.02,
    }
    # a vehicle without telematics has no comparison
    assert vehicles["LFWPCKDN7SA064223"]["drivingPeerPercentile"] is None
