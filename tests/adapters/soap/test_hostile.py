"""Hostile XML reaching an adapter is refused with a clear error, and nothing it points at is ever fetched.

Each hostile document points at a second loopback server that counts hits; the count must stay 0.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from adapters.tax import TaxAdapter
from gateway.errors import ConfigError
from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.sandbox import serve_sandbox
from gateway.sdk.testing import execute, operator
from tests.adapters.soap.kit import counting_server, replying

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
QUERY = '{ company(country: "CN", taxId: "91370281MA3C5R7B0C") { name } }'


def xxe(target: str) -> bytes:
    return (
        f'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "{target}/xxe">]>'
        f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body>&x;</soap:Body></soap:Envelope>'
    ).encode()


def external_dtd(target: str) -> bytes:
    return (
        f'<?xml version="1.0"?><!DOCTYPE soap:Envelope SYSTEM "{target}/dtd">'
        f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body/></soap:Envelope>'
    ).encode()


def billion_laughs(_target: str) -> bytes:
    entities = '<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    return (
        f'<?xml version="1.0"?><!DOCTYPE e [{entities}]>'
        f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body>&a9;</soap:Body></soap:Envelope>'
    ).encode()


def deeply_nested(_target: str) -> bytes:
    return (
        f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body>' + "<n>" * 200 + "</n>" * 200 + "</soap:Body></soap:Envelope>"
    ).encode()


def oversized(_target: str) -> bytes:
    return (
        f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body><big>' + "x" * 300_000 + "</big></soap:Body></soap:Envelope>"
    ).encode()


@pytest.mark.parametrize(
    ("document", "reason"),
    [(xxe, "dtd"), (external_dtd, "dtd"), (billion_laughs, "dtd"), (deeply_nested, "depth"), (oversized, "size")],
    ids=["xxe", "external-dtd", "billion-laughs", "deep-nesting", "oversized"],
)
async def test_hostile_reply_is_refused_without_outbound_requests(document: Any, reason: str) -> None:
    async with counting_server() as (hits, target):
        async with serve_sandbox(replying(document(target.url))) as hostile:
            settings = AdapterSettings(name="tax", url=hostile.url, options={"max_response_bytes": 200_000})
            adapter = TaxAdapter(settings)
            async with adapter.lifespan():
                result = await execute(adapter, QUERY, who=operator())
        assert hits.total == 0
    assert result.errors is not None
    error: Any = result.errors[0].original_error
    assert error.code == "UPSTREAM_PROTOCOL_ERROR"
    assert error.service == "tax"
    assert error.extensions["reason"] == reason
    assert "refused the reply" in error.message


def _wsdl_copy(tmp_path: Path, replace: str, by: str) -> Path:
    source = Path(__file__).parents[3] / "adapters" / "tax" / "wsdl"
    folder = tmp_path / "wsdl"
    shutil.copytree(source, folder)
    wsdl = folder / "tax.wsdl"
    wsdl.write_text(wsdl.read_text(encoding="utf-8").replace(replace, by), encoding="utf-8")
    return wsdl


async def test_wsdl_importing_a_remote_schema_is_refused_without_fetching(tmp_path: Path) -> None:
    async with counting_server() as (hits, target):
        wsdl = _wsdl_copy(tmp_path, 'schemaLocation="tax.xsd"', f'schemaLocation="{target.url}/evil.xsd"')
        adapter = TaxAdapter(AdapterSettings(name="tax", url="http://127.0.0.1:9", options={"wsdl": str(wsdl)}))
        with pytest.raises(ConfigError) as caught:
            async with adapter.lifespan():
                pass  # pragma: no cover - start-up must fail
        assert hits.total == 0
    assert caught.value.key == "adapters.tax.wsdl"
    assert "outside document" in caught.value.reason


async def test_wsdl_importing_a_file_outside_its_folder_is_refused(tmp_path: Path) -> None:
    wsdl = _wsdl_copy(tmp_path, 'schemaLocation="tax.xsd"', 'schemaLocation="../../../etc/passwd"')
    adapter = TaxAdapter(AdapterSettings(name="tax", url="http://127.0.0.1:9", options={"wsdl": str(wsdl)}))
    with pytest.raises(ConfigError, match="outside document"):
        async with adapter.lifespan():
            pass  # pragma: no cover - start-up must fail


async def test_missing_credentials_for_a_remote_service_fail_at_start_up() -> None:
    adapter = TaxAdapter(AdapterSettings(name="tax", url="https://tax.example.org"))
    with pytest.raises(ConfigError) as caught:
        async with adapter.lifespan():
            pass  # pragma: no cover - start-up must fail
    assert caught.value.key == "adapters.tax.credentials"
