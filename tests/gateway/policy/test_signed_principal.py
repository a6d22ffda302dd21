"""The signed principal header: only what the gateway signed, for this body, recently and once, gets through."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import rfc8785
from hypothesis import example, given
from hypothesis import strategies as st

from gateway import jsoncodec
from gateway.errors import Unauthenticated
from gateway.policy.signed_principal import PrincipalSigner, PrincipalVerifier, _b64, body_digest
from gateway.sdk.testing import operator, partner

SECRET = "k" * 43
BODY = b'{"query":"{ payments { uetr } }"}'


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def pair(clock: Clock | None = None) -> tuple[PrincipalSigner, PrincipalVerifier]:
    clock = clock or Clock()
    return PrincipalSigner(SECRET, clock=clock), PrincipalVerifier(SECRET, max_age=60, clock=clock)


def test_a_signed_principal_round_trips() -> None:
    signer, verifier = pair()
    who = partner("qingdao-broker")
    got = verifier.verify(signer.sign(who, BODY), BODY)
    assert (got.subject, got.agency, got.roles, got.scopes) == (who.subject, who.agency, who.roles, who.scopes)
    grant = verifier.verify(signer.sign(operator(), BODY), BODY)
    assert grant.agency is None and "platform:read-all" in grant.scopes


def refused(verifier: PrincipalVerifier, header: str | None, body: bytes = BODY) -> str:
    with pytest.raises(Unauthenticated) as caught:
        verifier.verify(header, body)
    return caught.value.message


def test_missing_malformed_and_forged_headers_are_refused() -> None:
    signer, verifier = pair()
    good = signer.sign(partner("qingdao-broker"), BODY)
    assert "missing" in refused(verifier, None)
    assert "malformed" in refused(verifier, "v1.abc")
    assert "malformed" in refused(verifier, "v2" + good[2:])
    version, ts, nonce, _payload, sig = good.split(".")
    other = _b64(b'{"agency":"kz-trade-agency","roles":["partner"],"scopes":["payments:read"],"sub":"x"}')
    assert "signature" in refused(verifier, ".".join([version, ts, nonce, other, sig]))  # edited payload
    wrong_key = PrincipalSigner("z" * 43, clock=Clock()).sign(partner("qingdao-broker"), BODY)
    assert "signature" in refused(verifier, wrong_key)


def test_a_signature_is_bound_to_its_body() -> None:
    signer, verifier = pair()
    header = signer.sign(partner("qingdao-broker"), BODY)
    assert "signature" in refused(verifier, header, b'{"query":"mutation { submitDeclaration }"}')


def test_stale_future_and_replayed_headers_are_refused() -> None:
    clock = Clock()
    signer, verifier = pair(clock)
    old = signer.sign(partner("qingdao-broker"), BODY)
    clock.now += 61
    assert "stale" in refused(verifier, old)
    clock.now -= 200
    assert "stale" in refused(verifier, PrincipalSigner(SECRET, clock=lambda: clock.now + 200).sign(partner(), BODY))
    fresh = signer.sign(partner("qingdao-broker"), BODY)
    verifier.verify(fresh, BODY)
    assert "replay" in refused(verifier, fresh)


def test_a_signed_but_malformed_agency_is_refused() -> None:
    signer, verifier = pair()
    bad = partner("qingdao-broker")
    object.__setattr__(bad, "agency", "")
    assert "agency" in refused(verifier, signer.sign(bad, BODY))


def test_short_secrets_are_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        PrincipalSigner("short")


@given(st.text(max_size=300))
def test_no_arbitrary_header_is_accepted(header: str) -> None:
    _, verifier = pair()
    with pytest.raises(Unauthenticated):
        verifier.verify(header, BODY)


def test_a_router_that_reserialises_the_body_still_verifies() -> None:
    signer, verifier = pair()
    sent = b'{"query": "{ payments { uetr } }", "variables": {"b": 1.0, "a": "x"}}'
    header = signer.sign(partner("qingdao-broker"), sent)
    received = b'{"variables":{"a":"x","b":1},"query":"{ payments { uetr } }"}'
    assert verifier.verify(header, received).agency == "qingdao-broker"


def test_the_worked_example_for_router_authors_verifies() -> None:
    """examples/router/principal-vector.json: what Apollo Router / Hive Gateway implementations check against."""
    vector = json.loads((Path(__file__).resolve().parents[3] / "examples/router/principal-vector.json").read_text())
    at = Clock(float(vector["ts"]))
    verifier = PrincipalVerifier(vector["secret"], clock=at)
    got = verifier.verify(vector["header"], vector["body"].encode())
    assert (got.subject, got.agency) == (vector["principal"]["sub"], vector["principal"]["agency"])
    assert body_digest(vector["body"].encode()) == vector["body_digest"]


_PLAIN = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=4) | st.text(
    st.characters(max_codepoint=0x7F), max_size=3
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**60), 2**60) | st.floats(allow_nan=False) | _PLAIN | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_PLAIN | st.text(max_size=4), inner, max_size=4),
    max_leaves=12,
)


@given(value=_JSON, ascii_only=st.booleans(), compact=st.booleans())
@example(value={"\ue000": 1, "\U0001f600": 2}, ascii_only=True, compact=True)  # UTF-16 order differs
def test_the_digest_is_of_the_rfc8785_form_whichever_way_the_body_was_written(
    value: object, ascii_only: bool, compact: bool
) -> None:
    """The native fast path for plain bodies and rfc8785 for the rest digest exactly what rfc8785 alone does; so
    does a plain body taken as its own canonical form because the gateway wrote it sorted."""
    body = json.dumps(value, ensure_ascii=ascii_only, separators=(",", ":") if compact else None).encode()
    try:
        reference = rfc8785.dumps(json.loads(body))
    except (ValueError, rfc8785.CanonicalizationError):
        reference = body
    assert body_digest(body) == _b64(hashlib.sha256(reference).digest())
    written = jsoncodec.dumps_sorted(value)  # as the transport writes a subgraph request
    assert body_digest(written, sorted_json=True) == body_digest(written)


@pytest.mark.parametrize("body", [b"", b"not json", b'{"a":1', b"[1,2,]", b'{"a": NaN}', b'{"a":1}\x00'])
def test_a_body_that_is_not_json_is_digested_as_sent(body: bytes) -> None:
    assert body_digest(body) == _b64(hashlib.sha256(body).digest())
