"""The sales-lead system's export: who asked to be called back, as they typed it.

Leads arrive through the web form, dealer events, trade shows, referrals and the hotline.
Some come from people who are customers already (with one of their own numbers, in any
format, the name sometimes mistyped, now and then a new number the CRM does not know);
most are prospects. The same person often leaves a second lead (another source, a few
days later, the number typed another way); some numbers are unusable. The truth says who
is behind each lead (`leads` in truth_dir), for evaluation only.
"""

from __future__ import annotations

import numpy as np

from hub.vocabulary import LEAD_INTERESTS, LEAD_SOURCES
from ingestion.simulator import phones as ph
from ingestion.simulator import places
from ingestion.simulator.config import DAY, Scale
from ingestion.simulator.crm import typo
from ingestion.simulator.frames import Frame, const, labelled, numbered
from ingestion.simulator.people import Parties, person_names
from ingestion.simulator.phonebook import PhoneBook

LEADS_PER_CUSTOMER = 0.06  # leads over the whole period, per CRM customer
CUSTOMER_SHARE = 0.35  # leads left by people who are customers already
NEW_NUMBER = 0.15  # of those: a number the CRM does not hold
NAME_TYPO = 0.10
DUPLICATE = 0.15  # a lead left again by the same person
BAD_PHONE = 0.07  # an unusable number (BAD_NUMBERS): too short, too long, letters, "待补充" (to be filled in)
BAD_NUMBERS = ("1380013", "138001380001", "待补充", "13800x38000", "12345678901", "000")
SOURCE_WEIGHTS = np.array([0.35, 0.25, 0.15, 0.15, 0.10])
INTEREST_WEIGHTS = np.array([0.40, 0.15, 0.12, 0.08, 0.15, 0.10])


def make_leads(scale: Scale, parties: Parties, book: PhoneBook, rng: np.random.Generator) -> tuple[Frame, Frame]:
    """The leads export rows (with `_day`) and their truth (lead id -> person, duplicate of, defect)."""
    n_people = max(10, int(scale.customers * LEADS_PER_CUSTOMER))
    # customers known before the period who are persons with a number of their own
    known = np.flatnonzero(~parties.is_fleet & (parties.registered < scale.first_day * DAY) & (book.count > 0))
    is_customer = rng.random(n_people) < CUSTOMER_SHARE
    party = np.where(is_customer, known[rng.integers(0, len(known), n_people)], -1)
    female = rng.random(n_people) < 0.08
    name = person_names(rng, female)
    name[is_customer] = parties.name[party[is_customer]]
    city = rng.choice(len(places.CITIES), n_people).astype(np.int64)
    city[is_customer] = parties.city[party[is_customer]]
    nsn = ph.mobiles(rng, n_people)
    kind = np.full(n_people, ph.MOBILE)
    own = is_customer & (rng.random(n_people) >= NEW_NUMBER)
    pick = book.first_number[party[own]] + rng.integers(0, 1 << 30, own.sum()) % book.count[party[own]]
    nsn[own], kind[own] = book.number_nsn[pick], book.number_kind[pick]
    email = const(n_people, None)
    gives = rng.random(n_people) < 0.4
    email[is_customer & gives] = parties.email[party[is_customer & gives]]
    # person ids: a customer's party (P...), a prospect's own (Q...)
    person = np.where(is_customer, numbered("P", np.maximum(party, 0), 7), numbered("Q", np.arange(n_people), 7))
    # each person leaves one lead, some a second one
    again = np.flatnonzero(rng.random(n_people) < DUPLICATE)
    who = np.concatenate([np.arange(n_people), again])
    n = len(who)
    first_day = scale.first_day
    day = rng.integers(first_day, first_day + scale.days, n_people)
    lead_day = np.concatenate([day, np.minimum(day[again] + rng.integers(1, 15, len(again)), first_day + scale.days - 1)])
    at = lead_day * DAY + rng.integers(8 * 3600, 21 * 3600, n)
    order = np.lexsort((np.arange(n), at))
    who, at, lead_day = who[order], at[order], lead_day[order]
    typed = ph.format_many(nsn[who], kind[who], rng.integers(0, 1 << 30, n))
    bad = rng.random(n) < BAD_PHONE
    typed[bad] = labelled(BAD_NUMBERS, rng.integers(0, len(BAD_NUMBERS), int(bad.sum())))
    names = name[who].copy()
    for i in np.flatnonzero(rng.random(n) < NAME_TYPO):
        names[i] = typo(str(names[i]), rng)
    lead_id = numbered("L", np.arange(1, n + 1), 9)
    first_lead: dict[int, str] = {}
    duplicate_of = const(n, None)
    for i, w in enumerate(who):
        if int(w) in first_lead:
            duplicate_of[i] = first_lead[int(w)]
        else:
            first_lead[int(w)] = lead_id[i]
    cities = places.CITIES
    rows = {
        "lead_id": lead_id,
        "lead_source": labelled(LEAD_SOURCES, rng.choice(len(LEAD_SOURCES), n, p=SOURCE_WEIGHTS)),
        "name": names,
        "phone": typed,
        "email": email[who],
        "province": np.array([cities[c].province for c in city[who]], dtype=object),
        "city": np.array([cities[c].name for c in city[who]], dtype=object),
        "interest": labelled(LEAD_INTERESTS, rng.choice(len(LEAD_INTERESTS), n, p=INTEREST_WEIGHTS)),
        "fleet_size": np.where(rng.random(n) < 0.7, rng.integers(1, 30, n), -1),
        "consent_to_contact": rng.random(n) < 0.9,
        "created_at": at,
        "_day": lead_day,
    }
    defect = np.where(bad, "bad_phone", np.where(~own[who] & is_customer[who], "new_number", None))
    truth = {
        "lead_id": lead_id, "person_id": person[who], "is_customer": is_customer[who],
        "duplicate_of": duplicate_of, "phone_defect": defect,
    }
    return rows, truth
