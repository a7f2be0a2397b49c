"""Stored PINs: keyed with a rotatable server-side pepper, bound to their holder, older hashes still verify."""
from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError

from config import ConfigError, load_config, production_faults
from core.domain.errors import InvalidPinError
from core.domain.parties import HolderKind
from core.domain.pins import DEVELOPMENT_PEPPER, PinHasher

CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
K1, K2 = ("k1", b"first-pin-pepper-0123456789"), ("k2", b"second-pin-pepper-0123456789")
EMPLOYER = (HolderKind.EMPLOYER, "1000001")
FAST = PinHasher(CHEAP, peppers=(K1,))


def test_the_stored_hash_names_its_key_and_contains_neither_pin_nor_holder() -> None:
    pin_hash = PinHasher(peppers=(K1,)).hash("4821", *EMPLOYER)
    assert pin_hash.startswith("$cnsspin$v=1$kid=k1$argon2id$v=19$m=1024,t=2,p=1$")
    assert "4821" not in pin_hash and "1000001" not in pin_hash and K1[1].decode() not in pin_hash
    assert PinHasher(peppers=(K1,)).verify(pin_hash, "4821", *EMPLOYER) is True


def test_only_the_right_pepper_pin_and_holder_verify() -> None:
    pin_hash = FAST.hash("4821", *EMPLOYER)
    assert FAST.verify(pin_hash, "4812", *EMPLOYER) is False
    assert PinHasher(CHEAP, peppers=(("k1", b"another-secret-under-k1"),)).verify(pin_hash, "4821", *EMPLOYER) is False
    assert PinHasher(CHEAP, peppers=(K2,)).verify(pin_hash, "4821", *EMPLOYER) is False, "unknown key id"
    assert FAST.verify(pin_hash, "4821", HolderKind.EMPLOYER, "1000002") is False, "copied to another holder"
    assert FAST.verify(pin_hash, "4821", HolderKind.INSURED, "1000001") is False
    assert FAST.hash("4821", *EMPLOYER) != pin_hash  # salted


def test_a_stolen_hash_alone_cannot_be_searched_over_the_ten_thousand_pins() -> None:
    """Whoever has the table but not the pepper: no candidate matches the argon2 part, nor under a guessed key."""
    pin_hash = FAST.hash("4821", *EMPLOYER)
    inner = "$" + pin_hash.split("$", 4)[4]
    assert inner.startswith("$argon2id$")
    guessed = PinHasher(CHEAP, peppers=(("k1", DEVELOPMENT_PEPPER[1]),))
    found = [pin for pin in (f"{n:04d}" for n in range(10_000))
             if _matches(inner, pin) or guessed.verify(pin_hash, pin, *EMPLOYER)]
    assert found == []
    assert FAST.verify(pin_hash, "4821", *EMPLOYER), "while the pepper finds it"


def _matches(inner: str, candidate: str) -> bool:
    try:
        return CHEAP.verify(inner, candidate)
    except VerifyMismatchError:
        return False


def test_garbage_hashes_verify_false_and_ask_to_be_replaced() -> None:
    for garbage in ("not-a-hash", "", "$cnsspin$v=1$kid=k1$", "$cnsspin$v=1$kid=$argon2id$x", "$argon2id$v=19$x"):
        assert FAST.verify(garbage, "4821", *EMPLOYER) is False
        assert FAST.needs_rehash(garbage) is True


def test_an_older_key_still_verifies_and_is_due_for_re_keying() -> None:
    old = FAST.hash("4821", *EMPLOYER)
    rotated = PinHasher(CHEAP, peppers=(K2, K1))
    assert rotated.verify(old, "4821", *EMPLOYER) and rotated.needs_rehash(old)
    fresh = rotated.hash("4821", *EMPLOYER)
    assert fresh.startswith("$cnsspin$v=1$kid=k2$") and not rotated.needs_rehash(fresh)
    assert PinHasher(CHEAP, peppers=(K2,)).verify(fresh, "4821", *EMPLOYER)
    assert not FAST.verify(fresh, "4821", *EMPLOYER), "the old key alone does not verify the new hash"


def test_a_legacy_unkeyed_argon2_hash_verifies_and_is_due_for_upgrade() -> None:
    legacy = CHEAP.hash("4821")
    assert FAST.verify(legacy, "4821", *EMPLOYER) and not FAST.verify(legacy, "4812", *EMPLOYER)
    assert FAST.needs_rehash(legacy)


def test_a_hash_at_other_costs_is_due_for_rehash() -> None:
    assert PinHasher(peppers=(K1,)).needs_rehash(FAST.hash("4821", *EMPLOYER))
    assert not FAST.needs_rehash(FAST.hash("4821", *EMPLOYER))


@pytest.mark.parametrize("pin", ["123", "12345", "12a4", "", "١٢٣٤", "12 4"])
def test_pin_that_is_not_four_digits_is_refused(pin: str) -> None:
    with pytest.raises(InvalidPinError) as caught:
        FAST.hash(pin, *EMPLOYER)
    assert caught.value.data["reason"] == "format"


def test_a_hasher_needs_distinct_key_ids() -> None:
    with pytest.raises(ValueError):
        PinHasher(peppers=())
    with pytest.raises(ValueError):
        PinHasher(peppers=(K1, ("k1", b"x" * 20)))


def test_pin_pepper_is_parsed_into_key_ids_and_secrets(tmp_path: Path) -> None:
    config = load_config({"PIN_PEPPER": " k2:second-pin-pepper-0123456789 , k1:first-pin-pepper-0123456789"},
                         str(tmp_path))
    assert config["PIN_PEPPER"] == (K2, K1)
    assert load_config({}, str(tmp_path))["PIN_PEPPER"] is None


@pytest.mark.parametrize("raw", ["S3cr3tValue", ":S3cr3tValue", "k1:", "k$1:S3cr3tValue", "k1:S3cr3tValue,k1:b", ",",
                                 "k" * 17 + ":S3cr3tValue"])
def test_a_malformed_pin_pepper_is_refused_without_echoing_it(raw: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as refused:
        load_config({"PIN_PEPPER": raw}, str(tmp_path))
    assert "PIN_PEPPER" in str(refused.value) and "S3cr3tValue" not in str(refused.value)


PRODUCTION_READY = {
    "GATEWAY_ENV": "production", "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/cnss",
    "REDIS_URL": "redis://127.0.0.1:1/0", "AT_CALLBACK_KEY": "at-callback-key-0123",
    "GATEWAY_SECRET_KEY": "a-long-server-side-key-0123456789", "BANK_API_SECRET": "bank-secret",
}


@pytest.mark.parametrize("pepper, fault", [
    (None, "PIN_PEPPER is not set"),
    ("k1:short", "PIN_PEPPER has a key shorter than 16 characters or the development key"),
    ("k2:second-pin-pepper-0123456789,k1:short", "PIN_PEPPER has a key shorter"),
    (f"{DEVELOPMENT_PEPPER[0]}:{DEVELOPMENT_PEPPER[1].decode()}", "the development key"),
])
def test_production_refuses_to_start_without_a_real_pin_pepper(pepper: str | None, fault: str, tmp_path: Path) -> None:
    faults = production_faults(load_config({}, str(tmp_path), {**PRODUCTION_READY, "PIN_PEPPER": pepper}))
    assert [f for f in faults if fault in f]


def test_production_accepts_a_pin_pepper(tmp_path: Path) -> None:
    config = load_config({}, str(tmp_path), {**PRODUCTION_READY, "PIN_PEPPER": "k1:first-pin-pepper-0123456789"})
    assert production_faults(config) == []
