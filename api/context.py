"""Per-request state on info.context: who asks, one connection, batched list loads.

Batch makes nested lists cost one query per field per request: every Customer a resolver
returns is registered, and the first time any customer's `vehicles` (say) is asked for,
the vehicles of every registered customer not loaded yet are read in one query.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from api import profiles
from api.keys import Principal
from api.store import Reader


@dataclass
class Batch:
    con: Reader
    known: list[str] = field(default_factory=list)
    loaded: dict[str, dict[str, list[Mapping]]] = field(default_factory=dict)
    pending: dict[str, int] = field(default_factory=dict)

    def register(self, rows: list[Mapping]) -> None:
        self.known.extend(row["id"] for row in rows)

    def rows(self, list_field: str, customer_id: str) -> list[Mapping]:
        loaded = self.loaded.setdefault(list_field, {})
        if customer_id not in loaded:
            start = self.pending.get(list_field, 0)
            wanted = list(dict.fromkeys([*self.known[start:], customer_id]))
            found = profiles.load_lists(self.con, list_field, wanted)
            for wanted_id in wanted:
                loaded[wanted_id] = found.get(wanted_id, [])
            self.pending[list_field] = len(self.known)
        return loaded[customer_id]


@dataclass
class RequestContext:
    principal: Principal
    batch: Batch
    full_phones: bool
    read_customer_ids: list[str] = field(default_factory=list)
    # customers sent as rows of a list (crossSellList): audited as list rows
    listed_customer_ids: list[str] = field(default_factory=list)
    listed_list: str = "cross_sell"  # which list they were sent on (retentionList: "retention")
    # read-your-writes (api.live.LiveEvents): write-backs since the served build
    live: object = None
    # lookups that found nobody, as (field, argument): audited and counted against the key
    missed: list[tuple[str, str]] = field(default_factory=list)
    # the ops store (auditLog reads the audit chain there); None on a read-only service
    ops: object = None

    def customers_read(self, rows: list[Mapping]) -> None:
        """Remember profiles returned (for the audit log) and make them known to the batch."""
        self.batch.register(rows)
        self.read_customer_ids.extend(row["id"] for row in rows)
