"""The alert-delivery asset pushes each match once (docs/notify.md); that it follows the publish
is checked with the code location in test_field_quality_assets.py."""

from __future__ import annotations

import dagster as dg

from hub.notify import store
from hub.settings import Settings
from orchestration.lib.resources import HubResource
from tests.api.conftest import publish_fixture
from tests.hub.receivers import webhook


def test_materialising_the_asset_delivers_each_served_alert_once(tmp_path):
    from orchestration.defs.notify.assets import alert_deliveries

    settings = publish_fixture(Settings(data_dir=tmp_path / "var"))
    with webhook() as hook:
        store.subscribe(store.ops_engine(settings.ops_url), subscriber="rnd", topic="field_alert", channel="webhook",
                        address=hook.url)
        resources = {"hub": HubResource(data_dir=str(settings.data_dir))}
        runs = [dg.materialize([alert_deliveries], resources=resources) for _ in range(2)]
        metadata = [run.get_asset_materialization_events()[0].materialization.metadata for run in runs]
        assert [(m["queued"].value, m["delivered"].value) for m in metadata] == [(1, 1), (0, 0)]
        assert len(hook.received) == 1
