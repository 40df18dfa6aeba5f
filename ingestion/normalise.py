"""Identifier normalisation for a whole load, on DISTINCT values only.

hub.identifiers is the authority, but it costs ~50-90 µs per phone, e-mail or
id card: at bench scale that is minutes. So each distinct raw value is
normalised once per run into a temp map table (`_map_phone`, `_map_email`,
`_map_vin`, `_map_id_card`), and two shapes take a vectorised SQL path that
provably agrees with the authority (tests compare them on many generated values):

- phones: plain dial strings of a CN mobile (+86/0086/86 prefix, separators),
  matched with the very mobile pattern phonenumbers' metadata holds;
- e-mails: plain ASCII dot-atom addresses with a letters-only top-level domain,
  lower-cased, with the special-use and placeholder domains and names rejected;
- VINs: ASCII values, stripped, upper-cased and checked (ISO 3779 check digit);
- id cards: GB 11643 checksum and birth date in SQL, the birth place asked of
  python-stdnum (what hub.identifiers uses) once per (area code, year), and the
  HMAC-SHA256 computed with DuckDB's sha256: ~700k ids take seconds, not minutes.

Everything else goes through hub.identifiers, on worker processes when there is
a lot of it (the values are independent, and DuckDB idles meanwhile).
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import duckdb
from phonenumbers.phonemetadata import PhoneMetadata

from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from email_validator import SPECIAL_USE_DOMAIN_NAMES

from hub.identifiers import MAX_PHONE_CHARS, _VIN_VALUE, _VIN_WEIGHTS, hash_id_card, normalize_email, normalize_phone, normalize_vin
from hub.settings import Settings
from ingestion.contracts import Contract
from ingestion.warehouse import quote

MAPS = {
    "phone": ("_map_phone", "raw varchar, e164 varchar, kind varchar"),
    "email": ("_map_email", "raw varchar, normalised varchar"),
    "vin": ("_map_vin", "raw varchar, vin varchar"),
    "id_card": ("_map_id_card", "raw varchar, hash varchar"),
}
# Only digits, a leading +, and the separators people type: nothing the authority treats specially.
_DIAL_SHAPE = r"[0-9+ \t().\-]+"
# A dial string and an optional extension after one of the words hub.identifiers cuts at (ext, 转, #).
_EXTENSION_SHAPE = rf"({_DIAL_SHAPE})(?:(?:ext\.?|转|#) *[0-9]+ *)?"
# ASCII only, so SQL's upper() and separator class are exactly Python's for these values.
_VIN_SHAPE = r"[A-Za-z0-9 _.\-]*"
_VIN_ALPHABET = "".join(_VIN_VALUE)
log = logging.getLogger(__name__)
_POOL_FROM = 20_000  # values: below this, worker start-up costs more than it saves
_CHUNK = 5_000


def mobile_fast_path_pattern() -> str:
    """Full-match pattern for the dial string of a CN mobile, prefix optional."""
    mobile = PhoneMetadata.metadata_for_region("CN").mobile.national_number_pattern
    return rf"(?:\+86|0086|86)?(?:{mobile})"


def create_maps(con: duckdb.DuckDBPyConnection) -> None:
    for table, columns in MAPS.values():
        con.execute(f"create temp table if not exists {table} ({columns})")


class Normaliser:
    """Extends the maps for each chunk; owns the worker pool of one ingest run."""

    def __init__(self, con: duckdb.DuckDBPyConnection, settings: Settings):
        self.con, self.settings = con, settings
        self._pool: ProcessPoolExecutor | None = None
        create_maps(con)

    def extend(self, contract: Contract) -> None:
        """Add to the maps every raw identifier value in `_rows` not normalised yet."""
        for f in contract.fields:
            if f.normalise is None:
                continue
            table = MAPS[f.normalise][0]
            v = quote("v_" + f.name)
            # Distinct new values once: `_rows` may be a view that re-splits every line.
            self.con.execute(
                f"create or replace temp table _new_ids as select distinct {v} as raw from _rows "
                f"where {v} is not null and {v} not in (select raw from {table})"
            )
            new = f"select raw from _new_ids where raw not in (select raw from {table})"
            if f.normalise == "phone":
                _phone_fast_path(self.con, new)
            elif f.normalise == "vin":
                _vin_fast_path(self.con, new)
            elif f.normalise == "email":
                _email_fast_path(self.con, new)
            elif f.normalise == "id_card":
                _id_card_fast_path(self.con, new, self.settings.id_hash_key.get_secret_value())
            values = [r[0] for r in self.con.execute(new).fetchall()]
            if values:
                self._insert(f.normalise, values)
            self.con.execute("drop table _new_ids")

    def _insert(self, kind: str, values: list[str]) -> None:
        key = self.settings.id_hash_key.get_secret_value()
        rows = None
        if len(values) >= _POOL_FROM and self.settings.duckdb_threads > 1:
            chunks = [values[i : i + _CHUNK] for i in range(0, len(values), _CHUNK)]
            try:
                parts = self.pool().map(normalise_values, [kind] * len(chunks), chunks, [key] * len(chunks))
                rows = [r for part in parts for r in part]
            except (BrokenProcessPool, OSError) as error:  # no workers here: do it in this process
                log.warning("identifier workers unavailable (%s); normalising %d values in-process", error, len(values))
                self.close()
        if rows is None:
            rows = normalise_values(kind, values, key)
        columns = list(zip(*rows, strict=True))
        select = ", ".join(f"unnest(${i + 1})" for i in range(len(columns)))
        self.con.execute(f"insert into {MAPS[kind][0]} select {select}", [list(c) for c in columns])

    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # forkserver: workers fork from a clean process, never from one running DuckDB threads.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["hub.identifiers"])
            self._pool = ProcessPoolExecutor(max_workers=self.settings.duckdb_threads, mp_context=context)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def normalise_values(kind: str, values: list[str], key: str) -> list[tuple]:
    """Map rows (raw, normalised...) by hub.identifiers, the authority."""
    if kind == "phone":
        out = []
        for v in values:
            p = normalize_phone(v)
            out.append((v, p.e164, p.kind) if p else (v, None, None))
        return out
    if kind == "email":
        return [(v, normalize_email(v)) for v in values]
    if kind == "vin":
        return [(v, normalize_vin(v)) for v in values]
    return [(v, _hash_id_card(v, key)) for v in values]


def _phone_fast_path(con: duckdb.DuckDBPyConnection, new: str) -> None:
    """CN mobiles, then CN landlines, of plain dial strings: in SQL, as phonenumbers answers them."""
    con.execute(
        f"""
        insert into _map_phone
        select raw, '+86' || right(dial, 11), 'mobile'
        from (select raw, regexp_replace(raw, '[^0-9+]', '', 'g') as dial
              from ({new}) where length(raw) <= {MAX_PHONE_CHARS} and regexp_full_match(raw, '{_DIAL_SHAPE}'))
        where regexp_full_match(dial, '{mobile_fast_path_pattern()}')
        """
    )
    # The mobiles just mapped are no longer new (`new` leaves out what the map holds).
    con.execute(
        f"""
        insert into _map_phone
        select raw, '+86' || nsn, 'landline'
        from (select raw, case when dial like '+86%' then dial[4:] when dial like '0086%' then dial[5:]
                               when dial like '0%' then dial[2:] end as nsn
              from (select raw, regexp_replace(regexp_extract(raw, '{_EXTENSION_SHAPE}', 1), '[^0-9+]', '', 'g') as dial
                    from ({new}) where length(raw) <= {MAX_PHONE_CHARS} and regexp_full_match(raw, '{_EXTENSION_SHAPE}')))
        where regexp_full_match(nsn, '[1-9][0-9]*') and {landline_fast_path_sql("nsn")}
        """
    )


def _desc_sql(desc, n: str) -> str:
    """SQL: the national number n matches a phonenumbers number description (its lengths and pattern)."""
    if desc is None or not desc.national_number_pattern:
        return "false"
    lengths = f"length({n}) in ({', '.join(str(x) for x in desc.possible_length)}) and " if desc.possible_length else ""
    return f"({lengths}regexp_full_match({n}, '{desc.national_number_pattern}'))"


def landline_fast_path_sql(n: str) -> str:
    """SQL: the CN national significant number n (no trunk 0, no country code) is what phonenumbers calls a
    valid fixed line, read from its metadata at run time as number_type decides it.

    Valid means it matches the general description; the types phonenumbers tests before fixed line
    (premium rate, toll free, shared cost, VoIP, personal, pager, UAN, voicemail) must not match; then
    fixed line must. A number that would lose a carrier code or trunk prefix when parsed (the metadata's
    national_prefix_for_parsing at its start) is left to the authority.
    """
    m = PhoneMetadata.metadata_for_region("CN")
    before = ("premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan", "voicemail")
    return (f"({_desc_sql(m.general_desc, n)} and not regexp_matches({n}, '^(?:{m.national_prefix_for_parsing})') "
            + "".join(f"and not {_desc_sql(getattr(m, name), n)} " for name in before)
            + f"and {_desc_sql(m.fixed_line, n)})")


def _vin_total(v: str) -> str:
    """SQL: the ISO 3779 weighted sum of the 17 characters of v."""
    values = "[" + ", ".join(str(_VIN_VALUE[c]) for c in _VIN_ALPHABET) + "]"
    weights = "[" + ", ".join(str(w) for w in _VIN_WEIGHTS) + "]"
    value_at = f"{values}[instr('{_VIN_ALPHABET}', substr({v}, i, 1))]"
    return f"list_sum(list_transform(range(1, 18), lambda i: {value_at} * {weights}[i]))"


def _vin_fast_path(con: duckdb.DuckDBPyConnection, new: str) -> None:
    """normalize_vin over SQL, for ASCII values: strip, upper-case, shape, junk, check digit."""
    con.execute(
        f"""
        insert into _map_vin
        with stripped as (
            select raw, upper(regexp_replace(raw, '[ _.\\-]', '', 'g')) as v
            from ({new}) where regexp_full_match(raw, '{_VIN_SHAPE}')
        ),
        shaped as (
            select raw, v, regexp_full_match(v, '[A-HJ-NPR-Z0-9]{{17}}')
                and not (regexp_full_match(v, '[0-9]+') and replace(v, left(v, 1), '') = '') as ok
            from stripped
        ),
        summed as (select raw, v, ok, case when ok then {_vin_total('v')} % 11 end as r from shaped)
        select raw, case when ok and substr(v, 9, 1) = (case when r = 10 then 'X' else r::varchar end) then v end
        from summed
        """
    )


# What email-validator accepts unchanged (save case) and normalize_email keeps; longer or
# stranger addresses (quoted, IDN, xn--, one-letter TLD) go to Python.
_EMAIL_SHAPE = r"[a-z0-9_+\-]{1,64}(\.[a-z0-9_+\-]+)*@([a-z0-9]([a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}"
_JUNK_LOCAL = ("none", "null", "unknown", "noemail", "na", "test")
_JUNK_DOMAINS = ("example.com", "test.com")


def _email_fast_path(con: duckdb.DuckDBPyConnection, new: str) -> None:
    special = " or ".join(f"d = '{name}' or ends_with(d, '.{name}')" for name in SPECIAL_USE_DOMAIN_NAMES)
    junk_local = ", ".join(f"'{name}'" for name in _JUNK_LOCAL)
    junk_domain = ", ".join(f"'{name}'" for name in _JUNK_DOMAINS)
    con.execute(
        f"""
        insert into _map_email
        select raw, case when not ({special}) and split_part(e, '@', 1) not in ({junk_local})
                          and d not in ({junk_domain}) then e end
        from (
            select raw, e, split_part(e, '@', 2) as d
            from (select raw, lower(raw) as e from ({new}) where length(raw) <= 100)
            where regexp_full_match(e, '{_EMAIL_SHAPE}') and strpos(e, '--') = 0
        )
        """
    )


_RIC_WEIGHTS = "[" + ", ".join(str(2 ** (17 - i) % 11) for i in range(17)) + "]"


def ric_check_value_sql(n: str) -> str:
    """SQL: the GB 11643 check value (0-10, 10 written X) of the first 17 digits of the text n."""
    return (f"((1 - list_sum(list_transform(range(1, 18), lambda i: "
            f"coalesce(try_cast(substr({n}, i, 1) as integer), 0) * {_RIC_WEIGHTS}[i])) % 11) + 11) % 11")


def _id_card_fast_path(con: duckdb.DuckDBPyConnection, new: str, key: str) -> None:
    """hash_id_card over SQL, for values of digits and X only (anything else goes to Python)."""
    con.execute(
        f"""
        create or replace temp table _id_new as
        with shaped as (
            select raw, upper(raw) as n from ({new}) where regexp_full_match(raw, '[0-9Xx]+')
        )
        select raw, n, regexp_full_match(n, '[0-9]{{17}}[0-9X]')
            and substr(n, 18, 1) = (case when w = 10 then 'X' else w::varchar end)
            and try_strptime(substr(n, 7, 8), '%Y%m%d') is not null and substr(n, 7, 4) >= '0001' as valid
        from (
            select *, {ric_check_value_sql('n')} as w
            from shaped
        )
        """
    )
    pairs = con.execute(
        "select substr(n, 1, 6), substr(n, 7, 4), any_value(n) from _id_new where valid group by all"
    ).fetchall()
    known = [(area, year) for area, year, sample in pairs if _birth_place_known(sample)]
    con.execute(
        "create or replace temp table _id_places as select unnest($1) as area, unnest($2) as year",
        [[a for a, _ in known], [y for _, y in known]],
    )
    inner, outer = _hmac_pads(key)
    con.execute(
        """
        insert into _map_id_card
        select raw, case when p.area is not null then sha256($2 || unhex(sha256($1 || encode(n)))) end
        from _id_new i left join _id_places p on i.valid and p.area = substr(n, 1, 6) and p.year = substr(n, 7, 4)
        """,
        [inner, outer],
    )
    con.execute("drop table _id_new")
    con.execute("drop table _id_places")


def _birth_place_known(number: str) -> bool:
    try:
        ric.get_birth_place(number)
    except (ValidationError, KeyError):  # stdnum raises KeyError for province-level codes such as 110000
        return False
    return True


def _hash_id_card(raw: str, key: str) -> str | None:
    """hash_id_card, with a number stdnum cannot place (KeyError) treated as invalid."""
    try:
        return hash_id_card(raw, key)
    except KeyError:
        return None


def _hmac_pads(key: str) -> tuple[bytes, bytes]:
    """HMAC's inner and outer key blocks (RFC 2104, SHA-256 block of 64 bytes)."""
    raw = key.encode()
    if len(raw) > 64:
        raw = hashlib.sha256(raw).digest()
    raw = raw.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in raw), bytes(b ^ 0x5C for b in raw)
