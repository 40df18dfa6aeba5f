"""Field alerts: components failing in the field at an abnormal rate, found early for R&D.

`detect` runs the early-warning method as of every day of the warehouse's history (so an
alert's state and its evidence are the same whether it is computed today or replayed);
`write_outputs` stores the alerts and their evidence in the warehouse schema `models`;
`evaluate` (evaluation code only) matches them to the simulator's injected defects.
"""

from models.field_alerts.detection import DetectionConfig, detect
from models.field_alerts.inputs import FieldData, load_field_data

__all__ = ["DetectionConfig", "FieldData", "detect", "load_field_data"]
