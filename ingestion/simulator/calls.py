"""The ACD: contacts become call legs, with queues, waits, transfers and outcomes.

A contact passes the IVR (some end there), waits in its queue (waits from the
half-hour Erlang model of queueing.py), abandons when its patience runs out, or is
answered by an agent of the queue and maybe transferred (a new leg). Unresolved
issues come back as repeat calls within days; abandoned callers redial or ask for
a callback. About a quarter of answered callers score the call in the survey.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ingestion.contracts import QUEUES
from ingestion.simulator.config import DAY, from_day_number
from ingestion.simulator.contacts import Q
from ingestion.simulator.frames import Frame, concat, const, take
from ingestion.simulator.queueing import PATIENCE_MEAN, TALK_MEAN, Agents, interval_of, wait_model

RESOLVE = np.array([0.86, 0.82, 0.62, 0.7, 0.5, 0.75, 0.86])
TRANSFER = np.array([0.10, 0.12, 0.06, 0.03, 0.05, 0.08, 0.06])
TRANSFER_TO = np.array([Q["service"], Q["repair"], Q["rescue"], Q["repair"], Q["service"], Q["repair"], Q["repair"]])
DNIS = np.array(["4006012345"] * 5 + ["4006012388", "4006012399"], dtype=object)
IVR_PATH = np.array(["MAIN-1", "MAIN-2", "MAIN-3-1", "MAIN-3-9", "MAIN-4", "FLEET-1", "VIP-0"], dtype=object)
NODES = np.array(["acd01", "acd02", "acd03", "acd04"], dtype=object)


@dataclass
class DayCalls:
    legs: list[Frame] = field(default_factory=list)
    surveys: list[Frame] = field(default_factory=list)
    truth: list[Frame] = field(default_factory=list)
    served: list[Frame] = field(default_factory=list)  # answered contacts: candidates for work orders
    bad_service: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)  # (party, weight)


class CallCenter:
    def __init__(self, agents: Agents, expected_daily: np.ndarray, rng: np.random.Generator):
        self.agents = agents
        self.expected = expected_daily
        self.rng = rng
        self.pending: dict[int, list[Frame]] = {}
        self.issue_seq = 0
        self.seq = 0
        self.model = None  # the day's (p_wait, mean_wait, staff) per queue and half hour
        self.on_duty: list[np.ndarray] = []

    def due(self, day: int) -> Frame:
        return concat(self.pending.pop(day, []))

    def schedule(self, day: int, frame: Frame) -> None:
        if frame:
            self.pending.setdefault(day, []).append(frame)

    def run_day(self, day: int, contacts: Frame) -> DayCalls:
        rng = self.rng
        out = DayCalls()
        self.seq = 0
        arrivals = np.zeros((len(QUEUES), 48))
        np.add.at(arrivals, (contacts["queue"], interval_of(contacts["at"])), 1.12)
        self.model = wait_model(day, arrivals, self.expected, rng)
        active = (self.agents.hired_day <= day) & ((self.agents.left_day < 0) | (self.agents.left_day > day))
        self.on_duty = [np.flatnonzero(active & (self.agents.queue == q)) for q in range(len(QUEUES))]
        batch = contacts
        for _ in range(2):  # the contacts, then the same-day redials of those who abandoned
            if not batch:
                break
            batch = self._contacts(day, batch, out)
        return out

    def _contacts(self, day: int, c: Frame, out: DayCalls) -> Frame:
        rng = self.rng
        c = take(c, np.argsort(c["at"], kind="stable"))
        n = len(c["at"])
        new_issue = c["issue"] < 0
        c["issue"][new_issue] = self.issue_seq + np.arange(int(new_issue.sum()))
        self.issue_seq += int(new_issue.sum())
        stamp = from_day_number(day).strftime("%Y%m%d")
        call_id = np.array([f"CL{stamp}{self.seq + i:07d}" for i in range(n)], dtype=object)
        self.seq += n
        node = NODES[rng.integers(0, len(NODES), n)]
        ivr_only = (c["repeat_of"] == None) & (rng.random(n) < 0.07) & (c["queue"] != Q["rescue"])  # noqa: E711
        started = c["at"]
        enq = started + np.where(ivr_only, rng.integers(40, 240, n), rng.integers(12, 75, n))
        queue = c["queue"].copy()
        live = ~ivr_only
        legs, leg_no = [], 1
        final_answered = np.zeros(n, bool)
        final_wait = np.zeros(n)
        final_abandon_wait = np.zeros(n)
        agent_skill = np.ones(n)
        agent_of = const(n, None)
        transfers = np.zeros(n, np.int64)
        legs.append(self._ivr_legs(call_id, c, node, started, enq, ivr_only))
        start = started.copy()
        self._leg_positions = []
        while live.any() and leg_no <= 3:
            idx = np.flatnonzero(live)
            self._leg_positions.append(idx)
            leg, answered, waited, skill, agents, ended = self._queue_leg(idx, queue[idx], start[idx], enq[idx])
            transfer = answered & (rng.random(len(idx)) < TRANSFER[queue[idx]]) & (leg_no < 3)
            leg["disposition"][transfer] = "transferred"
            leg["transfer_to_queue"][transfer] = np.array(QUEUES, dtype=object)[TRANSFER_TO[queue[idx][transfer]]]
            leg.update(call_id=call_id[idx], leg_no=np.full(len(idx), leg_no), ani=c["ani"][idx],
                       dnis=DNIS[c["queue"][idx]], ivr_path=IVR_PATH[c["queue"][idx]], acd_node=node[idx],
                       direction=const(len(idx), "inbound"), started_at=start[idx])
            legs.append(leg)
            final_answered[idx] = answered & ~transfer
            final_wait[idx] = np.where(answered, waited, final_wait[idx])
            final_abandon_wait[idx] = np.where(answered, 0, waited)
            agent_skill[idx[answered]] = skill[answered]
            agent_of[idx[answered]] = agents[answered]
            transfers[idx[transfer]] += 1
            nxt = idx[transfer]
            queue[nxt] = TRANSFER_TO[queue[nxt]]
            start[nxt] = ended[transfer]
            enq[nxt] = ended[transfer] + 3
            live[:] = False
            live[nxt] = True
            leg_no += 1
        out.legs.append(concat(legs))
        # contact position of each leg row, to find a contact's legs without comparing strings
        self._leg_contact = np.concatenate([np.flatnonzero(ivr_only)] + self._leg_positions)
        return self._outcomes(day, c, call_id, queue, ivr_only, final_answered, final_wait, final_abandon_wait,
                              agent_skill, agent_of, transfers, out)

    def _ivr_legs(self, call_id, c, node, started, ended, ivr_only) -> Frame:
        i = np.flatnonzero(ivr_only)
        k = len(i)
        none = const(k, None)
        return {
            "call_id": call_id[i], "leg_no": np.ones(k, np.int64), "direction": const(k, "inbound"),
            "ani": c["ani"][i], "dnis": DNIS[c["queue"][i]], "ivr_path": np.array(["MAIN-9"] * k, dtype=object),
            "queue": none, "started_at": started[i], "enqueued_at": np.full(k, -1), "answered_at": np.full(k, -1),
            "ended_at": ended[i], "agent_id": none, "talk_seconds": np.full(k, -1), "hold_seconds": np.full(k, -1),
            "wrapup_seconds": np.full(k, -1), "disposition": const(k, "ivr_only"),
            "transfer_to_queue": none, "acd_node": node[i],
        }

    def _queue_leg(self, idx, queue, started, enq):
        rng = self.rng
        k = len(idx)
        p_wait, mean_wait, _ = self.model
        iv = interval_of(enq)
        wait = np.where(rng.random(k) < p_wait[queue, iv], rng.exponential(mean_wait[queue, iv]), 0.0).astype(np.int64)
        patience = rng.exponential(PATIENCE_MEAN[queue]).astype(np.int64) + 1
        abandoned = patience < wait
        answered = ~abandoned
        waited = np.where(abandoned, patience, wait)
        duty = [self.on_duty[q] for q in range(len(QUEUES))]
        pick = np.array([duty[q][int(u * len(duty[q]))] if len(duty[q]) else -1 for q, u in zip(queue, rng.random(k), strict=True)])
        skill = np.where(pick >= 0, self.agents.skill[np.maximum(pick, 0)], 1.0)
        agents = np.where(answered & (pick >= 0), self.agents.agent_id[np.maximum(pick, 0)], None)
        talk = (rng.lognormal(np.log(TALK_MEAN[queue] / skill) - 0.15, 0.55)).astype(np.int64) + 20
        hold = np.where(rng.random(k) < 0.25, rng.exponential(60, k).astype(np.int64) + 5, 0)
        wrap = 15 + rng.exponential(np.where(queue == Q["complaints"], 90, 40)).astype(np.int64)
        answered_at = enq + waited
        ended = np.where(answered, answered_at + talk + hold, enq + waited)
        leg = {
            "queue": np.array(QUEUES, dtype=object)[queue], "enqueued_at": enq,
            "answered_at": np.where(answered, answered_at, -1), "ended_at": ended, "agent_id": agents,
            "talk_seconds": np.where(answered, talk, -1), "hold_seconds": np.where(answered, hold, -1),
            "wrapup_seconds": np.where(answered, wrap, -1),
            "disposition": np.where(answered, "answered", "abandoned").astype(object),
            "transfer_to_queue": const(k, None),
        }
        return leg, answered, waited, skill, agents, ended

    def _outcomes(self, day, c, call_id, queue, ivr_only, answered, wait, abandon_wait, skill, agent, transfers, out):
        rng = self.rng
        n = len(call_id)
        resolved = answered & (rng.random(n) < np.clip(RESOLVE[queue] * skill**0.5 * np.where(transfers > 0, 0.85, 1.0), 0, 0.97))
        resolved |= ivr_only & (rng.random(n) < 0.7)
        is_repeat = c["repeat_of"] != None  # noqa: E711
        survey = answered & (rng.random(n) < 0.25)
        score = (4.4 - 0.5 * (wait > 60) - 0.6 * (wait > 180) - 1.4 * ~resolved - 0.3 * (transfers > 0)
                 - 0.5 * is_repeat + 0.9 * (skill - 1) + rng.normal(0, 0.7, n))
        score = np.clip(np.rint(score), 1, 5).astype(np.int64)
        s = np.flatnonzero(survey)
        out.surveys.append({"call_id": call_id[s], "agent_id": agent[s], "score": score[s],
                            "surveyed_at": c["at"][s] + 600 + rng.integers(0, 900, len(s)), "_day": np.full(len(s), day)})
        out.truth.append({"call_id": call_id, "party": c["party"], "issue": c["issue"], "resolved": resolved,
                          "repeat_of": c["repeat_of"], "queue": queue, "answered": answered, "reason": c["reason"],
                          "day": np.full(n, day), "vehicle": c["vehicle"]})
        a = np.flatnonzero(answered)
        out.served.append({**take(c, a), "call_id": call_id[a], "final_queue": queue[a], "resolved": resolved[a]})
        bad = (~answered & ~ivr_only) * 1.0 + ((score <= 2) & survey) * 1.5 + (queue == Q["complaints"]) * 1.0
        known = (c["party"] >= 0) & (bad > 0)
        out.bad_service.append((c["party"][known], bad[known]))
        self._follow_ups(day, c, call_id, queue, answered, resolved, ivr_only, abandon_wait, out)
        abandoned = ~answered & ~ivr_only & (rng.random(n) < 0.55)
        redial = take(c, np.flatnonzero(abandoned))
        redial["at"] = redial["at"] + rng.integers(180, 3_600, len(redial["at"]))
        redial["repeat_of"] = call_id[abandoned]
        same_day = redial["at"] < (day + 1) * DAY
        self.schedule(day + 1, take(redial, np.flatnonzero(~same_day)))
        return take(redial, np.flatnonzero(same_day))

    def _follow_ups(self, day, c, call_id, queue, answered, resolved, ivr_only, abandon_wait, out) -> None:
        rng = self.rng
        n = len(call_id)
        again = np.flatnonzero(~resolved & (answered | ivr_only) & (rng.random(n) < 0.6))
        later = day + 1 + np.minimum(rng.geometric(0.4, len(again)) - 1, 6)
        rep = take(c, again)
        rep["repeat_of"] = call_id[again]
        rep["queue"] = np.where(rng.random(len(again)) < 0.25, Q["complaints"], queue[again])
        rep["reason"] = const(len(again), "repeat")
        for d in np.unique(later):
            sel = np.flatnonzero(later == d)
            f = take(rep, sel)
            f["at"] = d * DAY + f["at"] % DAY + rng.integers(-3_600, 3_600, len(sel))
            f["at"] = np.clip(f["at"], d * DAY + 7 * 3_600, d * DAY + 21 * 3_600)
            self.schedule(int(d), f)
        has_number = c["ani"] != None  # noqa: E711
        ask = np.flatnonzero(~answered & ~ivr_only & has_number & (abandon_wait > 60) & (rng.random(n) < 0.3))
        if len(ask):
            legs = out.legs[-1]
            asked = np.zeros(n, bool)
            asked[ask] = True
            legs["disposition"][asked[self._leg_contact] & (legs["disposition"] == "abandoned")] = "callback_requested"
            out.legs.append(self._callbacks(day, c, call_id, queue, ask))

    def _callbacks(self, day, c, call_id, queue, ask) -> Frame:
        """Outbound calls to callers who asked to be called back, within the next hours."""
        rng = self.rng
        k = len(ask)
        start = c["at"][ask] + rng.integers(1_800, 10_800, k)
        answered = rng.random(k) < 0.75
        talk = rng.lognormal(np.log(TALK_MEAN[queue[ask]]) - 0.3, 0.5).astype(np.int64) + 20
        ans_at = start + rng.integers(5, 25, k)
        pick = np.array([self.on_duty[q][int(u * len(self.on_duty[q]))] if len(self.on_duty[q]) else 0
                         for q, u in zip(queue[ask], rng.random(k), strict=True)])
        return {
            "call_id": np.array([f"{x}-CB" for x in call_id[ask]], dtype=object), "leg_no": np.ones(k, np.int64),
            "direction": const(k, "outbound"), "ani": const(k, "4006012345"),
            "dnis": c["ani"][ask], "ivr_path": const(k, None),
            "queue": np.array(QUEUES, dtype=object)[queue[ask]], "started_at": start, "enqueued_at": np.full(k, -1),
            "answered_at": np.where(answered, ans_at, -1), "ended_at": np.where(answered, ans_at + talk, ans_at + 30),
            "agent_id": self.agents.agent_id[pick], "talk_seconds": np.where(answered, talk, -1),
            "hold_seconds": np.where(answered, 0, -1), "wrapup_seconds": np.where(answered, 30, -1),
            "disposition": np.where(answered, "answered", "no_answer").astype(object),
            "transfer_to_queue": const(k, None), "acd_node": const(k, "acd01"),
        }
