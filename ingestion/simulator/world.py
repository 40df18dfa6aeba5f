"""The world before day one: customers, records, phones, vehicles, defects, agents.

Each part draws from its own child generator of the seed, so adding draws to one
part does not reshuffle the others.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingestion.contracts import QUEUES
from ingestion.simulator import assets, catalog, crm, leads, people, phonebook, vehicles
from ingestion.simulator.config import Scale
from ingestion.simulator.frames import DayRouter, Frame
from ingestion.simulator.queueing import Agents, make_agents

STREAMS = ("people", "records", "phones", "vehicles", "assets", "agents", "failures", "calls", "tickets",
           "telematics", "lifecycle", "mess", "future",
           "leads", "roster", "roster_mess")  # streams added later go last: the earlier ones stay as they were for a seed


@dataclass
class World:
    scale: Scale
    rngs: dict[str, np.random.Generator]
    parties: people.Parties
    records: crm.Records
    book: phonebook.PhoneBook
    vehicles: vehicles.Vehicles
    defects: list[vehicles.Defect]
    members: list[np.ndarray]
    connected: np.ndarray
    agents: Agents
    expected_daily: np.ndarray  # per queue: contacts the planner expects on an ordinary Wednesday
    crm_rows: dict[str, DayRouter]
    email_junk: np.ndarray
    lead_truth: Frame  # who is behind each sales lead (truth table `leads`)


def expected_contacts(scale: Scale, fleet: vehicles.Vehicles) -> np.ndarray:
    """The planner's forecast per queue, from the background mix and the breakdown rate."""
    from ingestion.simulator.contacts import BACKGROUND_QUEUES, Q

    mix = BACKGROUND_QUEUES / BACKGROUND_QUEUES.sum() * 0.8
    mix[Q["fleet"]] += 0.14
    mix[Q["vip"]] += 0.06
    per_day = mix * scale.background_calls
    breakdowns = fleet.in_service(scale.first_day) * sum(catalog.COMPONENT_RATES.values()) * scale.failure_scale / 365 * 0.7
    per_day[Q["repair"]] += breakdowns * 0.72
    per_day[Q["rescue"]] += breakdowns * 0.28
    return per_day * 1.15  # repeats and redials


def build_world(scale: Scale, seed: int) -> World:
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    rngs = {name: np.random.default_rng(s) for name, s in zip(STREAMS, children, strict=True)}
    parties = people.make_parties(scale, rngs["people"])
    records = crm.make_records(scale, parties, rngs["records"])
    book = phonebook.make_phonebook(parties, records, rngs["phones"])
    fleet = vehicles.make_vehicles(scale, parties, rngs["vehicles"])
    defects = vehicles.make_defects(scale, fleet, rngs["vehicles"])
    members = [vehicles.defect_members(fleet, d) for d in defects]
    r = rngs["assets"]
    connected = assets.choose_connected(scale, fleet, parties, r)
    last_day = scale.first_day + scale.days - 1
    emails, email_junk = crm.email_rows(parties, records, r)
    emails["_junk"] = np.isin(np.arange(len(emails["email"])), email_junk)
    rows: dict[str, Frame] = {
        "crm__customers": crm.customer_rows(scale, parties, records, r),
        "crm__phones": book.rows,
        "crm__emails": emails,
        "crm__vehicles": assets.vehicle_rows(fleet),
        "crm__ownerships": assets.first_ownerships(fleet, records, r),
        "crm__purchases": assets.number_purchases(assets.purchase_rows(scale, fleet, parties, records, connected, r)),
        "crm__consents": assets.consent_rows(records, r, last_day),
    }
    rows["sales__leads"], lead_truth = leads.make_leads(scale, parties, book, rngs["leads"])
    expected = expected_contacts(scale, fleet)
    return World(
        scale=scale, rngs=rngs, parties=parties, records=records, book=book, vehicles=fleet, defects=defects,
        members=members, connected=connected, agents=make_agents(scale, expected, rngs["agents"]),
        expected_daily=expected, crm_rows={k: DayRouter(v, scale.first_day) for k, v in rows.items()},
        email_junk=email_junk, lead_truth=lead_truth,
    )


def agent_rows(world: World, day: int) -> Frame:
    """The roster export: everyone employed on the first day, then hires and leavers."""
    a = world.agents
    first = day == world.scale.first_day
    sel = ((a.hired_day <= day) & ((a.left_day < 0) | (a.left_day > day))) if first else ((a.hired_day == day) | (a.left_day == day))
    i = np.flatnonzero(sel)
    queues = np.array(QUEUES, dtype=object)
    skills = np.array([";".join(sorted({QUEUES[q], "service"})) for q in range(len(QUEUES))], dtype=object)
    return {
        "agent_id": a.agent_id[i], "team": np.array([f"{QUEUES[q]}-{k % 3 + 1}" for q, k in zip(a.queue[i], i, strict=True)], dtype=object),
        "primary_queue": queues[a.queue[i]], "skills": skills[a.queue[i]], "site": a.site[i], "hired_on": a.hired_day[i],
        "left_on": np.where(a.left_day[i] == day, a.left_day[i], -1) if not first else np.full(len(i), -1),
        "updated_at": np.full(len(i), day * 86_400 + 8 * 3_600), "_day": np.full(len(i), day),
    }
