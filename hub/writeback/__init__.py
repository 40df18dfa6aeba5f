"""The contact engine's write-backs: vocabulary, validation and the ops-store event log.

In hub/ because the API appends to the log and ingestion reads it (each may import only
hub). See docs/writeback.md.
"""

from hub.writeback.events import InvalidWriteBack, Prepared, check_key, check_stage_change, prepare
from hub.writeback.store import Append, Outcome, append, events, events_after, iter_after, log_engine, max_seq

__all__ = [
    "Append",
    "InvalidWriteBack",
    "Outcome",
    "Prepared",
    "append",
    "check_key",
    "check_stage_change",
    "events",
    "events_after",
    "iter_after",
    "log_engine",
    "max_seq",
    "prepare",
]
