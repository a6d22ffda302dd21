"""Every subscription field is closed by default: @authenticated and its domain's read scope, in the checked-in
supergraph (so another router enforces the same rule), and validation accepts @defer on the API schema."""

from __future__ import annotations

from pathlib import Path

from graphql import ObjectTypeDefinitionNode, build_schema, parse, validate

SCHEMA = Path(__file__).parents[3] / "schema"
READ_SCOPES = {"cargo": "cargo:read", "customs": "customs:read", "payments": "payments:read", "barter": "barter:read"}


def test_every_subscription_field_needs_authentication_and_its_domains_read_scope() -> None:
    document = parse((SCHEMA / "supergraph.graphql").read_text(encoding="utf-8"))
    subscription = next(
        d for d in document.definitions if isinstance(d, ObjectTypeDefinitionNode) and d.name.value == "Subscription"
    )
    assert subscription.fields
    for field in subscription.fields:
        directives = {d.name.value: d for d in field.directives or ()}
        assert "authenticated" in directives, field.name.value
        graph = next(
            a.value.value.lower()  # type: ignore[attr-defined]
            for a in directives["join__field"].arguments
            if a.name.value == "graph"
        )
        scopes = directives["requiresScopes"].arguments[0].value
        assert READ_SCOPES[graph] in str([v.value for inner in scopes.values for v in inner.values])  # type: ignore[attr-defined]


def test_the_api_schema_declares_defer_and_validation_accepts_it() -> None:
    platform = build_schema((SCHEMA / "platform.graphql").read_text(encoding="utf-8"))
    query = '{ shipment(awb: "784-20260026") { awb ... @defer(label: "later") { origin } } }'
    assert validate(platform, parse(query)) == []
