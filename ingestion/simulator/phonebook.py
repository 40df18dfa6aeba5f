"""Who owns which number, and which numbers end up typed into which CRM record.

Persons own one or two mobiles and maybe a home line; fleets own a switchboard
(shared by their drivers and by owner-drivers affiliated to them, 挂靠) and
managers' mobiles. Dealers' phones and service hotlines get typed into records
that are not theirs, and some records carry junk. Everything is drawn as arrays:
at a million customers this runs in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingestion.simulator import phones as ph
from ingestion.simulator import places
from ingestion.simulator.config import DAY
from ingestion.simulator.crm import Records
from ingestion.simulator.frames import Frame, const, labelled, numbered
from ingestion.simulator.people import Parties

AFFILIATED, DEALER, SERVICE, JUNK = 0.15, 0.04, 0.01, 0.015
DEALERS_PER_CITY = 3


@dataclass
class PhoneBook:
    number_party: np.ndarray  # the party that owns each personal/switchboard number
    number_nsn: np.ndarray
    number_kind: np.ndarray  # ph.MOBILE or ph.LANDLINE
    first_number: np.ndarray  # per party: index of its first number (numbers are grouped by party)
    count: np.ndarray  # per party: how many numbers it owns
    switchboard: np.ndarray  # per party: number index of its switchboard, -1 if none
    driver_start: np.ndarray  # per party: where its drivers' mobiles start in drivers
    driver_count: np.ndarray  # per party: how many drivers (fleets only)
    drivers: np.ndarray  # drivers' own mobiles (not in the CRM)
    rows: Frame  # the phones entity, with _junk marking junk values
    row_nsn: np.ndarray  # the true number behind each row (raw text for junk)
    row_owner_kind: np.ndarray  # personal, switchboard, dealer, service, junk
    row_owner: np.ndarray  # owner id (person id or dealer code) or None
    row_party: np.ndarray  # the person whose record carries the row


def _party_numbers(parties: Parties, rng: np.random.Generator):
    n = parties.size
    fleet = parties.is_fleet
    mobiles = np.where(fleet, rng.integers(1, 4, n), 1 + (rng.random(n) < 0.35))
    home = (~fleet & (rng.random(n) < 0.15)) | fleet  # a fleet's landline is its switchboard
    count = mobiles + home
    party = np.repeat(np.arange(n), count)
    first = np.cumsum(count) - count
    pos = np.arange(len(party)) - np.repeat(first, count)
    is_land = (pos == np.repeat(count - 1, count)) & np.repeat(home, count)
    nsn = ph.mobiles(rng, len(party))
    nsn[is_land] = ph.landlines(rng, parties.city[party[is_land]])
    kind = np.where(is_land, ph.LANDLINE, ph.MOBILE)
    switchboard = np.where(fleet, first + count - 1, -1)
    return party, nsn, kind, first, count, switchboard


def _big_fleets(parties: Parties) -> np.ndarray:
    """Per city, up to three fleets that owner-drivers affiliate to (-1 where fewer)."""
    out = np.full((len(places.CITIES), 3), -1, np.int64)
    for c in range(len(places.CITIES)):
        found = np.flatnonzero(parties.is_fleet & (parties.city == c))[:3]
        out[c, : len(found)] = found
    return out


def _extras(parties: Parties, records: Records, party_nsn: np.ndarray, switchboard: np.ndarray,
            rng: np.random.Generator) -> Frame:
    """Numbers on records beyond the owner's: a duplicate's new mobile, a fleet switchboard, a dealer's, a hotline, junk."""
    rec_party = records.party
    u = rng.random(records.size)
    person = ~parties.is_fleet[rec_party]
    city = parties.city[rec_party]
    fleets = _big_fleets(parties)[city, rng.integers(0, 3, records.size)]
    new_mobile = records.is_duplicate & (records.shares != "phone")
    affiliated = ~new_mobile & person & (u < AFFILIATED) & (fleets >= 0)
    dealer = ~new_mobile & ~affiliated & (u >= AFFILIATED) & (u < AFFILIATED + DEALER)
    service = ~new_mobile & (u >= AFFILIATED + DEALER) & (u < AFFILIATED + DEALER + SERVICE)
    junk = ~new_mobile & (u >= AFFILIATED + DEALER + SERVICE) & (u < AFFILIATED + DEALER + SERVICE + JUNK)
    # The busiest dealer of a city types its own numbers most often.
    slot = city * DEALERS_PER_CITY + rng.choice(DEALERS_PER_CITY, records.size, p=[0.7, 0.2, 0.1])
    dealer_mobile = ph.mobiles(rng, len(places.CITIES) * DEALERS_PER_CITY)
    dealer_land = ph.landlines(rng, np.repeat(np.arange(len(places.CITIES)), DEALERS_PER_CITY))
    dealer_code = np.array([f"D{c:02d}{k + 1:02d}" for c in range(len(places.CITIES)) for k in range(DEALERS_PER_CITY)], dtype=object)
    use_land = rng.random(records.size) < 0.3
    value = const(records.size, None)
    value[new_mobile] = ph.mobiles(rng, int(new_mobile.sum()))
    value[affiliated] = party_nsn[switchboard[fleets[affiliated]]]
    value[dealer] = np.where(use_land[dealer], dealer_land[slot[dealer]], dealer_mobile[slot[dealer]])
    value[service] = np.array(ph.HOTLINES, dtype=object)[rng.integers(0, len(ph.HOTLINES), int(service.sum()))]
    value[junk] = np.array(ph.JUNK_VALUES, dtype=object)[rng.integers(0, len(ph.JUNK_VALUES), int(junk.sum()))]
    e = np.flatnonzero(new_mobile | affiliated | dealer | service | junk)
    owner_party = np.select([new_mobile, affiliated], [rec_party, fleets], -1)[e]
    return {
        "rec": e,
        "nsn": value[e],
        "kind": np.select([affiliated, dealer & use_land, service, junk], [ph.LANDLINE, ph.LANDLINE, ph.SERVICE, -1], ph.MOBILE)[e],
        "label": labelled(("mobile", "work", "other"), np.select([affiliated, dealer | service], [1, 2], 0)[e]),
        "owner_kind": labelled(("personal", "switchboard", "dealer", "service", "junk"),
                               np.select([new_mobile, affiliated, dealer, service], [0, 1, 2, 3], 4)[e]),
        "owner": np.where(owner_party >= 0, _ids(owner_party), np.where(dealer[e], dealer_code[slot[e]], None)),
    }


def _ids(party: np.ndarray) -> np.ndarray:
    return numbered("P", np.maximum(party, 0), 7)


def make_phonebook(parties: Parties, records: Records, rng: np.random.Generator) -> PhoneBook:
    party, nsn, kind, first, count, switchboard = _party_numbers(parties, rng)
    fleet = parties.is_fleet
    rec_party = records.party
    # The owner's numbers: all on the original record, the first one on a duplicate that shares a phone.
    per_record = np.where(records.is_duplicate, np.where(records.shares == "phone", 1, 0), count[rec_party])
    own_rec = np.repeat(np.arange(records.size), per_record)
    own_num = first[rec_party[own_rec]] + (np.arange(len(own_rec)) - np.repeat(np.cumsum(per_record) - per_record, per_record))
    own_fleet = fleet[rec_party[own_rec]]
    own_label = labelled(("mobile", "work", "home", "switchboard"), (kind[own_num] == ph.LANDLINE) * 2 + own_fleet)
    is_switch = np.zeros(len(nsn), bool)
    is_switch[switchboard[switchboard >= 0]] = True
    x = _extras(parties, records, nsn, switchboard, rng)
    rec = np.concatenate([own_rec, x["rec"]])
    row_nsn = np.concatenate([nsn[own_num], x["nsn"]])
    row_kind = np.concatenate([kind[own_num], x["kind"]])
    text = row_nsn.copy()
    real = row_kind >= 0
    text[real] = ph.format_many(row_nsn[real], row_kind[real], rng.integers(0, 1_000, int(real.sum())))
    order = np.argsort(rec, kind="stable")  # a record's phones together, its own numbers first
    updated = records.registered[rec]
    rows = {
        "customer_id": records.customer_id[rec], "phone": text,
        "phone_label": np.concatenate([own_label, x["label"]]),
        "is_primary": np.concatenate([np.r_[True, own_rec[1:] != own_rec[:-1]], np.zeros(len(x["rec"]), bool)]),
        "updated_at": updated, "_day": updated // DAY, "_junk": ~real,
    }
    fleets_idx = np.flatnonzero(fleet)
    n_drivers = np.zeros(parties.size, np.int64)
    n_drivers[fleets_idx] = rng.integers(5, 40, len(fleets_idx))
    return PhoneBook(
        number_party=party, number_nsn=nsn, number_kind=kind, first_number=first, count=count, switchboard=switchboard,
        driver_start=np.cumsum(n_drivers) - n_drivers, driver_count=n_drivers, drivers=ph.mobiles(rng, int(n_drivers.sum())),
        rows={k: v[order] for k, v in rows.items()},
        row_nsn=row_nsn[order],
        row_owner_kind=np.concatenate([labelled(("personal", "switchboard"), is_switch[own_num]), x["owner_kind"]])[order],
        row_owner=np.concatenate([_ids(party[own_num]), x["owner"]])[order],
        row_party=rec_party[rec][order],
    )


def phone_truth(book: PhoneBook) -> pa.Table:
    """One row per distinct number: E.164 (raw text for junk), owner kind and id, persons whose records carry it.

    Drivers' mobiles are in no record; they are listed with their fleet as owner.
    """
    keys, first, inverse = np.unique(book.row_nsn.astype(str), return_index=True, return_inverse=True)
    pairs = np.unique(np.c_[inverse, book.row_party], axis=0)
    offsets = np.searchsorted(pairs[:, 0], np.arange(len(keys) + 1))
    carried = pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), pa.array(_ids(pairs[:, 1]), pa.string()))
    junk = book.row_owner_kind[first] == "junk"
    alone = ~np.isin(book.drivers.astype(str), keys)  # drivers' mobiles in no CRM record
    drivers = book.drivers[alone]
    fleet_of = np.repeat(np.arange(len(book.driver_count)), book.driver_count)[alone]
    nsn = np.concatenate([keys.astype(object), drivers])
    e164 = pc.binary_join_element_wise(pa.scalar("+86"), pa.array(nsn, pa.string()), "")
    return pa.table({
        "phone": pc.if_else(pa.array(np.r_[junk, np.zeros(len(drivers), bool)]), pa.array(nsn, pa.string()), e164),
        "owner_kind": pa.array(np.concatenate([book.row_owner_kind[first], const(len(drivers), "driver")]), pa.string()),
        "owner_id": pa.array(np.concatenate([book.row_owner[first], _ids(fleet_of)]), pa.string()),
        "person_ids": pa.concat_arrays([carried, pa.array([[]] * len(drivers), pa.list_(pa.string()))]),
        "national_number": pa.array(nsn, pa.string()),
    })
