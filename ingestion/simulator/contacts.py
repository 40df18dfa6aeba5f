"""Who calls the contact center on a day, about what, and from which number.

Three streams: breakdowns (today's failures, to the repair or rescue queue),
everyday questions and complaints (weighted by each customer's activity, none
from churned customers, some from callers the CRM does not know), and the repeat
calls scheduled by earlier unresolved contacts.
"""

from __future__ import annotations

import numpy as np

from ingestion.contracts import QUEUES
from ingestion.simulator import phones as ph
from ingestion.simulator import rhythm
from ingestion.simulator.failures import Failures
from ingestion.simulator.frames import Frame, const
from ingestion.simulator.people import Parties
from ingestion.simulator.phonebook import PhoneBook

Q = {name: i for i, name in enumerate(QUEUES)}
BACKGROUND_QUEUES = np.array([0.22, 0.52, 0.14, 0.0, 0.12, 0.0, 0.0])  # persons, retail
UNKNOWN_CALLERS = 0.12
WITHHELD = 0.05


def contact_frame(at, party, queue, vehicle, fault, defect, ani, repeat_of, issue, reason) -> Frame:
    n = len(at)
    return {
        "at": np.asarray(at, np.int64),
        "party": np.asarray(party, np.int64),
        "queue": np.asarray(queue, np.int64),
        "vehicle": np.asarray(vehicle, np.int64),
        "fault": np.asarray(fault, np.int64),
        "defect": np.asarray(defect, np.int64),
        "ani": np.asarray(ani, dtype=object).reshape(n),
        "repeat_of": np.asarray(repeat_of, dtype=object).reshape(n),
        "issue": np.asarray(issue, np.int64),
        "reason": np.asarray(reason, dtype=object).reshape(n),
    }


def caller_numbers(parties: Parties, book: PhoneBook, party: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The number each caller rings from, in a CTI-style format; empty when withheld."""
    n = len(party)
    known = party >= 0
    p = np.where(known, party, 0)
    nsn = ph.mobiles(rng, n)  # unknown callers and fleet drivers use their own mobiles
    kind = np.zeros(n, np.int64)
    own = book.first_number[p] + (rng.random(n) * book.count[p]).astype(np.int64)
    fleet = known & parties.is_fleet[p]
    u = rng.random(n)
    use_own = known & (~fleet | (u < 0.1))
    nsn[use_own] = book.number_nsn[own[use_own]]
    kind[use_own] = book.number_kind[own[use_own]]
    switch = fleet & (u >= 0.1) & (u < 0.55)
    nsn[switch] = book.number_nsn[book.switchboard[p[switch]]]
    kind[switch] = ph.LANDLINE
    driver = fleet & (u >= 0.55)
    if driver.any():
        pick = (rng.random(int(driver.sum())) * book.driver_count[p[driver]]).astype(np.int64)
        nsn[driver] = book.drivers[book.driver_start[p[driver]] + pick]
    text = ph.format_many(nsn, kind, rng.integers(0, 1_000, n))
    text[rng.random(n) < WITHHELD] = None
    return text


def background(day: int, volume: float, parties: Parties, weight: np.ndarray, book: PhoneBook,
               rng: np.random.Generator) -> Frame:
    n = rng.poisson(volume * rhythm.call_factor(day))
    at = rhythm.times_in_day(rng, day, n, rhythm.call_profile())
    cdf = np.cumsum(weight)
    party = np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right")
    party[rng.random(n) < UNKNOWN_CALLERS] = -1
    p = np.maximum(party, 0)
    queue = rng.choice(len(QUEUES), n, p=BACKGROUND_QUEUES / BACKGROUND_QUEUES.sum())
    fleet = (party >= 0) & parties.is_fleet[p]
    queue[fleet & (rng.random(n) < 0.65)] = Q["fleet"]
    vip = (party >= 0) & (parties.segment[p] == 3)
    queue[vip & (rng.random(n) < 0.8)] = Q["vip"]
    return contact_frame(at, party, queue, np.full(n, -1), np.full(n, -1), np.full(n, -1),
                         caller_numbers(parties, book, party, rng), np.full(n, None), np.full(n, -1),
                         const(n, "question"))


def breakdowns(day: int, failures: Failures, owner: np.ndarray, parties: Parties, book: PhoneBook,
               rng: np.random.Generator) -> Frame:
    """Drivers call about most breakdowns within minutes to an hour or two."""
    calls = np.flatnonzero(rng.random(failures.size) < 0.7)
    v = failures.vehicle[calls]
    at = np.minimum(failures.at[calls] + rng.integers(300, 5_400, len(calls)), (day + 1) * 86_400 - 1)
    queue = np.where(rng.random(len(calls)) < 0.28, Q["rescue"], Q["repair"])
    party = owner[v]
    return contact_frame(at, party, queue, v, failures.fault[calls], failures.defect[calls],
                         caller_numbers(parties, book, party, rng), np.full(len(calls), None), np.full(len(calls), -1),
                         const(len(calls), "breakdown"))
