"""The true customers: persons and fleet companies, with who they really are.

Everything is drawn as whole numpy arrays; strings are assembled with one list
comprehension per field, which stays in seconds at a million customers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from stdnum.cn import uscc

from ingestion.simulator.frames import const, labelled
from ingestion.simulator import places
from ingestion.simulator.config import DAY, Scale

SEGMENTS = ("retail", "small_fleet", "large_fleet", "vip")
_RIC_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_RIC_CHECK = np.array(list("10X98765432"))
_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2])


@dataclass
class Parties:
    """One row per true customer (person or fleet company)."""

    is_fleet: np.ndarray
    segment: np.ndarray  # index into SEGMENTS
    city: np.ndarray  # index into places.CITIES
    gender: np.ndarray  # "M", "F" or "U"
    birth_day: np.ndarray  # day number; -1 for fleets
    id_card: np.ndarray  # 18-character resident id (persons) or None
    reg_no: np.ndarray  # unified social credit code (fleets) or None
    name: np.ndarray
    address: np.ndarray
    registered: np.ndarray  # local seconds of the first CRM registration
    email: np.ndarray  # None when the customer gave none
    activity: np.ndarray  # relative propensity to call

    @property
    def size(self) -> int:
        return len(self.is_fleet)

    @property
    def ids(self) -> np.ndarray:
        return np.array([f"P{i:07d}" for i in range(self.size)], dtype=object)


def _weights(n: int, decay: float) -> np.ndarray:
    w = 1.0 / (np.arange(n) + 1.0) ** decay
    return w / w.sum()


def person_names(rng: np.random.Generator, female: np.ndarray) -> np.ndarray:
    """Surname + one or two given characters, drawn from frequency-weighted lists."""
    n = len(female)
    surnames = np.array(places.SURNAMES, dtype=object)[rng.choice(len(places.SURNAMES), n, p=_weights(len(places.SURNAMES), 0.9))]
    male_chars, female_chars = np.array(places.GIVEN_MALE, dtype=object), np.array(places.GIVEN_FEMALE, dtype=object)
    first = np.where(female, female_chars[rng.integers(0, len(female_chars), n)], male_chars[rng.integers(0, len(male_chars), n)])
    second = np.where(female, female_chars[rng.integers(0, len(female_chars), n)], male_chars[rng.integers(0, len(male_chars), n)])
    two = rng.random(n) < 0.7
    return np.array([s + f + (t if w else "") for s, f, t, w in zip(surnames, first, second, two, strict=True)], dtype=object)


def resident_ids(rng: np.random.Generator, city: np.ndarray, birth_day: np.ndarray, female: np.ndarray) -> np.ndarray:
    """18-digit resident id numbers with the GB 11643 check digit; odd order code for men."""
    codes = np.array([c.id_code for c in places.CITIES], dtype=object)[city]
    births = np.datetime_as_string(birth_day.astype("datetime64[D]"), unit="D")
    order = rng.integers(0, 500, len(city)) * 2 + np.where(female, 0, 1)
    bodies = [f"{c}{b.replace('-', '')}{o:03d}" for c, b, o in zip(codes, births, order, strict=True)]
    digits = np.frombuffer("".join(bodies).encode("ascii"), dtype=np.uint8).reshape(-1, 17) - 48
    check = _RIC_CHECK[(digits.astype(np.int64) @ _RIC_WEIGHTS) % 11]
    return np.array([b + c for b, c in zip(bodies, check, strict=True)], dtype=object)


def credit_codes(rng: np.random.Generator, city: np.ndarray) -> np.ndarray:
    """Unified social credit codes (GB 32100): dept 9, type 1, area, org code, check."""
    codes = []
    for c, org in zip(city, rng.integers(10_000_000, 99_999_999, len(city)), strict=True):
        body = str(org)
        org_check = (11 - int(np.dot([int(ch) for ch in body], _ORG_WEIGHTS)) % 11) % 11
        number = "91" + places.CITIES[c].id_code + body + ("X" if org_check == 10 else str(org_check))
        codes.append(number + uscc.calc_check_digit(number))
    return np.array(codes, dtype=object)


def addresses(rng: np.random.Generator, city: np.ndarray, fleet: np.ndarray) -> np.ndarray:
    n = len(city)
    district = rng.integers(0, len(places.DISTRICTS), n)
    street = rng.integers(0, len(places.STREETS), n)
    number = rng.integers(1, 400, n)
    flat = rng.integers(1, 30, n) * 100 + rng.integers(1, 6, n)
    out = []
    for i in range(n):
        c = places.CITIES[city[i]]
        prefix = c.province if c.province != c.name + "市" else ""  # municipalities: 北京市朝阳路, not 北京市北京市
        base = f"{prefix}{c.name}市{places.DISTRICTS[district[i]]}{places.STREETS[street[i]]}{number[i]}号"
        out.append(base + ("" if fleet[i] else f"{flat[i] // 100}栋{flat[i]}室"))
    return np.array(out, dtype=object)


def company_names(rng: np.random.Generator, city: np.ndarray) -> np.ndarray:
    word = rng.integers(0, len(places.COMPANY_WORDS), len(city))
    kind = rng.integers(0, len(places.COMPANY_KINDS), len(city))
    return np.array(
        [places.CITIES[c].name + places.COMPANY_WORDS[w] + places.COMPANY_KINDS[k] for c, w, k in zip(city, word, kind, strict=True)],
        dtype=object,
    )


def emails(rng: np.random.Generator, n: int) -> np.ndarray:
    has = rng.random(n) < 0.55
    words = rng.integers(0, len(places.PINYIN_WORDS), (n, 2))
    number = rng.integers(1, 9999, n)
    domain = rng.integers(0, len(places.EMAIL_DOMAINS), n)
    out = np.empty(n, dtype=object)
    for i in np.flatnonzero(has):
        out[i] = f"{places.PINYIN_WORDS[words[i, 0]]}{places.PINYIN_WORDS[words[i, 1]]}{number[i]}@{places.EMAIL_DOMAINS[domain[i]]}"
    return out


def make_parties(scale: Scale, rng: np.random.Generator) -> Parties:
    n = scale.customers
    is_fleet = rng.random(n) < scale.fleet_share
    city_w = np.array([c.weight for c in places.CITIES], dtype=float)
    city = rng.choice(len(places.CITIES), n, p=city_w / city_w.sum()).astype(np.int16)
    female = (rng.random(n) < 0.08) & ~is_fleet  # truck owners are mostly men
    segment = np.where(is_fleet, np.where(rng.random(n) < 0.25, 2, 1), np.where(rng.random(n) < 0.06, 3, 0)).astype(np.int8)
    age_days = (rng.normal(42, 9, n).clip(21, 68) * 365.25).astype(np.int64)
    birth_day = np.where(is_fleet, -1, scale.first_day - age_days)
    first = scale.first_day - scale.history_years * 365
    span = (scale.first_day + scale.days - first) * DAY
    # Registration days spread over the history and the period; entries are made in office hours.
    registered_day = first + (rng.random(n) ** 1.15 * span // DAY).astype(np.int64)
    registered = registered_day * DAY + rng.integers(8 * 60, 18 * 60, n) * 60
    name = np.where(is_fleet, None, person_names(rng, female))
    name[is_fleet] = company_names(rng, city[is_fleet])
    id_card = const(n, None)
    id_card[~is_fleet] = resident_ids(rng, city[~is_fleet], birth_day[~is_fleet], female[~is_fleet])
    reg_no = const(n, None)
    reg_no[is_fleet] = credit_codes(rng, city[is_fleet])
    gender = labelled(("M", "F", "U"), np.where(is_fleet, 2, female))
    activity = rng.gamma(1.5, 1.0 / 1.5, n) * np.where(is_fleet, 4.0, 1.0) * np.where(segment == 3, 1.5, 1.0)
    return Parties(
        is_fleet=is_fleet,
        segment=segment,
        city=city,
        gender=gender,
        birth_day=birth_day,
        id_card=id_card,
        reg_no=reg_no,
        name=name,
        address=addresses(rng, city, is_fleet),
        registered=registered,
        email=emails(rng, n),
        activity=activity,
    )
