"""docs/security.md carries the scope and role tables generated from gateway/policy/scopes.py."""

from __future__ import annotations

from pathlib import Path

from gateway.policy.scopes import SCOPES, render_doc

DOC = Path(__file__).resolve().parents[3] / "docs" / "security.md"


def test_the_documented_scopes_are_the_scopes_in_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert render_doc(text) == text, "docs/security.md is stale: run `python -m gateway.policy.scopes`"
    for scope in SCOPES:
        assert f"`{scope.name}`" in text


def test_every_scope_the_schema_names_is_in_the_list() -> None:
    import re

    supergraph = (DOC.parents[1] / "schema" / "supergraph.graphql").read_text(encoding="utf-8")
    used = set(re.findall(r'"([a-z]+:[a-z-]+)"', supergraph))
    assert used and used <= {s.name for s in SCOPES}, used - {s.name for s in SCOPES}
