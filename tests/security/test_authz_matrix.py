"""Every field of the API schema × every principal kind: the rule the gateway enforces is the rule the routing
implies (tests/security/authz_matrix.py), and a field without a rule is closed and cannot ship."""

from __future__ import annotations

import dataclasses

import pytest

from gateway.errors import CompositionError
from gateway.federation.compose import SubgraphSource, compose
from gateway.federation.supergraph import load_supergraph
from gateway.policy.authz import DirectiveAuthorizer, require_rules
from gateway.sdk.context import ANONYMOUS, Principal
from gateway.sdk.testing import KINDS, operator, partner
from gateway.sdk.testing.checks import platform_subgraph_sdls
from tests.security.authz_matrix import Expected, allowed, expected, expected_outcome, load

SG, AUTHZ = load()
FIELDS = expected(SG)


def test_the_matrix_covers_every_field_of_the_api_schema() -> None:
    api_fields = {
        f"{name}.{field}"
        for name, type_ in SG.api_schema.type_map.items()
        if not name.startswith("__") and hasattr(type_, "fields") and not hasattr(type_, "of_type")
        for field in getattr(type_, "fields", {})
        if type(type_).__name__ == "GraphQLObjectType"
    }
    assert {e.coordinate for e in FIELDS} == api_fields
    assert AUTHZ.unruled() == []
    public = sorted(e.coordinate for e in FIELDS if e.public)
    assert public and all(
        c.split(".")[0] in {"Query", "Country", "Currency", "Airport", "Airline", "HsChapter"} for c in public
    )


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_principal_kind_gets_exactly_what_the_routing_implies(kind: str) -> None:
    who = KINDS[kind]
    wrong = [
        (e.coordinate, expected_outcome(e, who))
        for e in FIELDS
        if allowed(AUTHZ, SG, e.coordinate, who) != expected_outcome(e, who)
    ]
    assert wrong == [], f"{kind}: (field, expected allowed) where the gateway decides otherwise"


def _caller(e: Expected, scopes: frozenset[str]) -> Principal:
    return dataclasses.replace(partner(), scopes=scopes)


def test_every_rule_is_sufficient_and_every_scope_in_it_is_needed() -> None:
    """A token with exactly the implied scopes reads the field; without any one of them, it does not."""
    problems = []
    for e in FIELDS:
        if e.public:
            if not allowed(AUTHZ, SG, e.coordinate, ANONYMOUS):
                problems.append(f"{e.coordinate}: public field refused to anonymous callers")
            continue
        if allowed(AUTHZ, SG, e.coordinate, ANONYMOUS):
            problems.append(f"{e.coordinate}: open to anonymous callers")
        if not allowed(AUTHZ, SG, e.coordinate, _caller(e, e.scopes)):
            problems.append(f"{e.coordinate}: refused with {sorted(e.scopes)}")
        for scope in e.scopes:
            if allowed(AUTHZ, SG, e.coordinate, _caller(e, e.scopes - {scope})):
                problems.append(f"{e.coordinate}: allowed without {scope}")
    assert problems == []


def test_reads_need_a_read_scope_and_mutations_a_write_scope() -> None:
    for e in FIELDS:
        if e.mutation:
            assert any(not s.endswith(":read") for s in e.scopes), e
        elif not e.public and e.group != "shared types":  # Company's keys, PageInfo: a token suffices
            assert any(s.endswith(":read") for s in e.scopes), e


def test_the_platform_grant_is_read_only() -> None:
    for e in FIELDS:
        if e.mutation:
            assert not allowed(AUTHZ, SG, e.coordinate, operator())
            agencyless = dataclasses.replace(partner(), agency=None)
            assert not allowed(AUTHZ, SG, e.coordinate, agencyless), e.coordinate


PARTNER_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@key", "@requiresScopes"])
type Query {
  tariffs: [String!]!
  quota: Int @requiresScopes(scopes: [["customs:read"]])
}
"""


def test_a_new_field_without_a_rule_is_closed_to_everyone_and_fails_composition() -> None:
    sources = [
        SubgraphSource(name=n, url=f"http://{n}.invalid/graphql", sdl=s) for n, s in platform_subgraph_sdls().items()
    ]
    sources.append(SubgraphSource(name="partner", url="http://partner.invalid/graphql", sdl=PARTNER_SDL))
    supergraph = load_supergraph(compose(sources))
    authz = DirectiveAuthorizer(supergraph)
    assert authz.unruled() == ["Query.tariffs"]
    for who in KINDS.values():
        assert not allowed(authz, supergraph, "Query.tariffs", who)
    assert allowed(authz, supergraph, "Query.quota", partner())


def test_silkgraph_compose_refuses_a_schema_with_an_unruled_field() -> None:
    sources = [
        SubgraphSource(name=n, url=f"http://{n}.invalid/graphql", sdl=s) for n, s in platform_subgraph_sdls().items()
    ]
    require_rules(load_supergraph(compose(sources)))  # the platform as checked in: every field has a rule
    sources.append(SubgraphSource(name="partner", url="http://partner.invalid/graphql", sdl=PARTNER_SDL))
    with pytest.raises(CompositionError) as refused:
        require_rules(load_supergraph(compose(sources)))
    assert [p.split(" ")[0] for p in refused.value.problems] == ["Query.tariffs"]
