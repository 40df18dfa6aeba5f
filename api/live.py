"""Read-your-writes: the write-backs since the served build, folded into the profile.

Per request, the first profile field that merges live events reads, in one query on the
ops store, the events of every customer the request has returned so far whose seq is above
the seq the served build contains (`_build.ops_seq`). Events at or below it come from the
marts only, so nothing is counted twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from api.context import Batch
from api.writeback import published_seq
from hub.writeback.store import customer_events


@dataclass
class LiveEvents:
    engine: Engine
    batch: Batch
    loaded: dict[str, list[Mapping]] = field(default_factory=dict)
    _after: int | None = None

    def after(self) -> int:
        if self._after is None:
            self._after = published_seq(self.batch.con)
        return self._after

    def of(self, customer_id: str) -> list[Mapping]:
        if customer_id not in self.loaded:
            wanted = [c for c in dict.fromkeys([*self.batch.known, customer_id]) if c not in self.loaded]
            with self.engine.connect() as con:
                found = customer_events(con, wanted, self.after())
            for wanted_id in wanted:
                self.loaded[wanted_id] = []
            for event in found:
                self.loaded[event["customer_id"]].append(event)
        return self.loaded[customer_id]
