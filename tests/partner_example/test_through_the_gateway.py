"""The installed partner package plugs into Silkgraph by configuration alone (``pip install -e tests/partner_example``).

Nothing in Silkgraph names ``kz_customs``: the registry finds it through its entry point, the config section
``[adapters.kz_customs]`` points it at its sandbox, and its subgraph composes with the platform's.
"""

from __future__ import annotations

from pathlib import Path

import httpx
from gateway.app import create_app
from gateway.config import load_settings
from gateway.policy.devkeys import DevKey
from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.registry import available_adapters, load_adapter_class
from gateway.sdk.sandbox import serve_sandbox
from gateway.sdk.testing import bearer, partner

QUERY = """{
  kzDeclaration(id: "KZ-ASTANA1-2026-0001") {
    id procedure riskChannel feeKzt
    declarant { country taxId }
    destination { code name }
  }
}"""


def test_the_partner_adapter_is_installed_through_its_entry_point() -> None:
    assert "kz_customs" in available_adapters()
    assert load_adapter_class("kz_customs").__module__ == "kz_customs_partner.adapter"


async def test_configured_partner_adapter_answers_through_the_gateway(tmp_path: Path) -> None:
    spec = load_adapter_class("kz_customs")(AdapterSettings(name="kz_customs")).sandboxes()[0]
    async with serve_sandbox(spec.factory) as customs:
        config = tmp_path / "silkgraph.toml"
        config.write_text(
            '[gateway]\nmode = "demo"\n\n[audit]\nstore = "memory"\n\n[adapters.reference]\n\n'
            f'[adapters.kz_customs]\nurl = "{customs.url}"\n\n[auth]\ndemo_key_file = "{tmp_path / "dev.pem"}"\n',
            encoding="utf-8",
        )
        app = create_app(load_settings(config))
        async with serve_sandbox(lambda _: app) as gateway, httpx.AsyncClient(base_url=gateway.url) as client:
            # the agency that serves the declarant, with the customs read scope its rules ask for
            who = bearer(partner("kz-trade-agency"), DevKey.load_or_create(tmp_path / "dev.pem"))
            response = await client.post("/graphql", json={"query": QUERY}, headers=who)
            anonymous = await client.post("/graphql", json={"query": QUERY})
            ready = (await client.get("/readyz")).json()
    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "kzDeclaration": {
                "id": "KZ-ASTANA1-2026-0001",
                "procedure": "EK-10",
                "riskChannel": "GREEN",
                "feeKzt": 20000,
                "declarant": {"country": "KZ", "taxId": "240540001232"},
                "destination": {"code": "CN", "name": "China"},  # from the reference subgraph
            }
        }
    }
    assert ready["sources"]["kz_customs"]["state"] == "up"
    assert anonymous.json()["data"] == {"kzDeclaration": None}  # closed by default, partner subgraphs too
