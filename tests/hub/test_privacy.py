"""The privacy kernel: the scan recognises identifiers in the forms the hub meets them, and
the write-back fields erasure empties are the ones the ops contracts call personal."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.identifiers import hash_id_card, normalize_phone
from hub.privacy.live import PERSONAL_PAYLOAD_FIELDS
from hub.privacy.scan import pieces
from hub.privacy.tombstone import Identifiers, Tombstone
from hub.settings import Settings
from hub.writeback.store import log_engine
from ingestion.contracts import OPS_CONTRACTS

FORMATS = ("{p}", "+86 {a} {b} {c}", "0086-{p}", "{a}-{b}-{c}", "86{p}", "+86-{a}-{b}-{c}")


def test_erased_write_back_fields_are_the_ops_contracts_personal_fields():
    assert PERSONAL_PAYLOAD_FIELDS == {f.name for c in OPS_CONTRACTS for f in c.fields if f.pii}


@settings(max_examples=200, deadline=None)
@given(prefix=st.sampled_from(("138", "139", "150", "186", "177", "199")), rest=st.from_regex(r"\A\d{8}\Z"),
       form=st.sampled_from(FORMATS), around=st.sampled_from(("{}", "call,{},x", '{{"ani": "{}"}}', "tel {} 转")))
def test_a_mobile_number_in_any_format_is_found_as_phonenumbers_normalises_it(prefix, rest, form, around):
    number = prefix + rest
    text = around.format(form.format(p=number, a=number[:3], b=number[3:7], c=number[7:]))
    expected = normalize_phone(number)
    assert expected is not None
    assert expected.e164 in pieces(text)


def test_id_card_numbers_in_text_are_found_by_the_hash_the_hub_stores():
    key = Settings().id_hash_key.get_secret_value()
    number = "11010519491231002X"
    assert hash_id_card(number, key) in pieces(f"C1,张三,{number},北京", key)


def test_the_tombstone_keeps_digests_and_pseudonyms_never_identifiers(tmp_path):
    s = Settings(data_dir=tmp_path)
    engine = log_engine(s.ops_url)
    tombstone = Tombstone(engine, s)
    ids = Identifiers(customer_ids={"CU1"}, crm_customer_ids={"C1"}, phones={"+8613800138000"})
    first = tombstone.add("ER1", ids)
    assert set(first) == {"CU1", "C1"} and first["CU1"].startswith("EU") and first["C1"].startswith("EC")
    assert tombstone.add("ER2", ids) == first  # erased again: the same pseudonyms
    stored = (tmp_path / "ops.db").read_bytes()
    assert b"CU1" not in stored and b"13800138000" not in stored
    assert tombstone.match({"+8613800138000", "+8613900139000"}) == {"+8613800138000": ("phone", None)}
