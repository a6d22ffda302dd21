"""The token ``silkgraph demo`` prints opens every example query and mutation: data, and no error."""

from __future__ import annotations

import pytest

from gateway.operations import example_operations
from gateway.policy.demo import EXAMPLE_CALLERS, demo_tokens_banner
from gateway.policy.devkeys import DevKey
from tests.e2e.live import Platform

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="module")]


def _banner_token(platform: Platform, caller: str) -> str:
    """The token the demo banner prints for ``caller`` (read off the banner's own text)."""
    lines = demo_tokens_banner(DevKey.load_or_create(platform.runtime.settings.auth.demo_key_file)).splitlines()
    at = next(i for i, line in enumerate(lines) if line.split()[:1] == [caller])
    return lines[at + 1].split("Bearer ", 1)[1]


async def test_every_example_operation_answers_with_the_banners_token(platform: Platform) -> None:
    for op in example_operations().values():
        if op.kind == "subscription":
            continue  # streamed (graphql-ws, SSE, multipart): tests/e2e's subscription tests cover it
        token = _banner_token(platform, EXAMPLE_CALLERS.get(op.name, "qingdao-broker"))  # whose records it shows
        response = await platform.client.post(
            "/graphql",
            json={"query": op.text, "variables": op.variables},
            headers={"authorization": f"Bearer {token}"},
        )
        body = response.json()
        assert response.status_code == 200 and "errors" not in body, (op.name, body.get("errors"))
        assert all(value is not None for value in body["data"].values()), (op.name, body["data"])
