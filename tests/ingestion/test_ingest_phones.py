"""The SQL fast paths (mobile and landline phones, VINs, e-mails, id cards) agree with hub.identifiers, the authority."""

from __future__ import annotations

import random

import duckdb
from stdnum.cn import ric

from hub.identifiers import hash_id_card, normalize_email, normalize_phone, normalize_vin, vin_check_digit
from hub.settings import Settings
from ingestion.contracts import contract
from ingestion.normalise import (
    Normaliser,
    _email_fast_path,
    _id_card_fast_path,
    _phone_fast_path,
    _vin_fast_path,
    create_maps,
)

FORMATS = (
    "{n}",
    "+86{n}",
    "+86 {a} {b} {c}",
    "0086-{n}",
    "0086 {a}-{b}-{c}",
    "86{n}",
    "86 {n}",
    "{a}-{b}-{c}",
    "{a} {b} {c}",
    "({a}) {b} {c}",
    "{a}.{b}.{c}",
    " {n} ",
    "+86-{a}-{b}-{c}",
)
OTHER = (
    "400-820-8820", "+1 650 253 0000", "001-650-253-0000", "11111111111", "00000000", "12345", "unknown",
    "086 13800138000", "+8613800138000 ext 12", "138-0013-8000#5", "+86 138 0013 800", "+86 138 0013 80000",
    "1380013800０", "+86 010 6552 9988", "010-6552998８", "0755-88886666 EXT 12", "0755-88886666 x 12",
)
# Landlines the SQL landline path takes: trunk 0, +86 or 0086, separators, an extension after ext, 转 or #.
LANDLINES = (
    "010-65529988", "(010) 6552 9988", "0755-88886666 转 123", "+86 10 6552 9988", "0086-21-6333-0021",
    "0371 8306 0394", "0531-32800622#12", "027-48775846 ext. 148",
)


def generated_landlines(n: int = 4000, seed: int = 13) -> list[str]:
    """Area codes of every length (and some that are not area codes), prefixes and extensions mixed."""
    rng = random.Random(seed)
    areas = ("10", "21", "20", "371", "531", "755", "851", "433", "978", "991", "400", "800", "95", "112",
             "179", "3", "5", "138", "1380")
    out = []
    for _ in range(n):
        area, number = rng.choice(areas), str(rng.randrange(10 ** rng.choice((6, 7, 8, 9))))
        prefix = rng.choice(("", "0", "+86", "0086", "86", "+86 0", "(0", " 0"))
        fmt = rng.choice(("{p}{a}{n}", "{p}{a}-{n}", "{p}{a} {n}", "({p}{a}) {n}", "{p}{a}.{n}"))
        tail = rng.choice(("", "", " 转 12", "转123", " ext 5", "ext.7", "#9", " EXT 3", " x 2", "# "))
        out.append(fmt.format(p=prefix, a=area, n=number) + tail)
    return out


def generated_numbers(per_prefix: int = 6, seed: int = 7) -> list[str]:
    """Every 3-digit prefix 100-199 with random subscriber digits, in every format."""
    rng = random.Random(seed)
    out = list(OTHER)
    for prefix in range(100, 200):
        for _ in range(per_prefix):
            n = f"{prefix}{rng.randrange(10**8):08d}"
            fmt = rng.choice(FORMATS)
            out.append(fmt.format(n=n, a=n[:3], b=n[3:7], c=n[7:]))
    return out


def fast_path(values: list[str]) -> dict[str, tuple[str, str]]:
    con = duckdb.connect()
    create_maps(con)
    con.execute("create temp table _candidates as select unnest($1) as raw", [values])
    _phone_fast_path(con, "select distinct raw from _candidates")
    return {raw: (e164, kind) for raw, e164, kind in con.execute("select * from _map_phone").fetchall()}


def test_fast_path_agrees_with_the_authority_on_every_value_it_takes() -> None:
    values = generated_numbers()
    taken = fast_path(values)
    assert len(taken) > len(values) // 2  # the fast path does carry the bulk
    for raw, (e164, kind) in taken.items():
        expected = normalize_phone(raw)
        assert expected is not None and (expected.e164, expected.kind) == (e164, kind), raw


def test_fast_path_leaves_other_shapes_to_the_authority() -> None:
    assert fast_path(list(OTHER)) == {}  # service and foreign numbers, mobiles with extensions, junk
    plain = [v for v in generated_numbers() if v not in OTHER]
    mobiles = [v for v in plain if (p := normalize_phone(v)) is not None and p.kind == "mobile"]
    missed = set(mobiles) - set(fast_path(mobiles))
    assert not missed, sorted(missed)[:5]  # every plain-shaped mobile the authority accepts is taken


def test_landline_fast_path_agrees_with_the_authority() -> None:
    values = generated_landlines()
    taken = fast_path(values + list(LANDLINES))
    assert set(LANDLINES) <= set(taken)
    landlines = [v for v in values if (p := normalize_phone(v)) is not None and p.kind == "landline"]
    assert len([v for v in landlines if v in taken]) > len(landlines) // 3  # the shapes a switch writes
    for raw, (e164, kind) in taken.items():
        expected = normalize_phone(raw)
        assert expected is not None and (expected.e164, expected.kind) == (e164, kind), raw


def test_maps_combine_both_paths_into_the_authoritys_answer(tmp_path) -> None:
    values = generated_numbers(per_prefix=2, seed=11)
    con = duckdb.connect()
    con.execute("create temp table _rows as select unnest($1) as v_phone", [values])
    Normaliser(con, Settings(data_dir=tmp_path)).extend(contract("crm__phones"))
    mapped = {raw: (e164, kind) for raw, e164, kind in con.execute("select * from _map_phone").fetchall()}
    assert set(mapped) == {v for v in values if v.strip()}
    for raw, got in mapped.items():
        p = normalize_phone(raw)
        assert got == ((p.e164, p.kind) if p else (None, None)), raw


def generated_vins(n: int = 3000, seed: int = 5) -> list[str]:
    """Valid VINs, and the same with typos, lower case, separators, junk and foreign characters."""
    rng = random.Random(seed)
    alphabet = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
    out = ["00000000000000000", "11111111111111111", "AAAAAAAAAAAAAAAAA", "1M8GDM9AXKP042788", "", "unknown"]
    for _ in range(n):
        body = "".join(rng.choice(alphabet) for _ in range(17))
        vin = body[:8] + vin_check_digit(body[:8] + "0" + body[9:]) + body[9:]
        k = rng.randrange(17)
        out += [
            vin,
            vin.lower(),
            f"{vin[:3]}-{vin[3:9]} {vin[9:]}",
            vin[:k] + rng.choice(alphabet + "IOQ") + vin[k + 1 :],  # one typo, often caught
            vin[:16],
            vin + "7",
            f"{vin[:8]}_{vin[8:]}.",
            "\t" + vin,
            vin[:5] + "\u3000" + vin[5:],
        ]
    return out


def test_vin_fast_path_agrees_with_the_authority() -> None:
    values = generated_vins()
    con = duckdb.connect()
    create_maps(con)
    con.execute("create temp table _candidates as select distinct unnest($1) as raw", [values])
    _vin_fast_path(con, "select raw from _candidates")
    taken = dict(con.execute("select raw, vin from _map_vin").fetchall())
    assert len(taken) > len(set(values)) * 0.7
    assert sum(v is not None for v in taken.values()) > 3 * 3000
    for raw, vin in taken.items():
        assert vin == normalize_vin(raw), raw


def test_large_batches_normalised_on_workers_match_the_authority(tmp_path) -> None:
    # one-letter top-level domains: valid, but outside the SQL fast path
    emails = [f"User.{i}@Example{i % 7}.c" for i in range(25_000)] + ["not-an-email", "a@example.com"]
    con = duckdb.connect()
    con.execute("create temp table _rows as select unnest($1) as v_email", [emails])
    normaliser = Normaliser(con, Settings(data_dir=tmp_path, duckdb_threads=2))
    try:
        normaliser.extend(contract("crm__emails"))
        assert normaliser._pool is not None  # the batch was large enough to go to workers
    finally:
        normaliser.close()
    mapped = dict(con.execute("select raw, normalised from _map_email").fetchall())
    assert len(mapped) == len(emails)
    assert mapped["User.7@Example0.c"] == "user.7@example0.c"
    assert mapped["not-an-email"] is None and mapped["a@example.com"] is None


def generated_id_cards(n: int = 2000, seed: int = 3) -> list[str]:
    """Valid numbers from real and unknown area codes, and broken ones of every kind."""
    rng = random.Random(seed)
    areas = ["110105", "310101", "440305", "510107", "999999", "110000", "320583", "370102"]
    out = ["", "unknown", "000000000000000000", "11010519850304123", "1101051985030412345"]
    for _ in range(n):
        body = f"{rng.choice(areas)}{rng.randrange(1900, 2030)}{rng.randrange(1, 14):02d}{rng.randrange(1, 32):02d}"
        body += f"{rng.randrange(1000):03d}"
        checked = next(body + d for d in "0123456789X" if ric.is_valid(body + d) or d == "X")
        k = rng.randrange(17)
        out += [checked, checked.lower(), f"{checked[:6]} {checked[6:14]} {checked[14:]}",
                checked[:k] + str((int(checked[k]) + 1) % 10) + checked[k + 1 :], body + "5"]
    return out


def test_id_card_fast_path_agrees_with_the_authority() -> None:
    values = generated_id_cards()
    key = "a test key"
    con = duckdb.connect()
    create_maps(con)
    con.execute("create temp table _candidates as select distinct unnest($1) as raw", [values])
    _id_card_fast_path(con, "select raw from _candidates", key)
    taken = dict(con.execute("select raw, hash from _map_id_card").fetchall())
    assert len(taken) > len(set(values)) * 0.7  # spaced forms go to Python
    assert sum(h is not None for h in taken.values()) > 1000
    for raw, digest in taken.items():
        try:
            expected = hash_id_card(raw, key)
        except KeyError:  # stdnum cannot place province-level area codes: not a usable number
            expected = None
        assert digest == expected, raw


def generated_emails(n: int = 3000, seed: int = 9) -> list[str]:
    rng = random.Random(seed)
    chars = "abcxyzABC019._+-"
    domains = ["qq.com", "163.com", "Example.CN", "mail.sina.com.cn", "x.local", "a.b.test", "example.com", "test.com",
               "co1", "b-.cn", "-b.cn", "xn--fiqs8s.cn", "a.b", "sub.domain.internal", "x.home.arpa", "1.2.3.4", "a..cn"]
    out = ["", "none@qq.com", "Test@163.com", "a@b", "@qq.com", "a@", "a b@qq.com", '"a"@qq.com', "用户@qq.com"]
    for _ in range(n):
        local = "".join(rng.choice(chars) for _ in range(rng.randrange(1, 12)))
        out.append(f"{local}@{rng.choice(domains)}")
    return out


def test_email_fast_path_agrees_with_the_authority() -> None:
    values = generated_emails()
    con = duckdb.connect()
    create_maps(con)
    con.execute("create temp table _candidates as select distinct unnest($1) as raw", [values])
    _email_fast_path(con, "select raw from _candidates")
    taken = dict(con.execute("select raw, normalised from _map_email").fetchall())
    assert sum(e is not None for e in taken.values()) > 500
    for raw, email in taken.items():
        assert email == normalize_email(raw), raw
