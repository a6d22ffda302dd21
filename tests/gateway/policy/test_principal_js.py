"""examples/router/silkgraph-principal.mjs, the signing a JavaScript router does (Hive Gateway's plugin and
bench.peers --compat), run with Node and pinned against the Python verifier the subgraphs use."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from gateway.policy.signed_principal import PrincipalVerifier, body_digest

PRINCIPAL_JS = Path(__file__).resolve().parents[3] / "examples" / "router" / "silkgraph-principal.mjs"
SECRET = "s" * 43
NOW = 1_796_000_000
NONCE = "AAECAwQFBgcICQoLDA0ODw"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="Node is not installed")

RUN = f"""
import {{ readFileSync }} from 'node:fs'
import {{ bodyDigest, signPrincipal }} from '{PRINCIPAL_JS.as_uri()}'
const {{ secret, claims, bodies, now, nonce }} = JSON.parse(readFileSync(0, 'utf8'))
const out = bodies.map((body) => [bodyDigest(body), signPrincipal(secret, claims, body, {{ now, nonce }})])
process.stdout.write(JSON.stringify(out))
"""


def node_sign(bodies: list[str], claims: dict[str, object], secret: str = SECRET) -> list[tuple[str, str]]:
    """(digest, header) per body, as the JavaScript module computes them at ``NOW`` with ``NONCE``."""
    given = {"secret": secret, "claims": claims, "bodies": bodies, "now": NOW * 1000, "nonce": NONCE}
    out = subprocess.run(
        ["node", "--input-type=module", "-e", RUN], input=json.dumps(given), capture_output=True, text=True, check=True
    )
    return [(digest, header) for digest, header in json.loads(out.stdout)]


PARTNER = {"sub": "user-7", "agency": "qingdao-broker", "roles": ["partner"], "scope": "payments:read tax:read"}

#: bodies where a canonical form is easy to get wrong: key order (nested, non-ASCII, UTF-16 vs code points),
#: number forms, escapes, and what RFC 8785 cannot represent (hashed as sent on both sides)
TRICKY = [
    '{"query":"{ payments { uetr } }","variables":{}}',
    '{"variables":{"input":{"number":"08152026","code":"3702261130","amount":"70796.46"}},"query":"q"}',
    '{"query": "q", "operationName": "Op", "variables": {"representations": [{"id": 7, "__typename": "T"}]}}',
    '{"b": [1.0, 1.50, -0.0, 1e21, 1E-7, 5e-324, 0.1, 123456789.125, 1e300, -17]}',
    '{"n": 9007199254740991, "m": -9007199254740991}',
    '{"n": 9007199254740993}',
    '{"n": [-9007199254740992], "s": "9007199254740993"}',
    '{"n": 1e999}',
    '{"s": "\\ud800"}',
    '{"\\udc00": 1}',
    '{"\\ue000": 1, "\\ud83d\\ude00": 2, "é": 3, "z": 4, "Z": 5, "": 6}',
    '{"e": "\\b\\f\\n\\r\\t\\"\\\\\\/\\u0001\\u001f\\u007f\\u00e9 \u00e9 \u4e2d \U0001f600"}',
    '{"a": true, "b": false, "c": null, "d": [], "e": {}}',
    "  [1, 2, 3]\n",
    '"just a string"',
    "not json",
    "",
    '{"a": 1,}',
    '{"a": 1, "a": 2}',
]


def random_value(rng: random.Random, depth: int = 0) -> object:
    pick = rng.randrange(9 if depth < 3 else 6)
    if pick == 0:
        return rng.choice([None, True, False])
    if pick == 1:
        return rng.randint(-(2**60), 2**60) if rng.random() < 0.2 else rng.randint(-(10**6), 10**6)
    if pick == 2:
        return rng.uniform(-1e6, 1e6) * 10 ** rng.randint(-30, 30)
    if pick in (3, 4, 5):
        return "".join(chr(rng.choice([rng.randint(0, 0x7F), rng.randint(0x80, 0x2FFF), 0x1F600])) for _ in range(3))
    if pick in (6, 7):
        return {str(random_value(rng, 3)): random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}
    return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]


def random_bodies(count: int) -> list[str]:
    rng = random.Random(8785)
    return [
        json.dumps(random_value(rng), ensure_ascii=rng.random() < 0.5, separators=rng.choice([None, (",", ":")]))
        for _ in range(count)
    ]


def test_the_worked_example_is_what_the_javascript_module_signs() -> None:
    vector = json.loads((PRINCIPAL_JS.parent / "principal-vector.json").read_text(encoding="utf-8"))
    principal = vector["principal"]
    claims = {**principal, "scope": " ".join(principal["scopes"])}
    [(digest, header)] = node_sign([vector["body"]], claims, vector["secret"])
    assert (digest, header) == (vector["body_digest"], vector["header"])


@pytest.mark.parametrize("batch", ["tricky", "random"])
def test_every_body_the_javascript_module_signs_verifies_in_python(batch: str) -> None:
    bodies = TRICKY if batch == "tricky" else random_bodies(300)
    signed = node_sign(bodies, PARTNER)
    for body, (digest, header) in zip(bodies, signed, strict=True):
        assert digest == body_digest(body.encode()), body
        verifier = PrincipalVerifier(SECRET, clock=lambda: float(NOW))
        got = verifier.verify(header, body.encode())
        assert (got.subject, got.agency, got.roles, got.scopes) == (
            "user-7",
            "qingdao-broker",
            frozenset({"partner"}),
            frozenset({"payments:read", "tax:read"}),
        )


def test_a_javascript_signature_is_bound_to_its_body() -> None:
    """The digest is of the body's meaning, not of its spelling: another value gets another digest."""
    bodies = ['{"v": 9007199254740993}', '{"v": 9007199254740992}', '{"v": 1.5}', '{"v": 1.50}', '{"v": "1.5"}']
    digests = [digest for digest, _ in node_sign(bodies, PARTNER)]
    assert digests[0] != digests[1] and digests[2] == digests[3] != digests[4]
