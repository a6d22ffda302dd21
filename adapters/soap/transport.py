"""The zeep transport Silkgraph's SOAP adapters use: httpx underneath, hostile XML refused at the door.

:class:`GuardedTransport` is a :class:`zeep.transports.AsyncTransport` that

* posts through the adapter's own ``httpx.AsyncClient`` (timeouts, pool and lifetime owned by the adapter);
* reads the whole reply, decoded, at most ``max_bytes`` of it (:func:`gateway.bodies.read_httpx_body`), and
  runs it through :func:`adapters.soap.parsing.parse_document` before zeep sees it — a reply with a DTD,
  entities, absurd nesting or size never reaches zeep's parser;
* loads WSDL/XSD documents only from the vendored WSDL's own directory: no network fetch, no ``file://`` URL,
  no path outside that directory, whatever an import says;
* maps transport failures to :mod:`gateway.errors` (the service is named in every error).

:class:`HttpHeaders` is a zeep plugin that adds per-call HTTP headers (``X-Agency-Id``, ``traceparent``) passed as
a binding option, so no per-request state hides in the client.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
from zeep import Plugin
from zeep.transports import AsyncTransport

from adapters.soap.parsing import DEFAULT_MAX_DEPTH, HostileXML, UnsafeXML, parse_document
from gateway.bodies import ACCEPT_ENCODING, BodyTooLarge, BodyUndecodable, read_httpx_body
from gateway.errors import UpstreamProtocolError, UpstreamTimeout, UpstreamUnavailable
from gateway.resilience import REPLY_CHECKED

__all__ = ["GuardedTransport", "HttpHeaders", "LocalDocumentRefused", "ReplyCheck", "http_error"]

_SOAP_MEDIA = ("text/xml", "application/soap+xml", "application/xml", "multipart/related")


class LocalDocumentRefused(Exception):
    """A WSDL/XSD import that points outside the vendored WSDL directory (or at the network)."""

    def __init__(self, location: str, root: Path) -> None:
        super().__init__(
            f"document {location!r} is not inside {str(root)!r}: vendored WSDLs may only import files next to them"
        )
        self.location = location


def http_error(exc: httpx.HTTPError, service: str, address: str) -> Exception:
    """The :mod:`gateway.errors` class for an httpx failure talking to ``address``."""
    if isinstance(exc, httpx.TimeoutException):
        return UpstreamTimeout(
            f"the {service} service did not reply in time ({type(exc).__name__}); "
            f"raise adapters.{service}.read_timeout if the system is just slow",
            service=service,
        )
    if isinstance(exc, httpx.ConnectError):
        return UpstreamUnavailable(
            f"cannot connect to the {service} service: check adapters.{service}.url and that the system is up",
            service=service,
        )
    return UpstreamUnavailable(
        f"the connection to the {service} service failed mid-exchange ({type(exc).__name__})", service=service
    )


class HttpHeaders(Plugin):
    """Copies the ``http_headers`` binding option into each request's HTTP headers."""

    def egress(self, envelope: Any, http_headers: dict[str, str], operation: Any, binding_options: Any) -> Any:
        http_headers.update(binding_options.get("http_headers") or {})
        return envelope, http_headers


class ReplyCheck:
    """Refuses a reply that is not SOAP or is hostile XML (raising :mod:`gateway.errors`); a SOAP fault passes.

    Given to the legacy client as its ``reply_check`` (:func:`gateway.sdk.calls.legacy_http_client`), it runs
    inside the source's guard, so such a reply counts against the breaker as the protocol failure it is."""

    def __init__(self, service: str, *, max_bytes: int, max_depth: int = DEFAULT_MAX_DEPTH) -> None:
        self.service = service
        self.max_bytes = max_bytes
        self.max_depth = max_depth

    def __call__(self, response: httpx.Response) -> None:
        try:
            address = str(response.request.url)
        except RuntimeError:  # a response built without its request
            address = self.service
        media = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if response.status_code >= 500 and media not in _SOAP_MEDIA:
            raise UpstreamUnavailable(
                f"the {self.service} service answered HTTP {response.status_code} without a SOAP fault",
                service=self.service,
                httpStatus=response.status_code,
            )
        if response.status_code not in (200, 202) and media not in _SOAP_MEDIA:
            raise UpstreamProtocolError(
                f"the {self.service} service answered HTTP {response.status_code} ({media or 'no content type'}), "
                f"not SOAP: check adapters.{self.service}.url",
                service=self.service,
                httpStatus=response.status_code,
            )
        if not response.content:
            return
        try:
            parse_document(response.content, max_bytes=self.max_bytes, max_depth=self.max_depth)
        except HostileXML as exc:
            raise UpstreamProtocolError(
                f"{self.service}: refused the reply from {address}: {exc}", service=self.service, reason=exc.reason
            ) from None
        except UnsafeXML as exc:
            raise UpstreamProtocolError(
                f"{self.service}: reply from {address} is not a SOAP envelope ({exc})",
                service=self.service,
                reason=exc.reason,
            ) from None


class GuardedTransport(AsyncTransport):
    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        service: str,
        documents: Path,
        max_bytes: int,
        max_depth: int = DEFAULT_MAX_DEPTH,
    ) -> None:
        # zeep insists on a sync client for WSDL fetches; give it one that can never reach the network.
        self._no_network = httpx.Client(transport=httpx.MockTransport(self._refuse))
        super().__init__(client=client, wsdl_client=self._no_network)  # type: ignore[no-untyped-call]
        self.service = service
        self.documents = documents.resolve()
        self.max_bytes = max_bytes
        self.max_depth = max_depth
        self.check_reply = ReplyCheck(service, max_bytes=max_bytes, max_depth=max_depth)

    def _refuse(self, request: httpx.Request) -> httpx.Response:
        raise LocalDocumentRefused(str(request.url), self.documents)

    def close_loader(self) -> None:
        self._no_network.close()

    # -- WSDL / XSD loading (sync, runs in a worker thread at start-up) -------------------------------------
    def load(self, url: str) -> bytes:
        if not url or "://" in url:
            raise LocalDocumentRefused(url, self.documents)
        path = Path(os.path.expanduser(url)).resolve()
        if not path.is_relative_to(self.documents):
            raise LocalDocumentRefused(url, self.documents)
        return path.read_bytes()

    def _load_remote_data(self, url: str) -> bytes:
        raise LocalDocumentRefused(url, self.documents)

    # -- operations -----------------------------------------------------------------------------------------
    async def post(self, address: str, message: bytes, headers: dict[str, str]) -> httpx.Response:
        try:
            headers = {**headers, "accept-encoding": ACCEPT_ENCODING}
            async with self.client.stream("POST", address, content=message, headers=headers) as response:
                body = await self._read(response, address)
        except httpx.HTTPError as exc:
            raise http_error(exc, self.service, address) from None
        reply = httpx.Response(
            status_code=response.status_code, headers=response.headers, content=body, request=response.request
        )
        if not response.extensions.get(REPLY_CHECKED):  # a plain client: judge the reply here
            self.check_reply(reply)
        return reply

    async def _read(self, response: httpx.Response, address: str) -> bytes:
        try:
            return await read_httpx_body(response, limit=self.max_bytes)
        except BodyTooLarge as exc:
            raise self._refused(address, str(exc)) from None
        except BodyUndecodable as exc:
            raise self._refused(address, str(exc), reason="encoding") from None

    def _refused(self, address: str, why: str, reason: str = "size") -> UpstreamProtocolError:
        return UpstreamProtocolError(
            f"{self.service}: refused the reply from {address}: {why}", service=self.service, reason=reason
        )
