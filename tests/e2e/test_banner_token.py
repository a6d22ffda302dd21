"""The token ``silkgraph demo`` prints opens every example query and mutation: data, and no error."""

from __future__ import annotations

import pytest

from gateway.cli import _parser
from gateway.demo import demo_token_args
from gateway.operations import example_operations
from gateway.policy.devkeys import DevKey
from tests.e2e.live import Platform

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="module")]


def _banner_token(platform: Platform) -> str:
    """The token the banner's ``silkgraph token …`` line makes (parsed by the real command line)."""
    args = _parser().parse_args(["token", *demo_token_args()])
    keys = DevKey.load_or_create(platform.runtime.settings.auth.demo_key_file)
    scopes = [s for scope in args.scope for s in scope.split()]
    return keys.token(subject=args.subject, roles=args.role, agency=args.agency, scopes=scopes)


async def test_every_example_operation_answers_with_the_banners_token(platform: Platform) -> None:
    token = _banner_token(platform)
    for op in example_operations().values():
        if op.kind == "subscription":
            continue  # streamed (graphql-ws, SSE, multipart): tests/e2e's subscription tests cover it
        response = await platform.client.post(
            "/graphql",
            json={"query": op.text, "variables": op.variables},
            headers={"authorization": f"Bearer {token}"},
        )
        body = response.json()
        assert response.status_code == 200 and "errors" not in body, (op.name, body.get("errors"))
        assert all(value is not None for value in body["data"].values()), (op.name, body["data"])
