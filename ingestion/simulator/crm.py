"""CRM customer records: one per true customer plus duplicates, and their phones and e-mails.

About 6% of persons have a second record entered later (another dealer, another
agent): the name may carry a pinyin-IME typo, the address is written another way,
the birth date may be missing. Three in four duplicates share a phone, e-mail or
id card with the original; the rest share none, only name, birth date and city.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingestion.simulator import places
from ingestion.simulator.config import DAY, Scale
from ingestion.simulator.frames import Frame, const, labelled
from ingestion.simulator.people import SEGMENTS, Parties

DUPLICATE_SHARE = 0.06
NO_SHARED_IDENTIFIER = 0.25


@dataclass
class Records:
    """CRM records (customer ids) and the true party behind each."""

    customer_id: np.ndarray
    party: np.ndarray
    is_duplicate: np.ndarray
    registered: np.ndarray  # local seconds
    name: np.ndarray
    birth_day: np.ndarray  # -1 when missing
    id_card: np.ndarray
    address: np.ndarray
    shares: np.ndarray  # what a duplicate shares with its original: phone, email, id_card, none, ""
    main_of_party: np.ndarray  # record index of each party's original record

    @property
    def size(self) -> int:
        return len(self.party)


def typo(name: str, rng: np.random.Generator) -> str:
    """Replace one character by a same-sounding one, or swap the given name's characters."""
    spots = [i for i, ch in enumerate(name) if ch in places.SIMILAR]
    if spots and rng.random() < 0.8:
        i = spots[int(rng.integers(0, len(spots)))]
        return name[:i] + places.SIMILAR[name[i]] + name[i + 1 :]
    if len(name) == 3:
        return name[0] + name[2] + name[1]
    return name + places.GIVEN_MALE[int(rng.integers(0, len(places.GIVEN_MALE)))]


def address_variant(address: str, rng: np.random.Generator) -> str:
    """The same place written another way: no province, '#' for 号, no flat, full-width digits."""
    k = int(rng.integers(0, 4))
    if k == 0:
        for city in places.CITIES:
            if address.startswith(city.province):
                return address[len(city.province) :]
    if k == 1:
        return address.replace("号", "#", 1)
    if k == 2 and "栋" in address and "号" in address:
        return address[: address.index("号") + 1]
    return address.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


def make_records(scale: Scale, parties: Parties, rng: np.random.Generator) -> Records:
    n = parties.size
    last = (scale.first_day + scale.days - 1) * DAY
    persons = np.flatnonzero(~parties.is_fleet)
    dup_party = np.sort(rng.choice(persons, int(len(persons) * DUPLICATE_SHARE), replace=False))
    m = len(dup_party)
    later = parties.registered[dup_party] + rng.integers(20, 900, m) * DAY
    dup_registered = np.where(later <= last, later, parties.registered[dup_party] + rng.integers(1, 5, m) * DAY)
    share = np.where(
        rng.random(m) < NO_SHARED_IDENTIFIER,
        "none",
        rng.choice(np.array(["phone", "id_card", "email"], dtype=object), m, p=[0.6, 0.25, 0.15]),
    ).astype(object)
    share[(share == "email") & np.array([parties.email[p] is None for p in dup_party], dtype=bool)] = "phone"
    dup_name = np.array([typo(parties.name[p], rng) if rng.random() < 0.7 else parties.name[p] for p in dup_party], dtype=object)
    dup_address = np.array([address_variant(parties.address[p], rng) for p in dup_party], dtype=object)
    dup_birth = np.where(rng.random(m) < 0.4, -1, parties.birth_day[dup_party])
    dup_id = np.where(share == "id_card", parties.id_card[dup_party], None)

    party = np.concatenate([np.arange(n), dup_party])
    registered = np.concatenate([parties.registered, np.minimum(dup_registered, last + 17 * 3_600)])
    order = np.lexsort((party, registered))  # customer ids follow registration order
    total = n + m

    def ordered(a: np.ndarray) -> np.ndarray:
        return a[order]

    customer_id = np.array([f"C{10_000_001 + i}" for i in range(total)], dtype=object)
    is_dup = ordered(np.r_[np.zeros(n, bool), np.ones(m, bool)])
    records = Records(
        customer_id=customer_id,
        party=ordered(party),
        is_duplicate=is_dup,
        registered=ordered(registered),
        name=ordered(np.concatenate([parties.name, dup_name])),
        birth_day=ordered(np.concatenate([parties.birth_day, dup_birth])),
        id_card=ordered(np.concatenate([parties.id_card, dup_id])),
        address=ordered(np.concatenate([parties.address, dup_address])),
        shares=ordered(np.concatenate([const(n, ""), share])),
        main_of_party=np.empty(n, np.int64),
    )
    main = np.flatnonzero(~is_dup)
    records.main_of_party[records.party[main]] = main
    return records


def customer_rows(scale: Scale, parties: Parties, records: Records, rng: np.random.Generator) -> Frame:
    """The customers entity: each record as registered, plus later address changes."""
    r = records
    p = r.party
    base: Frame = {
        "customer_id": r.customer_id,
        "customer_type": labelled(("person", "fleet"), parties.is_fleet[p]),
        "name": r.name,
        "gender": np.where(rng.random(r.size) < 0.03, None, parties.gender[p]),
        "birth_date": r.birth_day,
        "id_card_no": r.id_card,
        "company_reg_no": parties.reg_no[p],
        "province": np.array([c.province for c in places.CITIES], dtype=object)[parties.city[p]],
        "city": np.array([c.name for c in places.CITIES], dtype=object)[parties.city[p]],
        "address": r.address,
        "postcode": np.full(r.size, None, dtype=object),  # the simulated CRM does not record postcodes
        "segment": np.array(SEGMENTS, dtype=object)[parties.segment[p]],
        "registered_at": r.registered,
        "updated_at": r.registered,
    }
    base["_day"] = r.registered // DAY
    last = scale.first_day + scale.days - 1
    movers = np.flatnonzero(rng.random(r.size) < 0.06)
    when_day = r.registered[movers] // DAY + rng.integers(30, 1_200, len(movers))
    movers, when_day = movers[when_day <= last], when_day[when_day <= last]
    moved = {k: v[movers].copy() for k, v in base.items()}
    moved["address"] = np.array([address_variant(a, rng) if rng.random() < 0.3 else _new_street(a, rng) for a in moved["address"]], dtype=object)
    moved["updated_at"] = when_day * DAY + rng.integers(9 * 3_600, 18 * 3_600, len(movers))
    moved["_day"] = when_day
    return {k: np.concatenate([base[k], moved[k]]) for k in base}


def _new_street(address: str, rng: np.random.Generator) -> str:
    for street in places.STREETS:
        if street in address:
            return address.replace(street, places.STREETS[int(rng.integers(0, len(places.STREETS)))], 1)
    return address


def email_rows(parties: Parties, records: Records, rng: np.random.Generator) -> tuple[Frame, np.ndarray]:
    """E-mails on records; returns the rows and the positions of junk values."""
    r = records
    email = parties.email[r.party]
    keep = np.array([e is not None for e in email]) & (~r.is_duplicate | (r.shares == "email"))
    idx = np.flatnonzero(keep)
    values = email[idx].copy()
    upper = rng.random(len(idx)) < 0.1  # agents type in capitals now and then: still the same address
    values[upper] = np.array([v.upper() for v in values[upper]], dtype=object)
    junk_rows = np.flatnonzero(rng.random(len(idx)) < 0.005)
    values[junk_rows] = rng.choice(np.array(["none@none.com", "test@test.com", "无"], dtype=object), len(junk_rows))
    frame = {"customer_id": r.customer_id[idx], "email": values, "updated_at": r.registered[idx], "_day": r.registered[idx] // DAY}
    return frame, junk_rows
