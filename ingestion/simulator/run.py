"""The day loop: everything that happens on a day, then that day's export files.

Order within a day: vehicles break down, the telematics gateway reports, people
call (breakdowns, questions, repeats), work orders open, customers churn, sell
and buy, and at the end of the day every system writes its files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from ingestion.contracts import CONTRACTS, Contract
from ingestion.simulator import contacts as ct
from ingestion.simulator import writer
from ingestion.simulator.calls import CallCenter
from ingestion.simulator.config import DAY
from ingestion.simulator.failures import daily_failures
from ingestion.simulator.frames import Frame, concat, const, length, numbered, take
from ingestion.simulator.lifecycle import Lifecycle
from ingestion.simulator.mess import Mess, MessItem
from ingestion.simulator.output import FileStats, Spool, TruthWriter, file_name
from ingestion.simulator.telematics import Gateway
from ingestion.simulator.roster import Roster
from ingestion.simulator.tickets import Ticketing, header_rows
from ingestion.simulator.truth import write_calls, write_failures, write_shifts, write_work_orders
from ingestion.simulator.world import World, agent_rows

# Rows are sorted stably by their time; the order they were made in (deterministic) breaks ties.
SORT_KEYS = {
    "crm__customers": "updated_at", "crm__phones": "updated_at", "crm__emails": "updated_at", "crm__vehicles": "_day",
    "crm__ownerships": "updated_at", "crm__purchases": "purchased_at", "crm__consents": "recorded_at",
    "acd__call_legs": "started_at", "acd__surveys": "surveyed_at", "acd__agents": "_day",
    "ticketing__work_orders": "updated_at", "ticketing__transitions": "stage_at", "ticketing__roster": "on_duty_from",
    "telematics__readings": "reading_ts", "telematics__events": "event_at", "sales__leads": "created_at",
}
WO_COLUMNS = ("created", "category", "party", "vehicle", "fault", "defect", "call_id", "ani")
CHUNK_ROWS = 250_000  # bigger files with no planned row defect are written in chunks
JUNK_TAG = {"crm__phones": ("junk_phone", "phone"), "crm__emails": ("junk_email", "email")}


def sort_rows(frame: Frame, key: str) -> Frame:
    return take(frame, np.argsort(frame[key], kind="stable"))


class Simulation:
    def __init__(self, world: World, landing: Path, truth: TruthWriter):
        self.w = world
        self.landing = landing
        self.truth = truth
        r = world.rngs
        self.spool = Spool()
        self.stats = FileStats()
        self.center = CallCenter(world.agents, world.expected_daily, r["calls"])
        self.ticketing = Ticketing(r["tickets"])
        self.gateway = Gateway(world.connected, world.vehicles, world.parties, world.scale.reading_interval_min, r["telematics"])
        self.life = Lifecycle(world.scale, world, r["lifecycle"])
        self.life.purchase_seq = length(world.crm_rows["crm__purchases"].frame) + 1  # ids continue the history's
        # the later contracts' mess from streams of their own (ingestion.simulator.mess)
        self.mess = Mess(world.scale.first_day, world.scale.days, world.scale.mess_days_per_kind, r["mess"],
                         {"sales__leads": r["leads"], "ticketing__roster": r["roster_mess"]})
        self.roster = Roster(r["roster"])
        self.openings: list[Frame] = []

    def release(self) -> None:
        """Drop the day-loop machinery once the last day is written (the truth needs only the world)."""
        self.center = self.gateway = self.ticketing = self.roster = self.spool = None

    def step(self, day: int) -> None:
        w, r = self.w, self.w.rngs
        failures = daily_failures(day, w.scale, w.vehicles, w.defects, w.members, r["failures"])
        write_failures(self.truth, failures, w)
        readings, events = self.gateway.day(day, failures)
        self.spool.add("telematics__readings", readings)
        for e in events:
            self.spool.add("telematics__events", {k: v for k, v in e.items() if k != "_failure"})
        weight = w.parties.activity * self.life.active(day)
        bd = ct.breakdowns(day, failures, w.vehicles.owner, w.parties, w.book, r["calls"])
        contacts = concat([ct.background(day, w.scale.background_calls, w.parties, weight, w.book, r["calls"]), bd,
                           self.center.due(day)])
        calls = self.center.run_day(day, contacts)
        legs = concat(calls.legs)
        legs["_day"] = legs["started_at"] // DAY
        self.spool.add("acd__call_legs", legs)
        surveys = concat(calls.surveys)
        if surveys:
            surveys["_day"] = surveys["surveyed_at"] // DAY
        self.spool.add("acd__surveys", surveys)
        write_calls(self.truth, concat(calls.truth), w)
        self._work_orders(day, failures, concat(calls.served), bd)
        bad = [b for b in calls.bad_service if len(b[0])]
        parties = np.concatenate([b[0] for b in bad]) if bad else np.empty(0, np.int64)
        weights = np.concatenate([b[1] for b in bad]) if bad else np.empty(0)
        self.life.record_service(parties, weights, self._repaired)
        self.life.sell_after_churn(day, self.life.churn(day))
        owned = self.life.ownership_changes(day)
        if owned:
            self.openings.append(take(owned, np.flatnonzero(owned["owned_to"] < 0)))
        self.spool.add("crm__ownerships", owned)
        self.spool.add("crm__purchases", self.life.purchases(day))
        self.spool.add("crm__consents", self.life.consent_changes(day, parties[weights >= 1.0]))
        self.spool.add("acd__agents", agent_rows(w, day))
        shifts = self.roster.day(day)
        self.spool.add("ticketing__roster", shifts)
        write_shifts(self.truth, shifts)
        self.write_day(day)

    def _work_orders(self, day: int, failures, served: Frame, bd: Frame) -> None:
        w, rng = self.w, self.w.rngs["tickets"]
        from_calls = self.ticketing.from_calls(served)
        slot = self.gateway.slot[failures.vehicle]
        seen = (slot >= 0) & ~np.isin(failures.vehicle, bd["vehicle"] if bd else [])
        pro = np.flatnonzero(seen & (rng.random(failures.size) < 0.5))
        proactive = self.ticketing.proactive({
            "at": failures.at[pro], "party": w.vehicles.owner[failures.vehicle[pro]], "vehicle": failures.vehicle[pro],
            "fault": failures.fault[pro], "defect": failures.defect[pro], "ani": const(len(pro), None)})
        opened = concat([{k: f[k] for k in WO_COLUMNS} for f in (from_calls, proactive) if f and length(f)])
        self._repaired = np.empty(0, np.int64)
        if not opened:
            return
        header, trans, truth = self.ticketing.open(day, opened, w)
        self.spool.add("ticketing__work_orders", header_rows(header, trans))
        self.spool.add("ticketing__transitions", trans)
        write_work_orders(self.truth, truth, w)
        fixed = (truth["vehicle"] >= 0) & (truth["fault"] >= 0)
        self._repaired = truth["party"][fixed & (truth["party"] >= 0)]
        self.spool.add("telematics__events", self.gateway.cleared(truth["vehicle"][fixed], truth["fault"][fixed], truth["resolved_at"][fixed]))
        orphan = np.flatnonzero((slot >= 0) & ~np.isin(failures.vehicle, truth["vehicle"]))
        later = failures.at[orphan] + rng.integers(DAY, 10 * DAY, len(orphan))
        self.spool.add("telematics__events", self.gateway.cleared(failures.vehicle[orphan], failures.fault[orphan], later))

    def write_day(self, day: int) -> None:
        w = self.w
        for contract in CONTRACTS:
            parts = [w.crm_rows[contract.name].rows(day)] if contract.name in w.crm_rows else []
            parts.append(self.spool.pop(contract.name, day, upto=True))
            frame = concat(parts)
            frame = sort_rows(frame, SORT_KEYS[contract.name]) if frame else frame
            self._write(contract, day, frame)

    def _render(self, contract: Contract, frame: Frame) -> tuple[list[str], list, dict[int, list[tuple]]]:
        """Lines, rendered columns and the defects already in the data (junk values) by row."""
        if contract.name == "crm__purchases" and frame:
            frame["purchase_id"] = numbered("S", frame["purchase_id"], 10)  # kept as numbers until written
        lines, cols = writer.lines_for(contract, frame)
        tags = {}
        if contract.name in JUNK_TAG and frame:
            kind, field = JUNK_TAG[contract.name]
            tags = {int(i): [(kind, field, "identifier", "")] for i in np.flatnonzero(frame["_junk"])}
        return lines, cols, tags

    def _chunks(self, contract: Contract, frame: Frame):
        n = length(frame)
        for lo in range(0, n, CHUNK_ROWS):
            lines, _, tags = self._render(contract, take(frame, np.arange(lo, min(lo + CHUNK_ROWS, n))))
            yield lines, tags

    def _write(self, contract: Contract, day: int, frame: Frame) -> None:
        name = file_name(contract, day)
        rel = f"{contract.source}/{name}"
        path = self.landing / contract.source / name
        if contract.name == "acd__call_legs":
            self.mess.skew(frame, day, rel)
        n = length(frame)
        if n > CHUNK_ROWS and self.mess.can_stream(contract, day):
            with path.open("wb") as out:  # the full export: rendered in chunks to bound memory
                size = self.mess.stream(contract, day, self._chunks(contract, frame), rel, out)
        else:
            lines, cols, tags = self._render(contract, frame)
            data = self.mess.finish(contract, day, lines, cols, rel, tags)
            path.write_bytes(data)
            size = len(data)
        self.stats.bytes += size
        self.stats.files[contract.name] += 1
        self.stats.rows[contract.name] += n
        if (contract.name, day) == self.mess.resent:
            copy = file_name(contract, day, "_resent")
            shutil.copyfile(path, self.landing / contract.source / copy)
            self.stats.files[contract.name] += 1
            self.mess.items.append(MessItem(f"{contract.source}/{copy}", None, "resent_file", None, "skipped_resent"))
