"""The adapter side of a SOAP legacy system: zeep over httpx, WS-Security, retries and error mapping.

::

    client = SoapClient(settings, SoapEndpoint(wsdl=..., bindings={...}, path="/customs"))
    async with client.open():                       # in the adapter's lifespan()
        reply = await client.call("GetTaxpayers", read=True, agency="kz-trade-agency", Key=[...])

* the WSDL is vendored and loaded **by path in a worker thread** (zeep's loader is blocking), with
  ``Settings(forbid_dtd=True, forbid_entities=True, forbid_external=True, xml_huge_tree=False)``;
* the service proxy is bound to the binding of the chosen SOAP version (option ``soap_version``: ``"1.1"`` or
  ``"1.2"``) at ``settings.url + path`` (the WSDL's own address is ignored). The proxy is a
  ``zeep.proxy.AsyncServiceProxy`` built per call: ``AsyncClient.create_service`` returns a *sync* proxy
  (zeep #1288) and ``bind`` only knows the WSDL's address. Per-call HTTP headers (``X-Agency-Id``,
  ``traceparent``) ride in the proxy's binding options, so no request state lives in the shared client;
* every call carries a digest UsernameToken (``settings.credentials`` ``username`` / ``password``);
* reads (``read=True``) retry with the shared read policy (:class:`gateway.sdk.retry.ReadRetry`: transient
  failures and SOAP ``Server`` faults, ``retry_attempts`` within ``retry_max_delay``, the service's retry budget
  and breaker); writes never retry;
* zeep, lxml and httpx exceptions become :mod:`gateway.errors` here and nowhere else.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import zeep
import zeep.exceptions
from lxml import etree
from zeep.proxy import AsyncServiceProxy
from zeep.wsse.username import UsernameToken

from adapters.soap.parsing import DEFAULT_MAX_BYTES
from adapters.soap.service import DEFAULT_PASSWORD, DEFAULT_USER
from adapters.soap.transport import GuardedTransport, HttpHeaders, LocalDocumentRefused, ReplyCheck, http_error
from gateway.errors import (
    ConfigError,
    SilkgraphError,
    UpstreamFault,
    UpstreamProtocolError,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from gateway.resilience import SourceGuard
from gateway.sdk.adapter import AdapterSettings
from gateway.sdk.calls import guard_of, legacy_http_client
from gateway.sdk.retry import ReadRetry, Sleep, transient
from gateway.sdk.tenancy import Tenancy

__all__ = ["Scope", "SoapClient", "SoapEndpoint"]

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclasses.dataclass(frozen=True)
class Scope:
    """Who a call is made for: the partner agency (sent as ``X-Agency-Id``) and the W3C trace context."""

    agency: str | None = None
    traceparent: str | None = None
    #: whose records the caller sees; per-tenant caches key on it (gateway.sdk.tenancy)
    tenancy: Tenancy = dataclasses.field(default_factory=Tenancy)


@dataclasses.dataclass(frozen=True, kw_only=True)
class SoapEndpoint:
    """Where a SOAP service's description lives and which binding serves each SOAP version."""

    wsdl: Path
    #: SOAP version ("1.1" / "1.2") → binding QName in the WSDL
    bindings: Mapping[str, str]
    #: path appended to the adapter's URL to reach the endpoint
    path: str


class SoapClient:
    def __init__(self, settings: AdapterSettings, endpoint: SoapEndpoint, *, sleep: Sleep | None = None) -> None:
        self.service = settings.name
        self.settings = settings
        self.endpoint = endpoint
        version = str(settings.option("soap_version", "1.1"))
        if version not in endpoint.bindings:
            raise ConfigError(f"adapters.{self.service}.soap_version", f"must be one of {sorted(endpoint.bindings)}")
        self.soap_version = version
        wsdl = settings.option("wsdl")
        self.wsdl = Path(wsdl) if wsdl else endpoint.wsdl
        self.retry = ReadRetry.from_settings(settings, sleep=sleep)
        self.max_bytes = int(settings.option("max_response_bytes", DEFAULT_MAX_BYTES))
        if settings.url is None:
            raise ConfigError(f"adapters.{self.service}.url", "is required: the SOAP service's base URL")
        self.address = settings.url.rstrip("/") + endpoint.path
        self._credentials = self._username_password(settings)
        self._client: zeep.AsyncClient | None = None
        self._binding: Any = None
        self._guard: SourceGuard | None = None

    def _username_password(self, settings: AdapterSettings) -> tuple[str, str]:
        creds = settings.credentials
        if "username" in creds and "password" in creds:
            return creds["username"], creds["password"]
        if urlsplit(self.address).hostname in _LOOPBACK:
            return DEFAULT_USER, DEFAULT_PASSWORD  # the loopback sandbox's demo account
        raise ConfigError(
            f"adapters.{self.service}.credentials",
            'needs username and password (e.g. password = { env = "CUSTOMS_PASSWORD" }) for WS-Security',
        )

    @contextlib.asynccontextmanager
    async def open(self) -> AsyncIterator[SoapClient]:
        timeout = httpx.Timeout(
            connect=self.settings.connect_timeout, read=self.settings.read_timeout, write=10.0, pool=2.0
        )
        check = ReplyCheck(self.service, max_bytes=self.max_bytes)  # judged inside the guard: counts as a failure
        async with legacy_http_client(self.settings, source=self.service, timeout=timeout, reply_check=check) as http:
            self._guard = guard_of(http)
            transport = GuardedTransport(
                http, service=self.service, documents=self.wsdl.parent, max_bytes=self.max_bytes
            )
            try:
                self._client = await asyncio.to_thread(self._load, transport)
            finally:
                transport.close_loader()
            try:
                yield self
            finally:
                self._client = None

    def _load(self, transport: GuardedTransport) -> zeep.AsyncClient:
        """Build the zeep client from the vendored WSDL (blocking: runs in a worker thread)."""
        settings = zeep.Settings(
            strict=True, forbid_dtd=True, forbid_entities=True, forbid_external=True, xml_huge_tree=False
        )
        username, password = self._credentials
        key = f"adapters.{self.service}.wsdl"
        try:
            client = zeep.AsyncClient(  # type: ignore[no-untyped-call]
                str(self.wsdl),
                transport=transport,
                settings=settings,
                wsse=UsernameToken(username, password, use_digest=True),  # type: ignore[no-untyped-call]
                plugins=[HttpHeaders()],
            )
            self._binding = client.wsdl.bindings[self.endpoint.bindings[self.soap_version]]
        except (LocalDocumentRefused, zeep.exceptions.ExternalReferenceForbidden) as exc:
            raise ConfigError(key, f"{self.wsdl} refers to an outside document, which is refused: {exc}") from None
        except (zeep.exceptions.Error, etree.LxmlError, OSError, KeyError) as exc:
            raise ConfigError(key, f"cannot load {self.wsdl}: {type(exc).__name__}: {exc}") from None
        return client

    # -- calls ------------------------------------------------------------------------------------------------
    async def call(
        self,
        operation: str,
        *,
        read: bool,
        agency: str | None = None,
        traceparent: str | None = None,
        **arguments: Any,
    ) -> Any:
        """Call ``operation``; reads retry transient failures, writes are sent exactly once."""
        if self._client is None:
            raise UpstreamUnavailable(
                f"{self.service}: the SOAP client is not started (adapter lifespan)", service=self.service
            )
        headers = {"X-Agency-Id": agency} if agency else {}
        if traceparent:
            headers["traceparent"] = traceparent
        proxy = AsyncServiceProxy(  # type: ignore[no-untyped-call]
            self._client, self._binding, address=self.address, http_headers=headers
        )
        if not read:
            return await self._once(proxy, operation, arguments)
        return await self.retry.call(
            lambda: self._once(proxy, operation, arguments), guard=self._guard, retry_on=_transient
        )

    async def _once(self, proxy: Any, operation: str, arguments: Mapping[str, Any]) -> Any:
        try:
            async with asyncio.timeout(self.settings.total_timeout):
                return await proxy[operation](**arguments)
        except SilkgraphError:
            raise
        except TimeoutError:
            if self._guard is not None:  # the deadline cancelled the call inside the guard: count it here
                self._guard.breaker.record_failure()
            raise UpstreamTimeout(
                f"{self.service}: {operation} took longer than {self.settings.total_timeout} s "
                f"(adapters.{self.service}.total_timeout)",
                service=self.service,
            ) from None
        except zeep.exceptions.Fault as fault:
            raise self._fault(operation, fault) from None
        except zeep.exceptions.TransportError as exc:
            cls = UpstreamUnavailable if exc.status_code in (502, 503, 504) else UpstreamProtocolError
            raise cls(
                f"{self.service}: {operation} failed: HTTP {exc.status_code} {exc.message[:200]}",
                service=self.service,
                httpStatus=exc.status_code,
            ) from None
        except (zeep.exceptions.Error, etree.LxmlError, ValueError) as exc:
            raise UpstreamProtocolError(
                f"{self.service}: {operation} reply does not match the WSDL: {type(exc).__name__}: {exc}",
                service=self.service,
            ) from None
        except httpx.HTTPError as exc:
            raise http_error(exc, self.service, self.address) from None

    def _fault(self, operation: str, fault: zeep.exceptions.Fault) -> UpstreamFault:
        code = _local(fault.code)
        if fault.subcodes:  # SOAP 1.2 carries the specific code (e.g. wsse:FailedAuthentication) as a Subcode
            code = _local(getattr(fault.subcodes[-1], "localname", fault.subcodes[-1]))
        detail = _detail(fault.detail)
        extensions: dict[str, Any] = {"faultCode": _normalise(code), "operation": operation}
        extensions.update({k: v for k, v in detail.items() if k in ("validationCode", "pointer")})
        return UpstreamFault(
            f"{self.service}: {operation} answered with SOAP fault {extensions['faultCode']}: {fault.message}",
            service=self.service,
            **extensions,
        )


def _local(code: Any) -> str:
    text = str(code or "Server")
    return text.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _normalise(code: str) -> str:
    """SOAP 1.2 Sender/Receiver read as the SOAP 1.1 Client/Server everyone knows."""
    return {"Sender": "Client", "Receiver": "Server"}.get(code, code)


def _detail(node: Any) -> dict[str, str]:
    if not isinstance(node, etree._Element):
        return {}
    found: dict[str, str] = {}
    for element in node.iter():
        if isinstance(element.tag, str) and element.text and element.text.strip():
            name = etree.QName(element).localname
            found[name[0].lower() + name[1:]] = element.text.strip()
    return found


def _transient(exc: BaseException) -> bool:
    """Worth retrying a read: unreachable, dropped the line, timed out, or said it was briefly overloaded (a SOAP
    ``Server`` fault; ``Client`` faults and authentication failures would only repeat)."""
    if transient(exc):
        return True
    return isinstance(exc, UpstreamFault) and exc.extensions.get("faultCode") == "Server"
