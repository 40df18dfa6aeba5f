"""One run of the early warning on a warehouse: read the marts, detect, write the outputs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hub import warehouse as hub_warehouse
from hub.settings import get_settings
from models.field_alerts.detection import Detection, DetectionConfig, detect
from models.field_alerts.inputs import FieldData, load_field_data
from models.field_alerts.outputs import write_outputs


@dataclass
class RunResult:
    data: FieldData
    detection: Detection
    row_counts: dict[str, int]

    def open_by_state(self) -> dict[str, int]:
        return self.detection.alerts["alert_state"].value_counts().to_dict()


def run(warehouse: Path, config: DetectionConfig = DetectionConfig(), write: bool = True) -> RunResult:
    """Detect on the warehouse's marts; with write, store models.field_alerts and its evidence."""
    with hub_warehouse.connect(get_settings(), read_only=not write, path=warehouse) as con:
        data = load_field_data(con)
        detection = detect(data, config)
        counts = write_outputs(con, data, detection) if write else {}
    return RunResult(data, detection, counts)
